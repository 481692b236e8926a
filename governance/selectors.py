"""Reads on governance; each page's reads run a fixed number of queries (docs/rules.md §27)."""

from django.db.models import Count, Prefetch, Q, QuerySet

from activities.models import Activity, Goal
from governance.models import (
    Action,
    Body,
    BodyKind,
    BodyMember,
    Decision,
    Meeting,
    Responsibility,
    ResponsibilityRole,
)
from partners.models import Contact, Membership, Partnership

MEMBER_RELATED = ("contact__organisation", "user")


def body_list(*, partnership: Partnership) -> QuerySet[Body]:
    return (
        Body.objects.filter(partnership=partnership)
        .annotate(
            member_count=Count("members", distinct=True),
            meeting_count=Count("meetings", distinct=True),
        )
        .select_related("chair__contact__organisation", "chair__user")
        .order_by("kind", "name", "pk")
    )


def body_members(*, body: Body) -> list[BodyMember]:
    members = BodyMember.objects.filter(partnership=body.partnership_id, body=body).select_related(
        *MEMBER_RELATED
    )
    return sorted(members, key=lambda m: (m.display_name.lower(), m.pk))


def body_meetings(*, body: Body) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(partnership=body.partnership_id, body=body)
        .annotate(decision_count=Count("decisions", distinct=True))
        .order_by("-date", "-pk")
    )


def meeting_detail(*, partnership: Partnership, code) -> Meeting:
    return (
        Meeting.objects.filter(partnership=partnership, code=code)
        .select_related("body")
        .prefetch_related(
            Prefetch("attendees", queryset=BodyMember.objects.select_related(*MEMBER_RELATED)),
            Prefetch("decisions", queryset=Decision.objects.order_by("number")),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related(
                    *(f"owner__{name}" for name in MEMBER_RELATED), "done_by"
                ).order_by("due", "pk"),
            ),
        )
        .get()
    )


def decision_list(*, partnership: Partnership, query: str = "", body=None) -> QuerySet[Decision]:
    """Decisions of every body, newest meeting first; `query` searches title and text."""
    decisions = Decision.objects.filter(partnership=partnership)
    if query:
        decisions = decisions.filter(Q(title__icontains=query) | Q(text__icontains=query))
    if body is not None:
        decisions = decisions.filter(body=body)
    return decisions.select_related("body", "meeting").order_by(
        "-meeting__date", "body__name", "-number", "pk"
    )


def organisation_seats(*, partnership: Partnership, organisation) -> QuerySet[BodyMember]:
    """The seats of an organisation's contacts in the partnership's bodies, by body."""
    return (
        BodyMember.objects.filter(partnership=partnership, contact__organisation=organisation)
        .select_related("body", "contact")
        .order_by("body__name", "contact__name", "pk")
    )


def open_actions(*, partnership: Partnership) -> QuerySet[Action]:
    """Actions not done yet, soonest due first, with their owner and body."""
    return (
        Action.objects.filter(partnership=partnership, done_at=None)
        .select_related("body", "meeting", *(f"owner__{name}" for name in MEMBER_RELATED))
        .order_by("due", "body__name", "pk")
    )


# Who decides, who does, who is involved ------------------------------------------------------


def _responsibilities(partnership: Partnership, **filters) -> QuerySet[Responsibility]:
    return Responsibility.objects.filter(partnership=partnership, **filters).select_related(
        "body", "contact__organisation", "user"
    )


def responsibilities_of(*, partnership: Partnership, subject) -> dict[str, Responsibility]:
    """Role → Responsibility for one activity or goal (one query)."""
    key = "activity" if isinstance(subject, Activity) else "goal"
    return {r.role: r for r in _responsibilities(partnership, **{key: subject})}


def matrix_rows(*, partnership: Partnership, activities, goals) -> dict[str, list]:
    """Rows of the matrix for one page of activities and one of goals: per row the subject
    and its holders for decides, does and involved, in that order (one query)."""
    activity_ids = [a.pk for a in activities]
    goal_ids = [g.pk for g in goals]
    found: dict[tuple, Responsibility] = {}
    for r in _responsibilities(partnership).filter(
        Q(activity__in=activity_ids) | Q(goal__in=goal_ids)
    ):
        found[("a", r.activity_id, r.role) if r.activity_id else ("g", r.goal_id, r.role)] = r
    roles = ResponsibilityRole.values

    def row(prefix, subject):
        return {
            "subject": subject,
            "cells": [found.get((prefix, subject.pk, role)) for role in roles],
        }

    return {
        "activities": [row("a", a) for a in activities],
        "goals": [row("g", g) for g in goals],
    }


def matrix_activities(*, partnership: Partnership) -> QuerySet[Activity]:
    return Activity.objects.filter(partnership=partnership).order_by("sort_key", "pk")


def matrix_goals(*, partnership: Partnership) -> QuerySet[Goal]:
    return Goal.objects.filter(partnership=partnership).order_by("title", "pk")


def person_choices(*, partnership: Partnership) -> list:
    """Grouped choices of people: contacts ("contact:<code>") by organisation and members of
    Sterk ("user:<id>"). Two queries."""
    contacts = Contact.objects.filter(partnership=partnership).select_related("organisation")
    members = Membership.objects.filter(partnership=partnership).select_related("user")
    return [
        (
            "Contacts",
            sorted(
                ((f"contact:{c.code}", f"{c.name} ({c.organisation.name})") for c in contacts),
                key=lambda choice: choice[1].lower(),
            ),
        ),
        (
            "Members of Sterk",
            sorted(
                ((f"user:{m.user_id}", str(m.user)) for m in members),
                key=lambda choice: choice[1].lower(),
            ),
        ),
    ]


def body_choices(*, partnership: Partnership) -> list:
    return [(f"body:{b.code}", b.name) for b in Body.objects.filter(partnership=partnership)]


def resolve_choice(*, partnership: Partnership, value: str):
    """The Body, Contact or user a choice value names within the partnership, or None."""
    kind, _sep, key = (value or "").partition(":")
    try:
        if kind == "body":
            return Body.objects.get(partnership=partnership, code=key)
        if kind == "contact":
            return Contact.objects.select_related("organisation").get(
                partnership=partnership, code=key
            )
        if kind == "user":
            return (
                Membership.objects.select_related("user")
                .get(partnership=partnership, user_id=int(key))
                .user
            )
    except (Body.DoesNotExist, Contact.DoesNotExist, Membership.DoesNotExist, ValueError):
        return None
    except Exception:  # a malformed UUID
        return None
    return None


# The agreement's governance article ---------------------------------------------------------


def steering_group_text(*, partnership: Partnership) -> str:
    """How the agreement names its steering group, from the first steering-group body by
    name, or "" when there is none. One query (the body joined to its members), sorted so
    the snapshot is deterministic:
    de stuurgroep “<name>”, met <n> leden: <name> (<organisation>), …, voorzitter <chair>."""
    rows = list(
        Body.objects.filter(partnership=partnership, kind=BodyKind.STEERING_GROUP)
        .order_by("name", "code")
        .values(
            "pk",
            "name",
            "code",
            "chair_id",
            "members__pk",
            "members__contact__name",
            "members__contact__organisation__name",
            "members__user__first_name",
            "members__user__last_name",
            "members__user__email",
        )
    )
    if not rows:
        return ""
    first = min(rows, key=lambda r: (r["name"], str(r["code"])))
    members = []
    for row in rows:
        if row["pk"] != first["pk"] or row["members__pk"] is None:
            continue
        if row["members__contact__name"]:
            name = (
                f"{row['members__contact__name']} ({row['members__contact__organisation__name']})"
            )
        else:
            full = f"{row['members__user__first_name']} {row['members__user__last_name']}".strip()
            name = full or row["members__user__email"]
        members.append((" ".join(name.split()), row["members__pk"]))
    members.sort()
    text = f"de stuurgroep “{' '.join(first['name'].split())}”"
    if members:
        count = len(members)
        names = ", ".join(name for name, _pk in members)
        text += f", met {count} {'lid' if count == 1 else 'leden'}: {names}"
    chair = next((name for name, pk in members if pk == first["chair_id"]), None)
    if chair is not None:
        text += f", voorzitter {chair}"
    return text
