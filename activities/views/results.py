"""Results of an activity: its successes and setbacks."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from activities.forms.results import ResultForm
from activities.models import Activity, Result, ResultKind
from activities.services import results as services
from activities.views.goals import add_service_error
from partners.tenancy import partnership_view

FORM_FIELDS = ResultForm.Meta.fields


def _activity_redirect(tenant, activity):
    return redirect("activities:activity-detail", slug=tenant.partnership.slug, code=activity.code)


def _message(result, verb):
    # Whole sentences per kind, so a translation can get the grammar of each right.
    texts = {
        (ResultKind.SUCCESS, "saved"): _("The success of %(activity)s was saved."),
        (ResultKind.SETBACK, "saved"): _("The setback of %(activity)s was saved."),
        (ResultKind.SUCCESS, "deleted"): _("The success of %(activity)s was deleted."),
        (ResultKind.SETBACK, "deleted"): _("The setback of %(activity)s was deleted."),
    }
    return texts[(result.kind, verb)] % {"activity": result.activity.short_code}


def _get_result(tenant, code):
    return get_object_or_404(
        Result.objects.select_related("activity", "goal"), partnership=tenant.partnership, code=code
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def result_create(request, tenant, code):
    activity = get_object_or_404(Activity, partnership=tenant.partnership, code=code)
    form = ResultForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.result_create(
                activity=activity,
                created_by=request.user,
                **{field: form.cleaned_data[field] for field in FORM_FIELDS},
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _message(result, "saved"))
            return _activity_redirect(tenant, activity)
    return render(
        request,
        "activities/results/result_form.html",
        {"tenant": tenant, "form": form, "activity": activity},
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def result_update(request, tenant, code):
    result = _get_result(tenant, code)
    activity = result.activity
    form = ResultForm(request.POST or None, instance=result, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            services.result_update(
                result=result, **{field: form.cleaned_data[field] for field in FORM_FIELDS}
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _message(result, "saved"))
            return _activity_redirect(tenant, activity)
    return render(
        request,
        "activities/results/result_form.html",
        {"tenant": tenant, "form": form, "activity": activity, "result": result},
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def result_delete(request, tenant, code):
    result = _get_result(tenant, code)
    activity = result.activity
    if request.method == "POST":
        services.result_delete(result=result)
        messages.success(request, _message(result, "deleted"))
        return _activity_redirect(tenant, activity)
    return render(
        request,
        "activities/results/result_confirm_delete.html",
        {"tenant": tenant, "result": result, "activity": activity},
    )
