"""Goals of a partnership and the progress toward their targets."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from activities.detail_panels import goal_panels
from activities.forms.goals import GoalForm
from activities.models import Goal
from activities.selectors import goals as selectors
from activities.services import goals as services
from partners.tenancy import partnership_view
from sterk.lists import paginate

FORM_FIELDS = GoalForm.Meta.fields


def add_service_error(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: under its field when the form has it,
    otherwise above the form."""
    if not hasattr(error, "error_dict"):
        add_service_error(form, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _goal_redirect(tenant, goal):
    return redirect("activities:goal-detail", slug=tenant.partnership.slug, code=goal.code)


@partnership_view()
def goal_list(request, tenant):
    page, query = paginate(request, selectors.goal_progress(partnership=tenant.partnership))
    return render(
        request, "activities/goals/goal_list.html", {"tenant": tenant, "page": page, "query": query}
    )


@partnership_view()
def goal_detail(request, tenant, code):
    goal = get_object_or_404(selectors.goal_progress(partnership=tenant.partnership), code=code)
    return render(
        request,
        "activities/goals/goal_detail.html",
        {
            "tenant": tenant,
            "goal": goal,
            "results": selectors.goal_results(goal=goal),
            "activities": selectors.goal_activities(goal=goal),
            "panels": goal_panels(tenant=tenant, goal=goal),
        },
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def goal_create(request, tenant):
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_create(
                partnership=tenant.partnership,
                **{field: form.cleaned_data[field] for field in FORM_FIELDS},
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The goal “%(title)s” was saved.") % {"title": goal.title})
            return _goal_redirect(tenant, goal)
    return render(request, "activities/goals/goal_form.html", {"tenant": tenant, "form": form})


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def goal_update(request, tenant, code):
    goal = get_object_or_404(Goal, partnership=tenant.partnership, code=code)
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(
                goal=goal, **{field: form.cleaned_data[field] for field in FORM_FIELDS}
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The goal “%(title)s” was saved.") % {"title": goal.title})
            return _goal_redirect(tenant, goal)
    return render(
        request, "activities/goals/goal_form.html", {"tenant": tenant, "form": form, "goal": goal}
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def goal_delete(request, tenant, code):
    goal = get_object_or_404(Goal, partnership=tenant.partnership, code=code)
    usage = selectors.goal_usage(goal=goal)
    errors = []
    if request.method == "POST":
        try:
            services.goal_delete(goal=goal)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request, _("The goal “%(title)s” was deleted.") % {"title": goal.title}
            )
            return redirect("activities:goal-list", slug=tenant.partnership.slug)
    return render(
        request,
        "activities/goals/goal_confirm_delete.html",
        {"tenant": tenant, "goal": goal, "usage": usage, "errors": errors},
        status=400 if errors else 200,
    )
