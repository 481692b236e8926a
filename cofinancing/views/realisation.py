"""Realising, un-realising and cancelling a contribution (docs/rules.md §20). Each action
posts to its own URL; a refusal shows the form again with why, a second identical post
changes nothing and ends where the first did."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cofinancing.forms.realisation import CancelForm, RealiseForm, unit_of
from cofinancing.models import Contribution
from cofinancing.selectors.summary import partnership_budget
from cofinancing.services import realisation as services
from partners.tenancy import partnership_view
from sterk.money import format_euro


def add_service_error(form, error: ValidationError) -> None:
    """A service's refusal on the form: under its field, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _contribution(tenant, code) -> Contribution:
    return get_object_or_404(
        Contribution.objects.select_related("organisation", "activity"),
        partnership=tenant.partnership,
        code=code,
    )


def _to_detail(tenant, contribution):
    return redirect(
        "cofinancing:contribution-detail", slug=tenant.partnership.slug, code=contribution.code
    )


def _budget(request, tenant):
    """The budget, or None with a message: realising values by the scheme's rules."""
    budget = partnership_budget(partnership=tenant.partnership)
    if budget is None:
        messages.warning(request, _("Choose the scheme of the budget first."))
    return budget


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def contribution_realise(request, tenant, code):
    contribution = _contribution(tenant, code)
    budget = _budget(request, tenant)
    if budget is None:
        return _to_detail(tenant, contribution)
    form = RealiseForm(request.POST or None, contribution=contribution)
    if request.method == "POST" and form.is_valid():
        try:
            realised = services.contribution_realise(
                budget=budget, contribution=contribution, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Realised: %(description)s, worth %(value)s.")
                % {
                    "description": realised.description,
                    "value": format_euro(realised.realised_value),
                },
            )
            return _to_detail(tenant, realised)
    return render(
        request,
        "cofinancing/contributions/contribution_realise.html",
        {
            "tenant": tenant,
            "contribution": contribution,
            "form": form,
            "unit": unit_of(contribution),
        },
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def contribution_unrealise(request, tenant, code):
    """Asks first (GET): undoing clears the date and the quantity that were recorded."""
    contribution = _contribution(tenant, code)
    budget = _budget(request, tenant)
    if budget is None:
        return _to_detail(tenant, contribution)
    if request.method != "POST":
        return render(
            request,
            "cofinancing/contributions/contribution_unrealise.html",
            {"tenant": tenant, "contribution": contribution},
        )
    try:
        services.contribution_unrealise(budget=budget, contribution=contribution, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The realisation was undone; the pledge stands."))
    return _to_detail(tenant, contribution)


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def contribution_cancel(request, tenant, code):
    contribution = _contribution(tenant, code)
    budget = _budget(request, tenant)
    if budget is None:
        return _to_detail(tenant, contribution)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_cancel(
                budget=budget,
                contribution=contribution,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("“%(description)s” was cancelled; it no longer counts.")
                % {"description": contribution.description},
            )
            return _to_detail(tenant, contribution)
    return render(
        request,
        "cofinancing/contributions/contribution_cancel.html",
        {"tenant": tenant, "contribution": contribution, "form": form},
    )


@partnership_view(need="write")
@require_POST
def contribution_reinstate(request, tenant, code):
    contribution = _contribution(tenant, code)
    budget = _budget(request, tenant)
    if budget is None:
        return _to_detail(tenant, contribution)
    try:
        services.contribution_reinstate(budget=budget, contribution=contribution, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The cancellation was undone; the contribution counts again."))
    return _to_detail(tenant, contribution)
