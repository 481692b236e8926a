import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cofinancing.models import Budget, Contribution, ContributionKind, ContributionStatus
from cofinancing.selectors.contributions import partnership_organisations
from partners.models import Organisation, Partnership
from partners.widgets import RemoteSelect, organisation_options_url

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class ContributionFilter(django_filters.FilterSet):
    """Filters of the contribution list."""

    q = django_filters.CharFilter(
        label=_("Search description"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ContributionKind.choices)
    year = django_filters.TypedChoiceFilter(label=_("Year"), choices=[], coerce=int)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ContributionStatus.choices)
    business = django_filters.ChoiceFilter(
        label=_("Counts as business"), choices=YES_NO, method="filter_business"
    )
    excluded = django_filters.ChoiceFilter(
        label=_("Funded elsewhere (excluded)"), choices=YES_NO, method="filter_excluded"
    )

    class Meta:
        model = Contribution
        fields = []

    def __init__(self, data=None, *args, partnership: Partnership, budget: Budget | None, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Validated against the partnership's organisations; rendered with the chosen one
        # only, the others load on demand (partners/widgets.py).
        self.filters["organisation"].queryset = partnership_organisations(partnership=partnership)
        self.filters["organisation"].extra["widget"] = RemoteSelect(
            attrs={"data-remote-options": organisation_options_url(partnership)}
        )
        years = budget.scheme.years if budget else []
        self.filters["year"].extra["choices"] = [(year, str(year)) for year in years]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(description__icontains=value) if value else queryset

    def filter_business(self, queryset, name, value):
        return queryset.filter(organisation__counts_as_business=value == "yes")

    def filter_excluded(self, queryset, name, value):
        if value == "yes":
            return queryset.exclude(other_funding="")
        return queryset.filter(other_funding="")
