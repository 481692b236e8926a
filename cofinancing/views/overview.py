"""The cofinancing overview (the threshold at a glance) and the leader's choice of scheme."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cofinancing.forms.budget import SchemeForm
from cofinancing.selectors.budget import cofinancing_overview, share_percent
from cofinancing.selectors.summary import (
    PLEDGED_AND_UP,
    REALISED_AND_UP,
    partnership_budget,
    partnership_summary,
)
from cofinancing.services import budget as services
from partners.tenancy import partnership_view
from sterk.lists import paginate

STATUSES = {"pledged": PLEDGED_AND_UP, "realised": REALISED_AND_UP}
ORGANISATION_PAGE = 50


@partnership_view()
@require_GET
def overview(request, tenant):
    status = "realised" if request.GET.get("status") == "realised" else "pledged"
    budget = partnership_budget(partnership=tenant.partnership)
    data = None
    if budget is not None:
        data = cofinancing_overview(
            partnership=tenant.partnership, budget=budget, statuses=STATUSES[status]
        )
    return render(
        request,
        "cofinancing/overview/overview.html",
        {"tenant": tenant, "budget": budget, "overview": data, "status": status},
    )


@partnership_view()
@require_GET
def overview_organisations(request, tenant):
    """Every organisation's counted contributions, largest first, one page at a time: the
    overview itself shows the 20 largest and the others summed."""
    status = "realised" if request.GET.get("status") == "realised" else "pledged"
    summary = partnership_summary(partnership=tenant.partnership, statuses=STATUSES[status])
    page, query = paginate(request, summary.by_organisation if summary else [], ORGANISATION_PAGE)
    return render(
        request,
        "cofinancing/overview/organisations.html",
        {"tenant": tenant, "summary": summary, "page": page, "query": query, "status": status},
    )


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def budget_scheme(request, tenant):
    slug = tenant.partnership.slug
    budget = partnership_budget(partnership=tenant.partnership)
    form = SchemeForm(request.POST or None, initial={"scheme": budget.scheme if budget else None})
    if request.method == "POST" and form.is_valid():
        scheme = form.cleaned_data["scheme"]
        try:
            services.budget_choose_scheme(partnership=tenant.partnership, scheme=scheme)
        except ValidationError as error:
            # A refusal is not a typing error: the page is shown again, with why, as after
            # any other post (redirect, so a reload does not post twice).
            messages.error(request, " ".join(error.messages))
            return redirect("cofinancing:budget-scheme", slug=slug)
        messages.success(request, _("The budget follows %(scheme)s.") % {"scheme": scheme.name})
        return redirect("cofinancing:budget", slug=slug)
    return render(
        request,
        "cofinancing/overview/scheme_form.html",
        {
            "tenant": tenant,
            "form": form,
            "budget": budget,
            "share": share_percent(budget.scheme.share) if budget else None,
        },
    )
