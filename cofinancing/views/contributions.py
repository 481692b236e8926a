"""Contributions: the list, the form with its live threshold preview, the detail page with
how the value was computed and its history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cofinancing.filters import ContributionFilter
from cofinancing.forms.contributions import ContributionForm
from cofinancing.forms.evidence import EvidenceForm
from cofinancing.forms.realisation import RealiseForm, unit_of
from cofinancing.models import STILL_PLEDGED, Contribution, ContributionStatus, funded_elsewhere
from cofinancing.selectors import contributions as selectors
from cofinancing.selectors.evidence import evidence_state
from cofinancing.selectors.summary import partnership_budget, threshold_facts
from cofinancing.services import contributions as services
from cofinancing.statements.selectors import statements_of
from partners.tenancy import partnership_view
from sterk.lists import paginate

LIST_PAGE_SIZE = 50
# Realising (again, to correct it) is offered for these; never for certified or cancelled.
REALISABLE = (*STILL_PLEDGED, ContributionStatus.REALISED)
PREVIEW_TEMPLATE = "cofinancing/contributions/partials/preview.html"


@partnership_view()
@require_GET
def contribution_list(request, tenant):
    partnership = tenant.partnership
    budget = partnership_budget(partnership=partnership)
    contribution_filter = ContributionFilter(
        request.GET,
        queryset=selectors.contribution_list(partnership=partnership),
        partnership=partnership,
        budget=budget,
    )
    contributions = contribution_filter.qs
    page, query = paginate(request, contributions, LIST_PAGE_SIZE)
    context = {
        "tenant": tenant,
        "budget": budget,
        "filter": contribution_filter,
        "page": page,
        "query": query,
        "totals": selectors.contribution_totals(contributions=contributions),
        "filtered": bool(query),
    }
    return render(request, "cofinancing/contributions/contribution_list.html", context)


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def contribution_create(request, tenant):
    return _contribution_form(request, tenant, None)


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def contribution_update(request, tenant, code):
    contribution = get_object_or_404(
        Contribution.objects.select_related("organisation"),
        partnership=tenant.partnership,
        code=code,
    )
    return _contribution_form(request, tenant, contribution)


def _contribution_form(request, tenant, contribution):
    partnership = tenant.partnership
    budget = partnership_budget(partnership=partnership)
    context = {"tenant": tenant, "budget": budget, "contribution": contribution}
    if budget is None:
        return render(request, "cofinancing/contributions/contribution_form.html", context)
    # The form gets no instance, so a refused save never changes the contribution in memory.
    initial = model_to_dict(contribution, ContributionForm.Meta.fields) if contribution else None
    form = ContributionForm(
        request.POST or None,
        initial=initial,
        partnership=partnership,
        budget=budget,
        contribution=contribution,
    )
    if request.method == "POST" and form.is_valid():
        try:
            contribution = services.contribution_save(
                budget=budget, user=request.user, contribution=contribution, **form.cleaned_data
            )
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_messages)
        else:
            messages.success(request, _("The contribution was saved."))
            return redirect(
                "cofinancing:contribution-detail", slug=partnership.slug, code=contribution.code
            )
    context |= {"form": form, **_preview(form, budget, contribution)}
    return render(request, "cofinancing/contributions/contribution_form.html", context)


@partnership_view(need="write")
@require_POST
def contribution_preview(request, tenant):
    """The value and its effect on the threshold while someone types (htmx); saves nothing."""
    partnership = tenant.partnership
    budget = partnership_budget(partnership=partnership)
    if budget is None:
        return render(request, PREVIEW_TEMPLATE, {"tenant": tenant, "budget": None})
    replacing = selectors.contribution_by_code(
        partnership=partnership, code=request.POST.get("contribution", "")
    )
    form = ContributionForm(
        request.POST, partnership=partnership, budget=budget, contribution=replacing
    )
    context = {"tenant": tenant, "budget": budget, **_preview(form, budget, replacing)}
    return render(request, PREVIEW_TEMPLATE, context)


def _preview(form, budget, replacing) -> dict:
    """The preview's context: the value (or the messages why not) and, once organisation and
    year are known, the threshold now and with this contribution."""
    facts = threshold_facts(budget=budget)
    preview = {"replacing": replacing, "current": facts.summarize().total, "effect": None}
    preview |= _valued(form, budget) if form.is_bound else {"value": None, "errors": []}
    data = form.cleaned_data if form.is_bound else {}
    if preview["value"] is not None and data.get("organisation") and data.get("year"):
        activity = data.get("activity")
        fact = selectors.contribution_fact(
            organisation=data["organisation"],
            year=data["year"],
            kind=data["kind"],
            value=preview["value"],
            description=data.get("description", ""),
            excluded_reason=funded_elsewhere(
                other_funding=data.get("other_funding", ""),
                activity_code=activity.short_code if activity else "",
                activity_funding=activity.other_funding if activity else "",
                not_double_financed=data.get("not_double_financed", ""),
            ),
            machine_id=data.get("machine_id", ""),
            months_used=data.get("months_used"),
            project_share=data.get("project_share"),
            life_months=data.get("life_months"),
        )
        preview["effect"] = selectors.contribution_effect(
            facts=facts, fact=fact, replacing=replacing
        )
        preview["excluded"] = bool(fact.excluded_reason)
    return {"preview": preview}


def _valued(form, budget) -> dict:
    """The value and how it was computed, or the messages of what is wrong so far."""
    form.is_valid()
    data, errors = form.cleaned_data, form.preview_errors()
    kind = data.get("kind")
    if not kind or any(name in form.errors for name in services.INPUTS[kind]):
        return {"value": None, "errors": errors}
    try:
        value = services.contribution_value(budget=budget, kind=kind, fields=data)
    except ValidationError as error:
        errors += [
            (str(form.fields[field].label) if field in form.fields else "", message)
            for field, field_messages in error.message_dict.items()
            for message in field_messages
        ]
        return {"value": None, "errors": errors}
    calculation = selectors.contribution_calculation(
        kind=kind, inputs=data, value=value, default_rate=budget.scheme.default_hourly_rate
    )
    return {"value": value, "calculation": calculation, "errors": errors}


@partnership_view()
@require_GET
def contribution_detail(request, tenant, code):
    contribution = get_object_or_404(
        Contribution.objects.select_related("organisation", "activity", "created_by"),
        partnership=tenant.partnership,
        code=code,
    )
    budget = partnership_budget(partnership=tenant.partnership)
    rate = budget.scheme.default_hourly_rate if budget else None
    realisable = budget and tenant.can_write and contribution.status in REALISABLE
    context = {
        "tenant": tenant,
        "contribution": contribution,
        "budget": budget,
        "unit": unit_of(contribution),
        "calculation": selectors.calculation_of(contribution, default_rate=rate) if budget else "",
        "realised_calculation": selectors.realised_calculation_of(contribution, default_rate=rate)
        if budget
        else "",
        "realise_form": RealiseForm(contribution=contribution) if realisable else None,
        "history": selectors.contribution_history(contribution=contribution),
        "evidence": evidence_state(contribution=contribution),
        "statements": statements_of(contribution),
    }
    if tenant.can_write and contribution.status != ContributionStatus.CANCELLED:
        context["evidence_form"] = EvidenceForm(suggested_kind=context["evidence"].suggested_kind)
    return render(request, "cofinancing/contributions/contribution_detail.html", context)


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def contribution_delete(request, tenant, code):
    contribution = get_object_or_404(
        Contribution.objects.select_related("organisation"),
        partnership=tenant.partnership,
        code=code,
    )
    if request.method == "POST":
        try:
            services.contribution_delete(contribution=contribution)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(
                "cofinancing:contribution-detail", slug=tenant.partnership.slug, code=code
            )
        messages.success(
            request,
            _("The contribution “%(description)s” was deleted.")
            % {"description": contribution.description},
        )
        return redirect("cofinancing:contribution-list", slug=tenant.partnership.slug)
    return render(
        request,
        "cofinancing/contributions/contribution_confirm_delete.html",
        {"tenant": tenant, "contribution": contribution},
    )
