"""Writes on deeds of accession (docs/rules.md §25).

A deed is made for a party of the current data that is not a party of the agreement in force
(the newest version everyone signed, with its signed deeds): its tasks and contributions as
the agreement would print them, the penvoerder signing on behalf of all. Its PDF is rendered
in the background and its round sent when it is there (accession.tasks), the joining party
first, the penvoerder last. Every write takes the agreement's row lock, the one making a
version takes, so a deed and a version never number or check against a half-made other.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.accession.deed import deed_snapshot
from agreements.accession.selectors import in_force, live_accessions
from agreements.data import AgreementData, PartyData, load_agreement_data
from agreements.models import Accession, AccessionStatus, Agreement
from agreements.readiness import _signatory_items, _task_items
from agreements.snapshot import _party
from signing.models import RoundStatus, SigningRound
from signing.sending import MAX_DEADLINE, MAX_MESSAGE
from sterk.canonical import snapshot_hash
from sterk.money import ZERO


@dataclass(frozen=True)
class Candidate:
    """A party of the current data that may accede, or why it may not yet."""

    party: PartyData
    problems: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.problems


def candidates(data: AgreementData, force, live: dict) -> list[Candidate]:
    """The parties of the data that are not parties of the agreement in force and have no
    deed under way or signed, each with what still stops its accession."""
    if force is None:
        return []
    slug = data.partnership.slug
    keys = force.party_keys
    return [
        Candidate(
            party,
            tuple(
                item.message
                for item in (*_signatory_items(party, slug), *_task_items(party, slug))
                if item.blocking
            ),
        )
        for party in data.parties
        if party.key not in keys and party.organisation.pk not in live
    ]


def _enqueue(pk: int) -> None:
    from agreements.accession.tasks import render_accession

    render_accession.enqueue(pk)


def _default_rate(data: AgreementData):
    return data.budget.scheme.default_hourly_rate if data.budget else ZERO


def accession_create(
    *, partnership, organisation_code: str, user, deadline: datetime, message: str = ""
) -> Accession:
    """Make the deed for the party with `organisation_code` and queue its PDF; the round is
    sent to its signers and the penvoerder's when the PDF is there. Refuses, with a message
    that says why: no agreement in force (or not sealed yet), a party already in it or with a
    deed under way, an organisation that is no party of the data (nothing to accede with), a
    party or penvoerder without a valid signer, tasks left empty, a deadline out of range."""
    message = (message or "").strip()
    now = timezone.now()
    errors = []
    if deadline <= now:
        errors.append(_("The deadline must be in the future."))
    elif deadline > now + MAX_DEADLINE:
        errors.append(_("The deadline can be at most a year from now."))
    if len(message) > MAX_MESSAGE:
        errors.append(_("The message can be at most 2000 characters."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().filter(partnership=partnership).first()
        force = in_force(partnership) if agreement else None
        if force is None:
            raise ValidationError(
                _(
                    "There is no signed agreement yet: a new partner is named in the next "
                    "version of the agreement, not by a deed of accession."
                ),
                code="no_agreement",
            )
        if not force.round.final_pdf_sha256:
            raise ValidationError(
                _("The signed agreement is still being sealed; try again in a few minutes."),
                code="sealing",
            )
        with translation.override(settings.LANGUAGE_CODE):
            data = load_agreement_data(partnership=partnership)
        party = next((p for p in data.parties if p.key == str(organisation_code)), None)
        live = live_accessions(partnership)
        if str(organisation_code) in force.party_keys:
            name = party.organisation.name if party else _("This organisation")
            raise ValidationError(
                _("%(name)s is already a party to the agreement in force.") % {"name": name},
                code="already_party",
            )
        if party is None:
            raise ValidationError(
                _(
                    "Only an organisation with tasks or contributions in this partnership can "
                    "accede: record what it does first."
                ),
                code="not_a_party",
            )
        if party.organisation.pk in live:
            raise ValidationError(
                _("%(name)s already has deed of accession no. %(number)s.")
                % {"name": party.organisation.name, "number": live[party.organisation.pk].number},
                code="already_acceding",
            )
        candidate = next(c for c in candidates(data, force, live={}) if c.party.key == party.key)
        if candidate.problems:
            raise ValidationError(
                [ValidationError(m, code="not_ready") for m in candidate.problems]
            )
        penvoerder_key = force.version.snapshot.get("penvoerder")
        penvoerder = next((p for p in data.parties if p.key == penvoerder_key), None)
        if penvoerder is None:
            raise ValidationError(
                _("The agreement in force has no penvoerder to sign on behalf of all parties."),
                code="no_penvoerder",
            )
        blocking = [i.message for i in _signatory_items(penvoerder, data.partnership.slug)]
        if blocking:
            raise ValidationError([ValidationError(m, code="penvoerder_signer") for m in blocking])
        last = Accession.objects.filter(agreement=agreement).aggregate(last=Max("number"))["last"]
        rate = _default_rate(data)
        with translation.override(settings.LANGUAGE_CODE):
            snapshot = deed_snapshot(
                version=force.version,
                signed_round=force.round,
                joining=_party(party, rate),
                penvoerder=_party(penvoerder, rate),
                number=(last or 0) + 1,
            )
        accession = Accession.objects.create(
            partnership=partnership,
            agreement=agreement,
            version=force.version,
            organisation=party.organisation,
            number=snapshot["number"],
            snapshot=snapshot,
            snapshot_sha256=snapshot_hash(snapshot),
            render_requested_at=now,
            send_deadline=deadline,
            send_message=message,
            created_by=user,
        )
        transaction.on_commit(partial(_enqueue, accession.pk))
    return accession


def _open_round(accession: Accession) -> SigningRound | None:
    if accession.document_id is None:
        return None
    return SigningRound.objects.filter(
        document_id=accession.document_id, status=RoundStatus.OPEN
    ).first()


def accession_void(*, accession: Accession, user, reason: str) -> None:
    """Withdraw a deed not yet signed, with a reason: its open round is voided (its signers
    are told) and the party may accede by a new deed."""
    from signing import services as signing

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the deed is withdrawn.")})
    with transaction.atomic():
        Agreement.objects.select_for_update().filter(pk=accession.agreement_id).first()
        current = Accession.objects.get(pk=accession.pk)
        if current.status == AccessionStatus.SIGNED:
            raise ValidationError(
                _("A signed deed cannot be withdrawn: the party left by the agreement's rules."),
                code="signed",
            )
        if current.status == AccessionStatus.VOIDED:
            raise ValidationError(_("This deed is already withdrawn."), code="voided")
        open_round = _open_round(current)
        if open_round is not None:
            signing.round_void(open_round, reason=reason, user=user)
        Accession.objects.filter(pk=current.pk).update(
            status=AccessionStatus.VOIDED,
            void_reason=reason[:2000],
            voided_at=timezone.now(),
            voided_by=user,
        )


def accession_render_again(*, accession: Accession) -> bool:
    """Ask again for the PDF of a deed not yet sent whose rendering failed or is stuck."""
    from agreements.accession.recovery import renders

    if accession.status != AccessionStatus.MADE:
        raise ValidationError(_("Only a deed not yet sent can be made again."), code="status")
    return renders.ask_again(
        accession,
        still_rendering=_(
            "The deed is still being made; it can be made again if that takes too long."
        ),
    )
