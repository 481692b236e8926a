import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.models import NetworkKind, NetworkMember, Organisation
from partners.widgets import RemoteSelect, organisation_options_url


class NetworkFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=NetworkKind.choices, empty_label=_("Any kind")
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Has member organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Any organisation"),
        method="with_member",
    )

    def __init__(self, data=None, queryset=None, *, partnership, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["organisation"].queryset = Organisation.objects.filter(
            partnership=partnership
        ).order_by("name", "pk")
        self.filters["organisation"].extra["widget"] = RemoteSelect(
            attrs={"data-remote-options": organisation_options_url(partnership)}
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def with_member(self, queryset, name, value):
        # A subquery keeps the member count annotation of the list untouched.
        networks = NetworkMember.objects.filter(organisation=value).values("network")
        return queryset.filter(pk__in=networks)
