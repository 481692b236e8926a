import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.models import Authority, OrganisationKind

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class ContactFilter(django_filters.FilterSet):
    """Filters of the contact list, shared by the page and its Excel export."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=200,
        help_text=_("Name, e-mail address, job title or organisation."),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of organisation"),
        field_name="organisation__kind",
        choices=OrganisationKind.choices,
        empty_label=_("All kinds"),
    )
    is_signatory = django_filters.ChoiceFilter(
        label=_("Signatory"), choices=YES_NO, method="filter_signatory", empty_label=_("All")
    )
    authority = django_filters.ChoiceFilter(
        label=_("Authority"),
        field_name="signatory__authority",
        choices=Authority.choices,
        empty_label=_("All authorities"),
    )
    is_primary = django_filters.ChoiceFilter(
        label=_("Primary contact"), choices=YES_NO, method="filter_primary", empty_label=_("All")
    )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(email__icontains=value)
            | Q(job_title__icontains=value)
            | Q(organisation__name__icontains=value)
        )

    def filter_signatory(self, queryset, name, value):
        return queryset.filter(signatory__isnull=value != "yes")

    def filter_primary(self, queryset, name, value):
        return queryset.filter(is_primary=value == "yes")
