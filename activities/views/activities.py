"""The activity plan and activities with their participants."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from activities.detail_panels import activity_panels
from activities.filters.activities import ActivityFilter
from activities.forms.activities import ActivityForm, ParticipantFormSet
from activities.models import Activity
from activities.selectors import activities as selectors
from activities.services import activities as services
from partners.options import options_response, query_words
from partners.tenancy import partnership_view
from sterk.xlsx import workbook_response


def _filter(request, tenant) -> ActivityFilter:
    return ActivityFilter(
        request.GET,
        queryset=selectors.activity_list(partnership=tenant.partnership),
        partnership=tenant.partnership,
    )


def _activity(tenant, code) -> Activity:
    return get_object_or_404(Activity, partnership=tenant.partnership, code=code)


@partnership_view()
@require_GET
def activity_list(request, tenant):
    """The activity plan: every matching activity, by goal and year (no pagination: a plan
    holds at most a few hundred activities, and a page break would split the groups)."""
    activity_filter = _filter(request, tenant)
    activities = list(activity_filter.qs)
    # Filtered on a goal, the plan shows only that goal's group, not the other goals those
    # activities also serve.
    only_goal = activity_filter.form.cleaned_data.get("goal")
    context = {
        "tenant": tenant,
        "filter": activity_filter,
        "plan": selectors.activity_plan(activities=activities, only_goal=only_goal),
        "activity_count": len(activities),
        "query": request.GET.urlencode(),
    }
    return render(request, "activities/activities/activity_list.html", context)


@partnership_view()
@require_GET
def activity_export(request, tenant):
    rows = selectors.activity_export_rows(activities=_filter(request, tenant).qs)
    stamp = timezone.localdate().isoformat()
    return workbook_response(
        f"activiteitenplan-{tenant.partnership.slug}-{stamp}.xlsx",
        _("Activity plan"),
        selectors.activity_export_headers(),
        rows,
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def activity_create(request, tenant):
    return _activity_form(request, tenant, Activity(partnership=tenant.partnership))


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def activity_update(request, tenant, code):
    return _activity_form(request, tenant, _activity(tenant, code))


def _activity_form(request, tenant, activity):
    partnership = tenant.partnership
    data = request.POST or None
    # The form gets no instance, so a refused save never changes the activity in memory.
    initial = model_to_dict(activity, ActivityForm.Meta.fields) if activity.pk else None
    form = ActivityForm(data, initial=initial, partnership=partnership)
    formset = ParticipantFormSet(data, instance=activity, partnership=partnership)
    if request.method == "POST" and all([form.is_valid(), formset.is_valid()]):
        fields = {**form.cleaned_data, "participants": formset.participants()}
        try:
            if activity.pk:
                services.activity_update(activity=activity, user=request.user, **fields)
            else:
                activity = services.activity_create(
                    partnership=partnership, user=request.user, **fields
                )
        except ValidationError as error:
            _show_errors(form, formset, error)
        else:
            messages.success(
                request, _("Activity %(activity)s was saved.") % {"activity": activity}
            )
            return redirect("activities:activity-detail", slug=partnership.slug, code=activity.code)
    return render(
        request,
        "activities/activities/activity_form.html",
        {"tenant": tenant, "form": form, "formset": formset, "activity": activity},
    )


def _show_errors(form, formset, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        if field == "participants":
            formset.non_form_errors().extend(field_messages)
        else:
            form.add_error(field if field in form.fields else None, field_messages)


@partnership_view()
@require_GET
def activity_detail(request, tenant, code):
    activity = get_object_or_404(
        selectors.activity_detail(partnership=tenant.partnership), code=code
    )
    return render(
        request,
        "activities/activities/activity_detail.html",
        {
            "tenant": tenant,
            "activity": activity,
            "panels": activity_panels(tenant=tenant, activity=activity),
        },
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def activity_delete(request, tenant, code):
    activity = get_object_or_404(
        Activity.objects.annotate(
            participant_count=Count("participants", distinct=True),
            result_count=Count("results", distinct=True),
        ),
        partnership=tenant.partnership,
        code=code,
    )
    if request.method == "POST":
        try:
            services.activity_delete(activity=activity, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(
                "activities:activity-detail", slug=tenant.partnership.slug, code=activity.code
            )
        messages.success(request, _("Activity %(activity)s was deleted.") % {"activity": activity})
        return redirect("activities:activity-list", slug=tenant.partnership.slug)
    return render(
        request,
        "activities/activities/activity_confirm_delete.html",
        {"tenant": tenant, "activity": activity},
    )


@partnership_view()
@require_GET
def activity_options(request, tenant):
    """At most 20 activities matching `q` (code or title), as JSON, for a select that loads
    them on demand (partners/widgets.py)."""
    return options_response(
        selectors.activity_options(partnership=tenant.partnership, words=query_words(request))
    )
