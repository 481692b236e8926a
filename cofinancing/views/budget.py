"""The multi-year budget: the page with years as columns, and its cost and funding lines."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cofinancing.forms.budget import CostLineForm, FundingLineForm
from cofinancing.models import CostLine, FundingLine
from cofinancing.selectors.budget import budget_table
from cofinancing.selectors.contributions import budget_line_history
from cofinancing.selectors.summary import partnership_budget
from cofinancing.services import budget as services
from partners.tenancy import partnership_view


def _to_budget(tenant):
    return redirect("cofinancing:budget", slug=tenant.partnership.slug)


def _add_errors(form, error: ValidationError) -> None:
    """Service errors on the form: under their field, or above the form when it has none."""
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def _no_budget(request, tenant):
    messages.warning(request, _("Choose the scheme of the budget first."))
    return _to_budget(tenant)


@partnership_view()
@require_GET
def budget(request, tenant):
    budget = partnership_budget(partnership=tenant.partnership)
    table = budget_table(partnership=tenant.partnership, budget=budget) if budget else None
    return render(
        request,
        "cofinancing/budget/budget.html",
        {"tenant": tenant, "budget": budget, "table": table},
    )


def _line_form(request, tenant, *, form_class, save, instance, template, message):
    budget = partnership_budget(partnership=tenant.partnership)
    if budget is None:
        return _no_budget(request, tenant)
    form = form_class(request.POST or None, instance=instance, budget=budget)
    if request.method == "POST" and form.is_valid():
        try:
            line = save(budget=budget, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, message % {"line": line})
            return _to_budget(tenant)
    history = budget_line_history(line=instance) if instance is not None else None
    return render(
        request,
        template,
        {"tenant": tenant, "form": form, "line": instance, "budget": budget, "history": history},
    )


def _line_delete(request, tenant, *, line, delete, template, message):
    if request.method == "POST":
        try:
            delete()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _to_budget(tenant)
        messages.success(request, message % {"line": line})
        return _to_budget(tenant)
    return render(request, template, {"tenant": tenant, "line": line})


def _cost_line(tenant, code):
    return get_object_or_404(
        CostLine.objects.select_related("activity"), partnership=tenant.partnership, code=code
    )


def _funding_line(tenant, code):
    return get_object_or_404(FundingLine, partnership=tenant.partnership, code=code)


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def cost_line_create(request, tenant):
    return _line_form(
        request,
        tenant,
        form_class=CostLineForm,
        save=services.cost_line_save,
        instance=None,
        template="cofinancing/budget/cost_line_form.html",
        message=_("The cost line “%(line)s” was added."),
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def cost_line_update(request, tenant, code):
    cost_line = _cost_line(tenant, code)
    return _line_form(
        request,
        tenant,
        form_class=CostLineForm,
        save=lambda **fields: services.cost_line_save(cost_line=cost_line, **fields),
        instance=cost_line,
        template="cofinancing/budget/cost_line_form.html",
        message=_("The cost line “%(line)s” was saved."),
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def cost_line_delete(request, tenant, code):
    cost_line = _cost_line(tenant, code)
    return _line_delete(
        request,
        tenant,
        line=cost_line,
        delete=lambda: services.cost_line_delete(cost_line=cost_line),
        template="cofinancing/budget/cost_line_confirm_delete.html",
        message=_("The cost line “%(line)s” was deleted."),
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def funding_line_create(request, tenant):
    return _line_form(
        request,
        tenant,
        form_class=FundingLineForm,
        save=services.funding_line_save,
        instance=None,
        template="cofinancing/budget/funding_line_form.html",
        message=_("The funding line “%(line)s” was added."),
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def funding_line_update(request, tenant, code):
    funding_line = _funding_line(tenant, code)
    return _line_form(
        request,
        tenant,
        form_class=FundingLineForm,
        save=lambda **fields: services.funding_line_save(funding_line=funding_line, **fields),
        instance=funding_line,
        template="cofinancing/budget/funding_line_form.html",
        message=_("The funding line “%(line)s” was saved."),
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def funding_line_delete(request, tenant, code):
    funding_line = _funding_line(tenant, code)
    return _line_delete(
        request,
        tenant,
        line=funding_line,
        delete=lambda: services.funding_line_delete(funding_line=funding_line),
        template="cofinancing/budget/funding_line_confirm_delete.html",
        message=_("The funding line “%(line)s” was deleted."),
    )
