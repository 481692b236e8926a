"""E-mail of the signing flow, in the document's language (Dutch).

Messages are rendered when they are decided and queued in the outbox inside the service's
transaction, so a rolled-back action never sends anything, a committed one never loses its
mail, and a slow or absent mail server never holds a database lock (docs/rules.md §19).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from outbox import services as outbox
from partners.models import Membership, Role
from signing.kinds import find_kind, signed_filename
from signing.models import SignatureRequest, SigningRound


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


def send(
    name: str,
    context: dict,
    to: list[str],
    *,
    about: SignatureRequest | SigningRound,
    attach_round: SigningRound | None = None,
    discard_after=None,
    after_commit: bool = True,
) -> list:
    """Render now and queue one message per recipient in the outbox (inside the caller's
    transaction); the task worker delivers them after commit and retries what the mail
    server refuses. `about` is what the mail is about: its delivery is in its audit trail
    (signing.delivery)."""
    if _quiet.get():
        return []
    subject, body = render(name, {"site_url": settings.SITE_URL, **context})
    attachments = []
    if attach_round is not None and attach_round.final_pdf:
        attachments.append(
            {
                "path": attach_round.final_pdf.name,
                "name": final_filename(attach_round),
                "mimetype": "application/pdf",
            }
        )
    return outbox.enqueue(
        to,
        subject,
        body,
        kind=name,
        about=about,
        tenant_id=about.partnership_id,
        attachments=attachments,
        discard_after=discard_after,
        send_after_commit=after_commit,
    )


def leader_addresses(partnership) -> list[str]:
    return list(
        Membership.objects.filter(partnership=partnership, role=Role.LEADER).values_list(
            "user__email", flat=True
        )
    )


def final_filename(signing_round: SigningRound) -> str:
    """The sealed PDF's file name, as its kind names it."""
    return signed_filename(find_kind(signing_round.document), signing_round.document)
