"""Writes on partner updates (docs/rules.md §29).

An update is composed from the period's data as a draft, edited by a leader and sent once:
`update_send` takes the row lock, moves the update from draft to sent with a conditional
update (so a double submit or a second worker finds it sent and sends nothing), records every
recipient and queues one e-mail each in the outbox, with the PDF attached and the recipient's
own unsubscribe link, in the text and in the List-Unsubscribe headers (RFC 8058 one-click). All in one transaction: nothing is sent half. When the mail server is
down the outbox retries by itself; the update stays sent and no message is lost.
"""

import datetime
from contextlib import contextmanager
from contextvars import ContextVar

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from outbox import services as outbox
from partners.models import Contact
from updates import composition, rendering
from updates.models import SECTIONS, PartnerUpdate, UpdateRecipient, UpdateStatus

KIND = "partner_update"
UNSUBSCRIBE_SALT = "updates.unsubscribe"
# An unsubscribe link works this long: every update brings a fresh one.
UNSUBSCRIBE_MAX_AGE = datetime.timedelta(days=2 * 365)
# The longest period an update may cover.
MAX_PERIOD = datetime.timedelta(days=366)
EDITABLE = ("title", "intro", *(name for name, _heading in SECTIONS))

_quiet: ContextVar[bool] = ContextVar("sterk_updates_quiet", default=False)


@contextmanager
def quiet():
    """Queue no e-mail inside this block (the demo's contacts are fictitious): recipients are
    recorded, nothing is sent."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _check_period(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    if end - start > MAX_PERIOD:
        raise ValidationError({"period_end": _("An update covers at most a year.")})


def _check_lengths(update: PartnerUpdate) -> None:
    """A text field's max_length is not checked by full_clean: here it is."""
    errors = {}
    for name in ("intro", *(field for field, _heading in SECTIONS)):
        limit = PartnerUpdate._meta.get_field(name).max_length
        if len(getattr(update, name)) > limit:
            errors[name] = _("At most %(limit)d characters.") % {"limit": limit}
    if errors:
        raise ValidationError(errors)


def update_create(
    *, partnership, start: datetime.date, end: datetime.date, user, title: str = ""
) -> PartnerUpdate:
    """A draft for the period, its sections composed from the data."""
    _check_period(start, end)
    texts = composition.compose(partnership=partnership, start=start, end=end)
    update = PartnerUpdate(
        partnership=partnership,
        title=" ".join(title.split()) or composition.default_title(start=start, end=end),
        period_start=start,
        period_end=end,
        created_by=user,
        **texts,
    )
    update.full_clean(exclude=["partnership", "created_by", "code"])
    _check_lengths(update)
    update.save()
    return update


def _refuse_sent(update: PartnerUpdate) -> None:
    if update.status == UpdateStatus.SENT:
        raise ValidationError(
            _("This update was already sent on %(date)s; it no longer changes.")
            % {"date": timezone.localtime(update.sent_at).strftime("%d-%m-%Y %H:%M")}
        )


def update_edit(*, update: PartnerUpdate, **fields) -> PartnerUpdate:
    """Change the title, introduction or a section's text of a draft."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"update_edit got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = PartnerUpdate.objects.select_for_update().get(pk=update.pk)
        _refuse_sent(locked)
        for name, value in fields.items():
            value = value.replace("\r\n", "\n").strip()
            setattr(locked, name, " ".join(value.split()) if name == "title" else value)
        locked.full_clean(exclude=["partnership", "created_by", "code"])
        _check_lengths(locked)
        locked.save(update_fields=list(fields))
    return locked


def update_recompose(*, update: PartnerUpdate) -> PartnerUpdate:
    """Compose the sections again from today's data (the intro and title stay)."""
    texts = composition.compose(
        partnership=update.partnership, start=update.period_start, end=update.period_end
    )
    return update_edit(update=update, **texts)


def update_delete(*, update: PartnerUpdate) -> None:
    with transaction.atomic():
        locked = PartnerUpdate.objects.select_for_update().get(pk=update.pk)
        _refuse_sent(locked)
        locked.delete()


def recipients_of(partnership) -> list[Contact]:
    """The contacts who opted in, one per e-mail address (the first by organisation and
    name), in a single query."""
    contacts = (
        Contact.objects.filter(partnership=partnership, receives_updates=True)
        .exclude(email="")
        .select_related("organisation")
        .order_by("organisation__name", "name", "pk")
    )
    seen: set[str] = set()
    result = []
    for contact in contacts:
        address = contact.email.strip().lower()
        if address and address not in seen:
            seen.add(address)
            result.append(contact)
    return result


def unsubscribe_token(contact: Contact) -> str:
    return signing.dumps({"c": contact.code.hex}, salt=UNSUBSCRIBE_SALT, compress=True)


def contact_for_token(token: str) -> Contact:
    """The contact a link was made for. ValidationError when the link was changed or has
    expired (two different messages); the contact may have been deleted since (also
    refused)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError(
            _("This link has expired. A newer update has a link that works."), code="expired"
        ) from error
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid."), code="invalid") from error
    value = data.get("c") if isinstance(data, dict) else None
    contact = None
    if isinstance(value, str) and len(value) == 32:
        with scopes_disabled():
            contact = (
                Contact.objects.select_related("partnership", "organisation")
                .filter(code=value)
                .first()
            )
    if contact is None:
        raise ValidationError(_("This link is not valid."), code="invalid")
    return contact


def unsubscribe(*, contact: Contact) -> bool:
    """Stop the updates for this contact. True when it changed something; a second click
    changes nothing and says so."""
    with transaction.atomic(), scopes_disabled():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        if not locked.receives_updates:
            return False
        locked.receives_updates = False
        locked._change_reason = "unsubscribed from the partner update by its link"
        locked.save(update_fields=["receives_updates"])
    contact.receives_updates = False
    return True


def _store_pdf(update: PartnerUpdate) -> str:
    name = f"updates/{update.partnership_id}/{update.code}.pdf"
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(rendering.render_pdf(update)))


def update_send(*, update: PartnerUpdate, user) -> int:
    """Send the update to every contact who opted in, once. Returns the number of
    recipients; an update already sent raises ValidationError and nothing is sent again."""
    quiet_mode = _quiet.get()
    with transaction.atomic():
        locked = (
            PartnerUpdate.objects.select_for_update()
            .select_related("partnership")
            .get(pk=update.pk)
        )
        _refuse_sent(locked)
        recipients = recipients_of(locked.partnership)
        if not recipients:
            raise ValidationError(
                _(
                    "No contact has opted in to the update yet. Tick “receives the partner "
                    "update” on a contact with an e-mail address first."
                )
            )
        now = timezone.now()
        # The conditional update is the guard on databases without row locks (SQLite): of two
        # submits, one moves the draft to sent, the other changes nothing and stops here.
        if not PartnerUpdate.objects.filter(pk=locked.pk, status=UpdateStatus.DRAFT).update(
            status=UpdateStatus.SENT, sent_at=now, sent_by=user
        ):
            raise ValidationError(_("This update was already sent; nothing was sent again."))
        locked.status, locked.sent_at, locked.sent_by = UpdateStatus.SENT, now, user
        attachments = []
        if not quiet_mode:
            locked.pdf_path = _store_pdf(locked)
            PartnerUpdate.objects.filter(pk=locked.pk).update(pdf_path=locked.pdf_path)
            attachments = [
                {
                    "path": locked.pdf_path,
                    "name": rendering.pdf_filename(locked),
                    "mimetype": "application/pdf",
                }
            ]
        for contact in recipients:
            message = None
            if not quiet_mode:
                link = rendering.unsubscribe_url(unsubscribe_token(contact))
                subject, body = rendering.email_text(
                    locked, name=contact.name, unsubscribe_link=link
                )
                (message,) = outbox.enqueue(
                    contact.email,
                    subject,
                    body,
                    kind=KIND,
                    about=locked,
                    tenant_id=locked.partnership_id,
                    attachments=attachments,
                    headers=rendering.unsubscribe_headers(link),
                )
            UpdateRecipient.objects.create(
                partnership_id=locked.partnership_id,
                update=locked,
                contact=contact,
                name=contact.name[:200],
                organisation_name=contact.organisation.name[:200],
                email=contact.email,
                message=message,
            )
    update.status, update.sent_at, update.sent_by = locked.status, locked.sent_at, user
    update.pdf_path = locked.pdf_path
    return len(recipients)
