import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.models import (
    Activity,
    ActivityHorizon,
    ActivityStatus,
    CooperationForm,
    Goal,
    Participant,
)
from activities.selectors.activities import (
    activity_years,
    partnership_goals,
    partnership_organisations,
)
from partners.models import Organisation, Partnership
from partners.widgets import RemoteSelect, organisation_options_url


class ActivityFilter(django_filters.FilterSet):
    """Filters of the activity plan and its Excel export."""

    q = django_filters.CharFilter(
        label=_("Search code or title"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    form = django_filters.ChoiceFilter(label=_("Form"), choices=CooperationForm.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ActivityStatus.choices)
    horizon = django_filters.ChoiceFilter(label=_("Horizon"), choices=ActivityHorizon.choices)
    goal = django_filters.ModelChoiceFilter(
        label=_("Goal"), queryset=Goal.objects.none(), method="filter_goal"
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation (lead or participant)"),
        queryset=Organisation.objects.none(),
        method="filter_organisation",
    )
    year = django_filters.ChoiceFilter(label=_("Start year"), choices=[], method="filter_year")

    class Meta:
        model = Activity
        fields = []

    def __init__(self, data=None, *args, partnership: Partnership, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.partnership = partnership
        self.filters["goal"].queryset = partnership_goals(partnership=partnership)
        self.filters["organisation"].queryset = partnership_organisations(partnership=partnership)
        self.filters["organisation"].extra["widget"] = RemoteSelect(
            attrs={"data-remote-options": organisation_options_url(partnership)}
        )
        self.filters["year"].extra["choices"] = [
            (str(year), str(year)) for year in activity_years(partnership=partnership)
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(short_code__icontains=value) | Q(title__icontains=value))

    def filter_goal(self, queryset, name, value):
        # A subquery rather than a join, so an activity is never listed twice.
        through = Activity.goals.through.objects.filter(goal=value).values("activity_id")
        return queryset.filter(pk__in=through)

    def filter_organisation(self, queryset, name, value):
        joins = Participant.objects.filter(partnership=self.partnership, organisation=value).values(
            "activity_id"
        )
        return queryset.filter(Q(lead_organisation=value) | Q(pk__in=joins))

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_date__year=int(value))
