"""Writes on governance (docs/rules.md §27).

Rules: members of a body are contacts of the partnership's organisations or members of
Sterk in this partnership; the chair, the secretary, the attendees of a meeting and the
owner of an action are members of that body; a meeting dated after today has no minutes and
no decisions yet; a decision has a text and its number is the next of its body, taken under
a row lock on the body so two decisions taken at once never share a number. Every write is
one transaction: a refusal saves nothing.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Max, TextField
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import (
    Action,
    Body,
    BodyMember,
    Decision,
    Meeting,
    Responsibility,
    ResponsibilityRole,
)
from partners.models import Contact, Membership, Partnership


def _check_text_lengths(instance) -> None:
    """Refuse texts over a TextField's max_length, which Django checks in forms only, and a
    NUL character in any text (PostgreSQL cannot store it; forms refuse it too)."""
    errors = {}
    for field in instance._meta.concrete_fields:
        if isinstance(field, (CharField, TextField)) and "\x00" in (
            getattr(instance, field.attname) or ""
        ):
            errors[field.name] = _("Null characters are not allowed.")
            continue
        if isinstance(field, TextField) and field.max_length:
            value = getattr(instance, field.attname) or ""
            if len(value) > field.max_length:
                errors[field.name] = _(
                    "Use at most %(limit)d characters (this has %(length)d)."
                ) % {"limit": field.max_length, "length": len(value)}
    if errors:
        raise ValidationError(errors)


def _save(instance, exclude=None):
    _check_text_lengths(instance)
    instance.full_clean(exclude=exclude, validate_constraints=False)
    instance.save()
    return instance


# Bodies ------------------------------------------------------------------------------------


def body_create(*, partnership: Partnership, kind: str, name: str, decides_on: str = "") -> Body:
    body = Body(
        partnership=partnership, kind=kind, name=(name or "").strip(), decides_on=decides_on
    )
    with transaction.atomic():
        return _save(body)


def _check_own_member(body: Body, member: BodyMember | None, field: str) -> None:
    if member is not None and member.body_id != body.pk:
        raise ValidationError({field: _("Choose a member of this body.")})


def body_update(
    *,
    body: Body,
    kind: str,
    name: str,
    decides_on: str = "",
    chair: BodyMember | None = None,
    secretary: BodyMember | None = None,
) -> Body:
    """The chair and the secretary must be members of the body (or nobody)."""
    _check_own_member(body, chair, "chair")
    _check_own_member(body, secretary, "secretary")
    body.kind, body.name, body.decides_on = kind, (name or "").strip(), decides_on
    body.chair, body.secretary = chair, secretary
    with transaction.atomic():
        return _save(body)


def body_delete(*, body: Body) -> None:
    """A body that met is kept, with its minutes and decisions."""
    with transaction.atomic():
        if Meeting.objects.filter(partnership=body.partnership_id, body=body).exists():
            raise ValidationError(
                _("This body cannot be deleted: it has meetings with minutes and decisions."),
                code="in_use",
            )
        Body.objects.filter(pk=body.pk).update(chair=None, secretary=None)
        body.delete()


def member_add(*, body: Body, contact: Contact | None = None, user=None) -> BodyMember:
    """Add a contact of this partnership or a member of Sterk in it; each once."""
    if (contact is None) == (user is None):
        raise ValidationError(_("Choose one person: a contact or a member of Sterk."))
    if contact is not None and contact.partnership_id != body.partnership_id:
        raise ValidationError({"person": _("This contact is not part of this partnership.")})
    if user is not None and not (
        Membership.objects.filter(partnership=body.partnership_id, user=user).exists()
    ):
        raise ValidationError({"person": _("This person is not a member of this partnership.")})
    duplicate = BodyMember.objects.filter(partnership=body.partnership_id, body=body)
    if duplicate.filter(contact=contact, user=user).exists():
        raise ValidationError({"person": _("This person is already a member of this body.")})
    try:
        with transaction.atomic():
            return BodyMember.objects.create(
                partnership_id=body.partnership_id, body=body, contact=contact, user=user
            )
    except IntegrityError as error:  # added twice at the same moment
        raise ValidationError(
            {"person": _("This person is already a member of this body.")}
        ) from error


def member_remove(*, member: BodyMember) -> None:
    """A member who owns actions stays until those are handed over; chair and secretary
    fall empty when their holder leaves."""
    with transaction.atomic():
        if Action.objects.filter(partnership=member.partnership_id, owner=member).exists():
            raise ValidationError(
                _("This member owns actions: give them to someone else first."), code="in_use"
            )
        member.delete()  # SET_NULL clears the chair and the secretary


# Who decides, who does, who is involved -----------------------------------------------------


def _check_holder(partnership: Partnership, holder) -> None:
    if holder is None:
        return
    if isinstance(holder, (Body, Contact)):
        if holder.partnership_id != partnership.pk:
            raise ValidationError(_("Choose a body or a person of this partnership."))
        return
    if not Membership.objects.filter(partnership=partnership, user=holder).exists():
        raise ValidationError(_("Choose a body or a person of this partnership."))


def responsibilities_set(*, partnership: Partnership, subject, holders: dict) -> None:
    """Set who decides, does and is involved for an activity or a goal (`subject`).

    `holders` maps a role to a Body, a Contact, a user or None (nobody named); roles left
    out stay as they are."""
    if subject.partnership_id != partnership.pk:
        raise ValidationError(_("This activity or goal is not part of this partnership."))
    key = "activity" if subject._meta.model_name == "activity" else "goal"
    for role, holder in holders.items():
        if role not in ResponsibilityRole.values:
            raise ValidationError(_("Unknown role."))
        _check_holder(partnership, holder)
    with transaction.atomic():
        for role, holder in holders.items():
            Responsibility.objects.filter(
                partnership=partnership, role=role, **{key: subject}
            ).delete()
            if holder is None:
                continue
            fields = {"body": None, "contact": None, "user": None}
            if isinstance(holder, Body):
                fields["body"] = holder
            elif isinstance(holder, Contact):
                fields["contact"] = holder
            else:
                fields["user"] = holder
            Responsibility.objects.create(
                partnership=partnership, role=role, **{key: subject}, **fields
            )


# Meetings, decisions, actions ---------------------------------------------------------------


def _refuse_future(meeting: Meeting, what: str) -> None:
    if meeting.date and meeting.date > timezone.localdate():
        raise ValidationError(
            {
                what: _(
                    "This meeting is on %(date)s, after today: record minutes and decisions "
                    "once it has taken place."
                )
                % {"date": meeting.date.strftime("%d-%m-%Y")}
            }
        )


def _check_attendees(body: Body, attendees) -> list[BodyMember]:
    attendees = list(attendees or [])
    if any(member.body_id != body.pk for member in attendees):
        raise ValidationError({"attendees": _("Attendees must be members of this body.")})
    return attendees


def meeting_create(
    *, body: Body, date: datetime.date, agenda: str = "", minutes: str = "", attendees=()
) -> Meeting:
    meeting = Meeting(
        partnership_id=body.partnership_id, body=body, date=date, agenda=agenda, minutes=minutes
    )
    if minutes.strip():
        _refuse_future(meeting, "minutes")
    attendees = _check_attendees(body, attendees)
    with transaction.atomic():
        _save(meeting)
        meeting.attendees.set(attendees)
    return meeting


def meeting_update(
    *, meeting: Meeting, date: datetime.date, agenda: str = "", minutes: str = "", attendees=()
) -> Meeting:
    meeting.date, meeting.agenda, meeting.minutes = date, agenda, minutes
    if minutes.strip():
        _refuse_future(meeting, "minutes")
    if meeting.date and meeting.date > timezone.localdate() and meeting.decisions.exists():
        raise ValidationError(
            {"date": _("This meeting has decisions: it cannot move to a later day than today.")}
        )
    attendees = _check_attendees(meeting.body, attendees)
    with transaction.atomic():
        _save(meeting)
        meeting.attendees.set(attendees)
    return meeting


def _lock_meeting(meeting: Meeting) -> None:
    """Lock the meeting's row (inside a transaction) and refuse when it was deleted since
    the page was opened: a decision or an action never points at a deleted meeting."""
    if not list(Meeting.objects.select_for_update().filter(pk=meeting.pk).values("pk")[:1]):
        raise ValidationError(_("This meeting was deleted meanwhile."), code="meeting_gone")


def _decision_texts(title: str, text: str) -> tuple[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write down what was decided.")})
    if not title:
        title = text.splitlines()[0][:200]
    return title, text


def decision_add(*, meeting: Meeting, title: str, text: str) -> Decision:
    """Number the decision after the highest number its body ever gave, under a lock on the
    body's row: a deleted decision's number is not given again."""
    _refuse_future(meeting, "text")
    title, text = _decision_texts(title, text)
    with transaction.atomic():
        body = Body.objects.select_for_update().filter(pk=meeting.body_id).get()
        _lock_meeting(meeting)
        last = Decision.objects.filter(
            partnership=meeting.partnership_id, body=meeting.body_id
        ).aggregate(last=Max("number"))["last"]
        number = max(body.last_decision_number, last or 0) + 1
        decision = Decision(
            partnership_id=meeting.partnership_id,
            body_id=meeting.body_id,
            meeting=meeting,
            number=number,
            title=title,
            text=text,
        )
        _save(decision)
        Body.objects.filter(pk=body.pk).update(last_decision_number=number)
        return decision


def decision_update(*, decision: Decision, title: str, text: str) -> Decision:
    """Change the wording of a decision; its number, body and meeting stay."""
    decision.title, decision.text = _decision_texts(title, text)
    with transaction.atomic():
        return _save(decision)


def decision_delete(*, decision: Decision) -> None:
    """Delete a decision; the others keep their numbers and its number is not given again
    (the body's counter stays where it is)."""
    with transaction.atomic():
        Decision.objects.filter(pk=decision.pk).delete()


def meeting_delete(*, meeting: Meeting) -> int:
    """Delete a meeting with its actions and attendance; returns the number of actions
    deleted. A meeting with decisions stays: decisions are the body's numbered record, so
    they are deleted one by one first, each on purpose."""
    with transaction.atomic():
        # The body's lock, as decision_add takes it, then the meeting's, as action_add
        # takes it: no decision or action slips in meanwhile.
        Body.objects.select_for_update().filter(pk=meeting.body_id).get()
        _lock_meeting(meeting)
        if Decision.objects.filter(partnership=meeting.partnership_id, meeting=meeting).exists():
            raise ValidationError(
                _(
                    "This meeting has decisions: delete those first. Its decisions are the "
                    "numbered record of the body."
                ),
                code="in_use",
            )
        actions, _detail = Action.objects.filter(
            partnership=meeting.partnership_id, meeting=meeting
        ).delete()
        meeting.attendees.clear()
        Meeting.objects.filter(pk=meeting.pk).delete()
    return actions


def action_add(
    *, meeting: Meeting, description: str, owner: BodyMember, due: datetime.date
) -> Action:
    if owner is None or owner.body_id != meeting.body_id:
        raise ValidationError({"owner": _("The owner must be a member of this body.")})
    action = Action(
        partnership_id=meeting.partnership_id,
        body_id=meeting.body_id,
        meeting=meeting,
        description=(description or "").strip(),
        owner=owner,
        due=due,
    )
    with transaction.atomic():
        # The body's row, then the meeting's: the order meeting_delete takes them in.
        Body.objects.select_for_update().filter(pk=meeting.body_id).get()
        _lock_meeting(meeting)
        return _save(action)


def may_tick(*, action: Action, tenant, user) -> bool:
    """The owner of an action, a leader and an editor may mark it done."""
    return tenant.may("write") or (
        action.owner.user_id is not None
        and action.owner.user_id == user.pk
        and tenant.may("read")
        and not tenant.is_history
    )


def action_mark_done(*, action: Action, user) -> Action:
    """Done once: a second click (a double submit) changes nothing."""
    with transaction.atomic():
        Action.objects.filter(pk=action.pk, done_at=None).update(
            done_at=timezone.now(), done_by=user
        )
    action.refresh_from_db(fields=["done_at", "done_by"])
    return action


def action_reopen(*, action: Action) -> Action:
    Action.objects.filter(pk=action.pk).update(done_at=None, done_by=None)
    action.refresh_from_db(fields=["done_at", "done_by"])
    return action
