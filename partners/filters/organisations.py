import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Network, Organisation, OrganisationKind, Sector, Stage

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", widget=forms.TextInput(attrs={"type": "search"})
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganisationKind.choices)
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices)
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    network = django_filters.ModelChoiceFilter(
        label=_("Network"), queryset=Network.objects.none(), field_name="networks", distinct=True
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Relationship owner"),
        queryset=get_user_model().objects.none(),
        field_name="relationship_owner",
    )
    business = django_filters.ChoiceFilter(
        label=_("Counts as business"), choices=YES_NO, method="filter_business"
    )
    quiet = django_filters.ChoiceFilter(
        label=_("Gone quiet"), choices=[("yes", _("Yes"))], method="filter_quiet"
    )

    class Meta:
        model = Organisation
        fields = []

    def __init__(self, data=None, *args, partnership, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.partnership = partnership
        self.filters["network"].queryset = Network.objects.filter(partnership=partnership)
        self.filters["owner"].queryset = (
            get_user_model()
            .objects.filter(memberships__partnership=partnership)
            .order_by("first_name", "last_name", "email")
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(city__icontains=value)
            | Q(kvk_number=value)
            | Q(brin_code__iexact=value)
            | Q(notes__icontains=value)
        )

    def filter_business(self, queryset, name, value):
        return queryset.filter(counts_as_business=(value == "yes"))

    def filter_quiet(self, queryset, name, value):
        from partners.selectors.interactions import gone_quiet

        quiet = gone_quiet(partnership=self.partnership, today=timezone.localdate())
        return queryset.filter(pk__in=quiet.values("pk"))
