"""Pages of governance: bodies, meetings with decisions and actions, the decision list and
the who-decides matrix (docs/rules.md §27)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from activities.models import Activity, Goal
from governance import pdf, selectors, services
from governance.forms import (
    ActionForm,
    BodyForm,
    DecisionForm,
    DecisionSearchForm,
    MeetingForm,
    MemberForm,
    ResponsibilityForm,
)
from governance.models import Action, Body, BodyMember, Decision, Meeting
from partners.tenancy import partnership_view
from sterk.lists import paginate
from sterk.redirects import safe_next


def add_service_error(form, error: ValidationError) -> None:
    """Show a service's refusal under its field when the form has it, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _body(tenant, code) -> Body:
    return get_object_or_404(Body, partnership=tenant.partnership, code=code)


def _meeting(tenant, code) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("body"), partnership=tenant.partnership, code=code
    )


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Bodies ------------------------------------------------------------------------------------


@partnership_view()
def body_list(request, tenant):
    page, query = paginate(request, selectors.body_list(partnership=tenant.partnership))
    return render(
        request, "governance/body_list.html", {"tenant": tenant, "page": page, "query": query}
    )


@partnership_view()
def body_detail(request, tenant, code):
    body = get_object_or_404(
        Body.objects.select_related("chair", "secretary"),
        partnership=tenant.partnership,
        code=code,
    )
    members = selectors.body_members(body=body)
    page, query = paginate(request, selectors.body_meetings(body=body))
    context = {
        "tenant": tenant,
        "body": body,
        "members": members,
        "page": page,
        "query": query,
        "member_form": MemberForm(partnership=tenant.partnership) if tenant.is_leader else None,
    }
    return render(request, "governance/body_detail.html", context)


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def body_create(request, tenant):
    form = BodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.body_create(
                partnership=tenant.partnership,
                **{f: form.cleaned_data[f] for f in ("kind", "name", "decides_on")},
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The body “%(name)s” was saved.") % {"name": body.name})
            return redirect("governance:body-detail", slug=tenant.partnership.slug, code=body.code)
    return render(request, "governance/body_form.html", {"tenant": tenant, "form": form})


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def body_update(request, tenant, code):
    body = _body(tenant, code)
    members = selectors.body_members(body=body)
    form = BodyForm(request.POST or None, instance=body, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.body_update(body=body, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The body “%(name)s” was saved.") % {"name": body.name})
            return redirect("governance:body-detail", slug=tenant.partnership.slug, code=body.code)
    return render(
        request, "governance/body_form.html", {"tenant": tenant, "form": form, "body": body}
    )


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def body_delete(request, tenant, code):
    body = _body(tenant, code)
    errors = []
    if request.method == "POST":
        try:
            services.body_delete(body=body)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The body “%(name)s” was deleted.") % {"name": body.name})
            return redirect("governance:body-list", slug=tenant.partnership.slug)
    return render(
        request,
        "governance/body_confirm_delete.html",
        {"tenant": tenant, "body": body, "errors": errors},
        status=400 if errors else 200,
    )


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def member_add(request, tenant, code):
    body = _body(tenant, code)
    form = MemberForm(request.POST or None, partnership=tenant.partnership)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        is_contact = person._meta.model_name == "contact"
        try:
            services.member_add(
                body=body,
                contact=person if is_contact else None,
                user=None if is_contact else person,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(person)s joined the body.") % {"person": person})
            return redirect("governance:body-detail", slug=tenant.partnership.slug, code=body.code)
    return render(
        request,
        "governance/member_form.html",
        {"tenant": tenant, "form": form, "body": body},
        status=400 if form.is_bound else 200,
    )


@partnership_view(need="lead")
@require_POST
def member_remove(request, tenant, code, member):
    body = _body(tenant, code)
    found = get_object_or_404(
        BodyMember.objects.select_related("contact__organisation", "user"),
        partnership=tenant.partnership,
        body=body,
        code=member,
    )
    try:
        services.member_remove(member=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(person)s left the body.") % {"person": found.display_name})
    return redirect("governance:body-detail", slug=tenant.partnership.slug, code=body.code)


# Meetings, decisions, actions ---------------------------------------------------------------


def _meeting_fields(form) -> dict:
    return {f: form.cleaned_data[f] for f in ("date", "agenda", "minutes", "attendees")}


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def meeting_create(request, tenant, code):
    body = _body(tenant, code)
    form = MeetingForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(body=body, **_meeting_fields(form))
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect(
                "governance:meeting-detail", slug=tenant.partnership.slug, code=meeting.code
            )
    return render(
        request, "governance/meeting_form.html", {"tenant": tenant, "form": form, "body": body}
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def meeting_update(request, tenant, code):
    meeting = _meeting(tenant, code)
    form = MeetingForm(request.POST or None, instance=meeting, body=meeting.body)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, **_meeting_fields(form))
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect(
                "governance:meeting-detail", slug=tenant.partnership.slug, code=meeting.code
            )
    context = {"tenant": tenant, "form": form, "body": meeting.body, "meeting": meeting}
    return render(request, "governance/meeting_form.html", context)


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def meeting_delete(request, tenant, code):
    """A confirmation page; the meeting goes with its actions and attendance. A meeting with
    decisions is refused (services.meeting_delete)."""
    meeting = _meeting(tenant, code)
    errors = []
    if request.method == "POST":
        try:
            services.meeting_delete(meeting=meeting)
        except ValidationError as error:
            if _gone(error):
                return _meeting_gone(request, tenant, meeting)
            errors = error.messages
        else:
            messages.success(
                request,
                _("The meeting of %(date)s was deleted.")
                % {"date": date_format(meeting.date, "j F Y")},
            )
            return redirect(
                "governance:body-detail", slug=tenant.partnership.slug, code=meeting.body.code
            )
    context = {
        "tenant": tenant,
        "meeting": meeting,
        "body": meeting.body,
        "action_count": Action.objects.filter(
            partnership=tenant.partnership, meeting=meeting
        ).count(),
        "decision_count": Decision.objects.filter(
            partnership=tenant.partnership, meeting=meeting
        ).count(),
        "errors": errors,
    }
    return render(
        request,
        "governance/meeting_confirm_delete.html",
        context,
        status=400 if errors else 200,
    )


def _gone(error: ValidationError) -> bool:
    return getattr(error, "code", None) == "meeting_gone"


def _meeting_gone(request, tenant, meeting):
    """Someone deleted the meeting while this page was open: say so on its body's page."""
    messages.error(request, _("This meeting was deleted meanwhile."))
    return redirect("governance:body-detail", slug=tenant.partnership.slug, code=meeting.body.code)


def _meeting_page(request, tenant, meeting, *, decision_form=None, action_form=None, status=200):
    members = selectors.body_members(body=meeting.body)
    context = {
        "tenant": tenant,
        "meeting": meeting,
        "body": meeting.body,
        "is_future": meeting.date > timezone.localdate(),
        "decision_form": decision_form or DecisionForm(),
        "action_form": action_form or ActionForm(members=members),
        "today": timezone.localdate(),
        "next": request.get_full_path(),
    }
    return render(request, "governance/meeting_detail.html", context, status=status)


@partnership_view()
def meeting_detail(request, tenant, code):
    meeting = get_object_or_404(Meeting.objects.filter(partnership=tenant.partnership), code=code)
    meeting = selectors.meeting_detail(partnership=tenant.partnership, code=meeting.code)
    return _meeting_page(request, tenant, meeting)


@partnership_view()
def meeting_pdf(request, tenant, code):
    get_object_or_404(Meeting, partnership=tenant.partnership, code=code)
    meeting = selectors.meeting_detail(partnership=tenant.partnership, code=code)
    content = pdf.minutes_pdf(meeting=meeting, partnership=tenant.partnership)
    return _pdf_response(content, pdf.minutes_filename(meeting))


@partnership_view(need="write")
@require_POST
def decision_add(request, tenant, code):
    meeting = _meeting(tenant, code)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = services.decision_add(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            if _gone(error):
                return _meeting_gone(request, tenant, meeting)
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Decision %(number)d was taken down.") % {"number": decision.number}
            )
            return redirect(
                "governance:meeting-detail", slug=tenant.partnership.slug, code=meeting.code
            )
    meeting = selectors.meeting_detail(partnership=tenant.partnership, code=meeting.code)
    return _meeting_page(request, tenant, meeting, decision_form=form, status=400)


def _decision(tenant, code) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related("meeting", "body"),
        partnership=tenant.partnership,
        code=code,
    )


def _to_meeting(tenant, meeting):
    return redirect("governance:meeting-detail", slug=tenant.partnership.slug, code=meeting.code)


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def decision_update(request, tenant, code):
    """Change a decision's wording; its number stays."""
    decision = _decision(tenant, code)
    form = DecisionForm(request.POST or None, instance=decision)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update(decision=decision, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Decision %(number)d was saved.") % {"number": decision.number}
            )
            return _to_meeting(tenant, decision.meeting)
    return render(
        request,
        "governance/decision_form.html",
        {"tenant": tenant, "form": form, "decision": decision, "body": decision.body},
        status=400 if form.is_bound else 200,
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def decision_delete(request, tenant, code):
    """A confirmation page; the other decisions keep their numbers."""
    decision = _decision(tenant, code)
    if request.method == "POST":
        services.decision_delete(decision=decision)
        messages.success(
            request,
            _("Decision %(number)d was deleted; the other decisions keep their numbers.")
            % {"number": decision.number},
        )
        return _to_meeting(tenant, decision.meeting)
    return render(
        request,
        "governance/decision_confirm_delete.html",
        {"tenant": tenant, "decision": decision, "body": decision.body},
    )


@partnership_view(need="write")
@require_POST
def action_add(request, tenant, code):
    meeting = _meeting(tenant, code)
    members = selectors.body_members(body=meeting.body)
    form = ActionForm(request.POST, members=members)
    if form.is_valid():
        try:
            services.action_add(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            if _gone(error):
                return _meeting_gone(request, tenant, meeting)
            add_service_error(form, error)
        else:
            messages.success(request, _("The action was saved."))
            return redirect(
                "governance:meeting-detail", slug=tenant.partnership.slug, code=meeting.code
            )
    meeting = selectors.meeting_detail(partnership=tenant.partnership, code=meeting.code)
    return _meeting_page(request, tenant, meeting, action_form=form, status=400)


# The row an htmx "Mark done" or "Undo" swaps in, per page that lists actions.
ACTION_ROWS = {
    "followup": "governance/_followup_action_row.html",
    "meeting": "governance/_meeting_action_row.html",
}


@partnership_view()
@require_POST
def action_done(request, tenant, code):
    """One click: the owner, a leader or an editor marks an action done (`undo=1` reopens).
    With htmx the action's row comes back to be swapped in place (`row` names the page's
    layout); without JavaScript it redirects to `next` when that is a path on this site."""
    action = get_object_or_404(
        Action.objects.select_related(
            "owner__contact__organisation", "owner__user", "body", "meeting"
        ),
        partnership=tenant.partnership,
        code=code,
    )
    if not services.may_tick(action=action, tenant=tenant, user=request.user):
        return HttpResponse(
            _("Only the owner, a project leader or an editor can do this."), status=403
        )
    back = safe_next(request, reverse("partners:follow-up", args=[tenant.partnership.slug]))
    undo = request.POST.get("undo") == "1"
    if undo:
        services.action_reopen(action=action)
    else:
        services.action_mark_done(action=action, user=request.user)
    if request.htmx:
        # `focus` puts autofocus on the row's status cell: htmx focuses it after the swap,
        # so a keyboard user keeps their place in the list.
        row = ACTION_ROWS.get(request.POST.get("row"), ACTION_ROWS["followup"])
        context = {
            "tenant": tenant,
            "action": action,
            "today": timezone.localdate(),
            "next": back,
            "focus": True,
        }
        return render(request, row, context)
    done = _("Action open again: %(action)s") if undo else _("Action marked done: %(action)s")
    messages.success(request, done % {"action": action})
    return redirect(back)


# The decision list -------------------------------------------------------------------------


def _decisions(request, tenant):
    form = DecisionSearchForm(request.GET or None, partnership=tenant.partnership)
    query, body = "", None
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        body = form.bodies.get(form.cleaned_data["body"])
    return form, selectors.decision_list(partnership=tenant.partnership, query=query, body=body)


@partnership_view()
def decision_list(request, tenant):
    form, decisions = _decisions(request, tenant)
    page, query = paginate(request, decisions)
    return render(
        request,
        "governance/decision_list.html",
        {"tenant": tenant, "form": form, "page": page, "query": query},
    )


@partnership_view()
def decision_pdf(request, tenant):
    _form, decisions = _decisions(request, tenant)
    content = pdf.decisions_pdf(decisions=list(decisions), partnership=tenant.partnership)
    return _pdf_response(content, pdf.decisions_filename(tenant.partnership))


# Who decides, who does, who is involved -----------------------------------------------------


@partnership_view()
def matrix(request, tenant):
    partnership = tenant.partnership
    activity_page, query = paginate(request, selectors.matrix_activities(partnership=partnership))
    goal_page = Paginator(selectors.matrix_goals(partnership=partnership), 25).get_page(
        request.GET.get("goals_page")
    )
    rows = selectors.matrix_rows(
        partnership=partnership, activities=activity_page.object_list, goals=goal_page.object_list
    )
    context = {
        "tenant": tenant,
        "page": activity_page,
        "query": query,
        "goal_page": goal_page,
        "rows": rows,
    }
    return render(request, "governance/matrix.html", context)


def _responsibility_edit(request, tenant, subject, back):
    current = selectors.responsibilities_of(partnership=tenant.partnership, subject=subject)
    initial = {}
    for role, r in current.items():
        if r.body_id:
            initial[role] = f"body:{r.body.code}"
        elif r.contact_id:
            initial[role] = f"contact:{r.contact.code}"
        else:
            initial[role] = f"user:{r.user_id}"
    form = ResponsibilityForm(
        request.POST or None, partnership=tenant.partnership, initial_holders=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.responsibilities_set(
                partnership=tenant.partnership,
                subject=subject,
                holders=form.cleaned_data["holders"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Who decides, does and is involved was saved."))
            return redirect(back)
    return render(
        request,
        "governance/responsibility_form.html",
        {"tenant": tenant, "form": form, "subject": subject, "back": back},
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def activity_responsibilities(request, tenant, code):
    activity = get_object_or_404(Activity, partnership=tenant.partnership, code=code)
    back = reverse("activities:activity-detail", args=[tenant.partnership.slug, activity.code])
    return _responsibility_edit(request, tenant, activity, back)


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def goal_responsibilities(request, tenant, code):
    goal = get_object_or_404(Goal, partnership=tenant.partnership, code=code)
    back = reverse("activities:goal-detail", args=[tenant.partnership.slug, goal.code])
    return _responsibility_edit(request, tenant, goal, back)
