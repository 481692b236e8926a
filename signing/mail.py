"""E-mail of the signing flow, in the document's language (Dutch).

Messages are rendered when they are decided (inside the service's transaction) and handed to
the `deliver` task after commit, so a rolled-back action never sends anything and a slow mail
server never holds a database lock.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled
from django_tasks import task

from partners.models import Membership, Role
from signing.kinds import find_kind, signed_filename
from signing.models import SigningRound


def sign_url(token: str) -> str:
    return settings.SITE_URL + reverse("sign:page", kwargs={"token": token})


def render(name: str, context: dict) -> tuple[str, str]:
    """Subject and body of templates/signing/email/<name>.txt; the first line is the
    subject."""
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(f"signing/email/{name}.txt", context).strip()
    subject, _sep, body = text.partition("\n")
    return " ".join(subject.split()), body.strip() + "\n"


_quiet: ContextVar[bool] = ContextVar("sterk_mail_quiet", default=False)


@contextmanager
def quiet():
    """Send nothing inside this block: the demo seeds signatures of fictitious people."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def send(name: str, context: dict, to: list[str], *, attach_round: int | None = None) -> None:
    """Render now, deliver after commit."""
    if _quiet.get():
        return
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    subject, body = render(name, {"site_url": settings.SITE_URL, **context})
    transaction.on_commit(
        partial(deliver.enqueue, recipients, subject, body, attach_round=attach_round)
    )


def leader_addresses(partnership) -> list[str]:
    return list(
        Membership.objects.filter(partnership=partnership, role=Role.LEADER).values_list(
            "user__email", flat=True
        )
    )


@task()
def deliver(recipients: list[str], subject: str, body: str, attach_round: int | None = None) -> int:
    """Send one message to each recipient (nobody sees the others' addresses); with
    `attach_round`, the round's sealed PDF is attached."""
    from django.core.mail import EmailMessage

    attachment = None
    if attach_round is not None:
        with scopes_disabled():
            signing_round = (
                SigningRound.objects.filter(pk=attach_round)
                .select_related("document", "partnership")
                .first()
            )
            if signing_round is not None and signing_round.final_pdf:
                with signing_round.final_pdf.open("rb") as handle:
                    attachment = (final_filename(signing_round), handle.read(), "application/pdf")
    for recipient in recipients:
        message = EmailMessage(subject, body, None, [recipient])
        if attachment:
            message.attach(*attachment)
        message.send()
    return len(recipients)


def final_filename(signing_round: SigningRound) -> str:
    """The sealed PDF's file name, as its kind names it."""
    return signed_filename(find_kind(signing_round.document), signing_round.document)
