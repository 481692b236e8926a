"""The global search of the header: organisations, contacts, activities and contributions of
the partnership being viewed (docs/rules.md §31).

It lives in sterk/, the roof that may import every app (like the dashboard), so no app
needs to know the others. Each group matches the query as its own list's search does (the
same fields, the phrase as typed), so "more" leads to that list filtered on the same
query and shows the same rows and the rest. The query is cut to MAX_QUERY characters, its
NUL characters removed (PostgreSQL refuses them in text) and its spaces collapsed; it is
matched with icontains (a parameter, never SQL text). A group shows at most GROUP_ROWS
rows: one query per group for GROUP_ROWS + 1 rows tells whether there are more, so the
page runs the same four queries at 5 and at 2,000 rows. Every query is filtered on the
partnership; a code or id of another partnership matches nothing.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from activities.models import Activity
from cofinancing.models import Contribution
from partners.models import Contact, Organisation
from partners.tenancy import partnership_view

MAX_QUERY = 100
MIN_QUERY = 2
GROUP_ROWS = 10


def clean_query(raw) -> str:
    text = str(raw or "")[: MAX_QUERY * 2].replace("\x00", "")
    return " ".join(text.split())[:MAX_QUERY].strip()


@dataclass
class Group:
    key: str
    title: str
    rows: list
    more: bool
    more_url: str


def _organisations(partnership, query):
    return (
        Organisation.objects.filter(partnership=partnership)
        .filter(
            Q(name__icontains=query)
            | Q(city__icontains=query)
            | Q(kvk_number=query)
            | Q(brin_code__iexact=query)
            | Q(notes__icontains=query)
        )
        .order_by("name", "pk")
    )


def _contacts(partnership, query):
    return (
        Contact.objects.filter(partnership=partnership)
        .filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(job_title__icontains=query)
            | Q(organisation__name__icontains=query)
        )
        .select_related("organisation")
        .order_by("name", "pk")
    )


def _activities(partnership, query):
    return (
        Activity.objects.filter(partnership=partnership)
        .filter(Q(short_code__icontains=query) | Q(title__icontains=query))
        .order_by("short_code", "pk")
    )


def _contributions(partnership, query):
    return (
        Contribution.objects.filter(partnership=partnership, description__icontains=query)
        .select_related("organisation")
        .order_by("-year", "organisation__name", "pk")
    )


GROUPS = [
    ("organisations", _("Organisations"), _organisations, "partners:organisation-list"),
    ("contacts", _("Contacts"), _contacts, "partners:contact-list"),
    ("activities", _("Activities"), _activities, "activities:activity-list"),
    ("contributions", _("Contributions"), _contributions, "cofinancing:contribution-list"),
]


def search_groups(*, partnership, query: str, limit: int = GROUP_ROWS) -> list[Group]:
    """Every group with at most `limit` rows; `more` when the group has more (its list,
    filtered on the query, shows them all). One query per group."""
    groups = []
    for key, title, rows_of, list_name in GROUPS:
        rows = list(rows_of(partnership, query)[: limit + 1])
        more_url = (
            reverse(list_name, kwargs={"slug": partnership.slug}) + "?" + urlencode({"q": query})
        )
        groups.append(Group(key, title, rows[:limit], len(rows) > limit, more_url))
    return groups


@partnership_view()
@require_GET
def search(request, tenant):
    query = clean_query(request.GET.get("q"))
    groups = (
        search_groups(partnership=tenant.partnership, query=query)
        if len(query) >= MIN_QUERY
        else None
    )
    return render(
        request,
        "search.html",
        {
            "tenant": tenant,
            "search_query": query,
            "groups": groups,
            "found": bool(groups) and any(group.rows for group in groups),
            "min_query": MIN_QUERY,
            "max_query": MAX_QUERY,
        },
    )
