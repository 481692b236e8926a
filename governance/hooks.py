"""What governance shows on lower apps' pages: who decides, does and is involved on the
activity and goal pages, and the open actions of bodies in the follow-up list."""

from activities.detail_panels import register_activity_panel, register_goal_panel
from governance import selectors
from governance.models import ResponsibilityRole
from partners.followups import register_followup_source
from partners.panels import register_organisation_panel


def _responsibility_panel(*, tenant, subject):
    """One query: the subject's three responsibilities with their holders."""
    found = selectors.responsibilities_of(partnership=tenant.partnership, subject=subject)
    rows = [(label, found.get(role)) for role, label in ResponsibilityRole.choices]
    kind = "activity" if subject._meta.model_name == "activity" else "goal"
    return "governance/_responsibility_panel.html", {
        "rows": rows,
        "subject": subject,
        "kind": kind,
    }


register_activity_panel(_responsibility_panel)
register_goal_panel(_responsibility_panel)


@register_followup_source
def open_actions(*, tenant, today, user):
    """One query: every open action of the partnership's bodies."""
    actions = list(selectors.open_actions(partnership=tenant.partnership))
    context = {"actions": actions, "today": today}
    return "governance/_followup_actions.html", context, len(actions)


@register_organisation_panel
def organisation_bodies(*, tenant, organisation):
    """One query: the bodies this organisation's contacts sit in."""
    seats = list(
        selectors.organisation_seats(partnership=tenant.partnership, organisation=organisation)
    )
    return "governance/_organisation_bodies.html", {"seats": seats}
