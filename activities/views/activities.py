"""The activity plan and activities with their participants."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import model_to_dict
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from activities.detail_panels import activity_panels
from activities.filters.activities import ActivityFilter
from activities.forms.activities import (
    MAX_PARTICIPANT_ROWS,
    ActivityForm,
    ParticipantFormSet,
    new_row_index,
    total_forms_key,
)
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


# The name of the "add participant" button: with htmx it fetches one row
# (participant_row); without JavaScript it posts the form, which comes back with one more
# empty row and nothing saved.
ADD_PARTICIPANT = "add_participant"


def _with_one_more_row(data):
    index = new_row_index(data.get(total_forms_key()))
    if index is None:
        return data
    data = data.copy()
    data[total_forms_key()] = str(index + 1)
    return data


def _activity_form(request, tenant, activity):
    partnership = tenant.partnership
    data = request.POST or None
    adding = data is not None and ADD_PARTICIPANT in data
    if adding:
        data = _with_one_more_row(data)
    # The form gets no instance, so a refused save never changes the activity in memory.
    initial = model_to_dict(activity, ActivityForm.Meta.fields) if activity.pk else None
    form = ActivityForm(data, initial=initial, partnership=partnership)
    formset = ParticipantFormSet(data, instance=activity, partnership=partnership)
    if request.method == "POST" and not adding and all([form.is_valid(), formset.is_valid()]):
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
        {
            "tenant": tenant,
            "form": form,
            "formset": formset,
            "activity": activity,
            "room_for_rows": formset.total_form_count() < MAX_PARTICIPANT_ROWS,
        },
    )


@partnership_view(need="write")
@require_GET
def participant_row(request, tenant):
    """One more empty participant row for the activity form, fetched by htmx: the row
    numbered by the form's TOTAL_FORMS as sent, and TOTAL_FORMS raised by one (out of band).
    400 when the number is not a row that may still be added."""
    index = new_row_index(request.GET.get(total_forms_key()))
    if index is None:
        return HttpResponseBadRequest(_("No participant row can be added here."))
    partnership = tenant.partnership
    formset = ParticipantFormSet(
        instance=Activity(partnership=partnership), partnership=partnership
    )
    return render(
        request,
        "activities/activities/_participant_added.html",
        {
            "tenant": tenant,
            "participant_form": formset.new_row(index),
            "number": index + 1,
            "total": index + 1,
            "total_key": total_forms_key(),
            "room_for_rows": index + 1 < MAX_PARTICIPANT_ROWS,
        },
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
