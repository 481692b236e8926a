from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from activities.selectors import activities as activity_selectors
from activities.selectors import results as result_selectors
from agreements.panels import signing_panel
from agreements.renewal import ending_soon, notice_text
from cofinancing.selectors.dashboard import dashboard_cofinancing
from outbox import listeners as mail_listeners
from outbox.selectors import stuck_for_tenant
from partners.models import Membership
from partners.selectors import interactions as interaction_selectors
from partners.selectors import organisations as organisation_selectors
from partners.tenancy import partnership_view, user_memberships
from sterk import dashboard_cache

PANEL_ROWS = 5


@login_required
def home(request):
    memberships = user_memberships(request.user)
    if len(memberships) == 1:
        return redirect("dashboard", slug=memberships[0].partnership.slug)
    return render(request, "home.html", {"memberships": memberships})


@partnership_view()
def dashboard(request, tenant):
    partnership = tenant.partnership
    today = timezone.localdate()
    # The partners, activities and cofinancing panels are rendered once and kept per
    # partnership, language, role and day; every write that may change them forgets them
    # (sterk/dashboard_cache.py). The signing panel, undelivered mail and the renewal notice
    # change with the clock and the mail worker: made on every request.
    kept = dashboard_cache.cached(
        partnership.pk,
        (get_language(), tenant.role, tenant.is_history, today.isoformat()),
        lambda: _kept_panels(tenant, today),
    )
    context = {
        "tenant": tenant,
        "panels": kept["panels"],
        "member_count": kept["member_count"],
        "signing_panel": signing_panel(tenant=tenant),
        "renewal_notice": _renewal_notice(partnership, today),
        **_stuck_mail(partnership),
    }
    return render(request, "dashboard.html", context)


def _kept_panels(tenant, today) -> dict:
    partnership = tenant.partnership
    follow_ups = interaction_selectors.follow_ups_due(partnership=partnership, today=today)
    quiet = interaction_selectors.gone_quiet(partnership=partnership, today=today)
    # Totals only, by SQL sums: nothing per organisation is built for the dashboard.
    cofinancing = dashboard_cofinancing(partnership=partnership)
    context = {
        "tenant": tenant,
        "today": today,
        "stage_counts": organisation_selectors.stage_counts(partnership=partnership),
        "follow_ups": list(follow_ups[:PANEL_ROWS]),
        "follow_up_count": follow_ups.count(),
        "quiet": list(quiet[:PANEL_ROWS]),
        "quiet_count": quiet.count(),
        "activity_counts": activity_selectors.activity_counts(partnership=partnership),
        "cofinancing": cofinancing.pledged if cofinancing else None,
        "cofinancing_realised": cofinancing.realised if cofinancing else None,
        "latest_results": result_selectors.latest_results(
            partnership=partnership, limit=PANEL_ROWS
        ),
    }
    return {
        "panels": render_to_string("_dashboard_panels.html", context),
        "member_count": Membership.objects.filter(partnership=partnership).count(),
    }


def _renewal_notice(partnership, today) -> str:
    """Within 90 days of the end of the period (docs/rules.md §26): say so, once renewed no
    more."""
    days = ending_soon(partnership, today)
    return "" if days is None else notice_text(partnership, days)


def _stuck_mail(partnership) -> dict:
    """Undelivered e-mail of the partnership: a count, and the latest few with the page where
    each is fixed (at most PANEL_ROWS links, so a bounded number of queries)."""
    stuck = stuck_for_tenant(partnership.pk)
    count = stuck.count()
    if not count:
        return {"stuck_mail_count": 0, "stuck_mail": []}
    latest = list(stuck.order_by("-created_at", "-pk")[:PANEL_ROWS])
    return {
        "stuck_mail_count": count,
        "stuck_mail": [(message, mail_listeners.link(message)) for message in latest],
    }
