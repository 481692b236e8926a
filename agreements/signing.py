"""Signing online (issue 7): send a version, sign from a link, follow up, complete.

Every state change is a service function here and records an audit event
(agreements.audit.record) in the same transaction. Signatories have no account: a request's
link carries a token derived with HMAC from the server's secret key and a random salt stored
with the request; the database holds only the salt and the token's SHA-256, so a copy of the
database reveals no working link, while reminders can send the same link again.

Completion happens exactly once: every signature locks the round's row first, and the last
one marks the round completed and enqueues the sealing task after commit.
"""

import base64
import binascii
import hashlib
import hmac
import ipaddress
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled

from agreements import mail
from agreements.audit import record
from agreements.models import (
    AgreementVersion,
    RequestStatus,
    RoundStatus,
    SignatureRequest,
    SigningRound,
    SignMethod,
)
from partners.models import EvidenceSource, Signatory

CODE_TTL = timedelta(minutes=10)
CODE_MAX_TRIES = 5
CODES_PER_HOUR = 5
VERIFIED_TTL = timedelta(minutes=30)
FIRST_REMINDER = timedelta(days=5)
NEXT_REMINDER = timedelta(days=3)
DEADLINE_WARNING = timedelta(days=2)
MAX_DEADLINE = timedelta(days=366)
REMIND_COOLDOWN = timedelta(hours=1)
MAX_SIGNATURE_IMAGE = 200_000  # characters of the data: URL
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
PNG_PREFIX = "data:image/png;base64,"
CHECKED_SEPARATOR = "; "

ORDER_PARALLEL = "parallel"
ORDER_PENVOERDER_LAST = "penvoerder_last"
ORDER_CUSTOM = "custom"


# --- Tokens and codes -------------------------------------------------------------------


def _mac(message: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).digest()


def token_for(request: SignatureRequest) -> str:
    """The link's token: 256 bits, derived from the secret key and the request's salt."""
    return base64.urlsafe_b64encode(_mac(f"sterk-sign:{request.token_salt}")).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_salt(request: SignatureRequest) -> None:
    request.token_salt = secrets.token_hex(32)
    request.token_hash = token_hash(token_for(request))


def request_for_token(token: str) -> SignatureRequest | None:
    """The request a link belongs to, or None; anything malformed is simply not found."""
    if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
        return None
    with scopes_disabled():
        return (
            SignatureRequest.objects.filter(token_hash=token_hash(token))
            .select_related("round", "round__version", "round__agreement", "partnership")
            .first()
        )


def code_hash(request: SignatureRequest, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(),
        f"sterk-code:{request.token_salt}:{code}".encode(),
        hashlib.sha256,
    ).hexdigest()


# --- What a link may do -----------------------------------------------------------------

REFUSALS = {
    "voided": gettext_lazy("This signing round was voided by the project leader."),
    "superseded": gettext_lazy(
        "A newer version of the agreement replaces the one this link is for."
    ),
    "signed": gettext_lazy("You have already signed; this link is used."),
    "revoked": gettext_lazy("This link was revoked by the project leader."),
    "expired": gettext_lazy("The deadline for signing has passed; this link no longer works."),
    "declined": gettext_lazy("You declined to sign; this link no longer works."),
    "redirected": gettext_lazy(
        "You told us you are not the right person; this link no longer works."
    ),
    "not_your_turn": gettext_lazy(
        "It is not your turn yet: others sign first. You get an e-mail when it is your turn."
    ),
}


def refusal(request: SignatureRequest, *, now: datetime | None = None) -> str | None:
    """Why this request cannot be signed now (a key of REFUSALS), or None when it can."""
    now = now or timezone.now()
    round = request.round
    if round.status == RoundStatus.VOIDED:
        return "voided"
    if request.status != RequestStatus.PENDING:
        return request.status
    if now >= round.deadline:
        return "expired"
    with scopes_disabled():
        newer = AgreementVersion.objects.filter(
            agreement_id=round.agreement_id, number__gt=round.version.number
        ).exists()
        if newer:
            return "superseded"
        if round.ordered and _earlier_unsigned(request).exists():
            return "not_your_turn"
    return None


def refusal_message(key: str) -> str:
    return str(REFUSALS.get(key, REFUSALS["revoked"]))


def _earlier_unsigned(request: SignatureRequest):
    return SignatureRequest.objects.filter(
        round_id=request.round_id, step__lt=request.step
    ).exclude(status=RequestStatus.SIGNED)


def _refuse_unless_open(request: SignatureRequest) -> None:
    reason = refusal(request)
    if reason:
        raise ValidationError(refusal_message(reason), code=reason)


def _locked(request: SignatureRequest) -> tuple[SigningRound, SignatureRequest]:
    """Lock the round first, then the request: the one order every writer uses."""
    with scopes_disabled():
        # Only the round's row is locked (PostgreSQL refuses to lock the nullable side of
        # the outer join to sent_by, and the joined rows need no lock).
        round = (
            SigningRound.objects.select_for_update(of=("self",))
            .select_related("version", "agreement", "sent_by")
            .get(pk=request.round_id)
        )
        request = SignatureRequest.objects.select_for_update().get(pk=request.pk)
    request.round = round
    return round, request


# --- Sending ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    """A signatory the version names, as the snapshot holds them."""

    party_key: str
    signatory_key: str
    organisation: str
    name: str
    job_title: str
    email: str
    authority_label: str
    evidence: str
    is_penvoerder: bool


def _date(value: str | None) -> str:
    if not value:
        return ""
    parsed = datetime.fromisoformat(value)
    return formats.date_format(parsed, "j F Y")


def _evidence(signatory: dict) -> str:
    """The authority's evidence as recorded, in words (document language): "KvK extract
    (reference), 15 January 2026; checked by … on …"."""
    sources = {value: str(label) for value, label in EvidenceSource.choices}
    source = sources.get(signatory.get("evidence_source") or "", "")
    reference = signatory.get("evidence_reference") or ""
    document = f"{source} ({reference})" if source and reference else source or reference
    text = ", ".join(part for part in (document, _date(signatory.get("evidence_date"))) if part)
    if signatory.get("checked_by"):
        text += CHECKED_SEPARATOR + _("checked by %(name)s on %(date)s") % {
            "name": signatory["checked_by"],
            "date": _date(signatory.get("checked_at")),
        }
    return text


def signers_of(version: AgreementVersion) -> list[Signer]:
    """Every signatory the version's document names: each of them signs."""
    snapshot = version.snapshot
    result = []
    with translation.override(settings.LANGUAGE_CODE):
        for party in snapshot.get("parties", []):
            for signatory in party.get("signatories", []):
                result.append(
                    Signer(
                        party_key=party["key"],
                        signatory_key=signatory["key"],
                        organisation=party["name"],
                        name=signatory["name"],
                        job_title=signatory.get("job_title") or "",
                        email=signatory.get("email") or "",
                        authority_label=signatory.get("authority_label") or "",
                        evidence=_evidence(signatory),
                        is_penvoerder=party["key"] == snapshot.get("penvoerder"),
                    )
                )
    return result


def _steps(signers: list[Signer], order: str, steps: dict[str, int] | None) -> dict[str, int]:
    if order == ORDER_PENVOERDER_LAST:
        return {s.signatory_key: 2 if s.is_penvoerder else 1 for s in signers}
    if order == ORDER_CUSTOM:
        given = {s.signatory_key: (steps or {}).get(s.signatory_key, 1) for s in signers}
        # Dense turns (1, 2, 3 …) whatever numbers were typed.
        dense = {value: index for index, value in enumerate(sorted(set(given.values())), 1)}
        return {key: dense[value] for key, value in given.items()}
    return {s.signatory_key: 1 for s in signers}


def latest_version(agreement_id: int) -> AgreementVersion | None:
    return AgreementVersion.objects.filter(agreement_id=agreement_id).order_by("-number").first()


def round_send(
    *,
    version: AgreementVersion,
    user,
    deadline: datetime,
    order: str = ORDER_PARALLEL,
    steps: dict[str, int] | None = None,
) -> SigningRound:
    """Send the version for signing: one request per signatory it names, links e-mailed.

    Refuses a version that is not the latest or has no PDF yet, a version everyone already
    signed, a deadline in the past or more than a year ahead, and signatories without an
    e-mail address. An open round of an older version is voided first (its signers are told).
    """
    now = timezone.now()
    errors = []
    if deadline <= now + timedelta(hours=1):
        errors.append(_("The deadline must be in the future."))
    if deadline > now + MAX_DEADLINE:
        errors.append(_("The deadline can be at most a year from now."))
    with transaction.atomic():
        agreement = version.agreement
        type(agreement).objects.select_for_update().filter(pk=agreement.pk).first()
        latest = latest_version(agreement.pk)
        if latest is None or latest.pk != version.pk:
            errors.append(_("Only the latest version can be sent for signing."))
        if not version.pdf_sha256:
            errors.append(_("The PDF of this version is not ready yet."))
        if SigningRound.objects.filter(version=version, status=RoundStatus.COMPLETED).exists():
            errors.append(_("Everyone has already signed this version."))
        signers = signers_of(version)
        if not signers:
            errors.append(_("The version names no signatories."))
        missing = [s.name for s in signers if not s.email]
        if missing:
            errors.append(
                _("These signatories have no e-mail address: %(names)s.")
                % {"names": ", ".join(missing)}
            )
        if errors:
            raise ValidationError(errors)
        for open_round in SigningRound.objects.filter(agreement=agreement, status="open"):
            round_void(
                open_round,
                user=user,
                reason=_("Replaced by a new round for version %(number)s.")
                % {"number": version.number},
            )
        turns = _steps(signers, order, steps)
        round = SigningRound.objects.create(
            partnership_id=version.partnership_id,
            agreement=agreement,
            version=version,
            ordered=len(set(turns.values())) > 1,
            deadline=deadline,
            sent_by=user,
        )
        by_key = {
            str(s.code): s
            for s in Signatory.objects.filter(
                partnership_id=version.partnership_id,
                code__in=[signer.signatory_key for signer in signers],
            )
        }
        requests = []
        for signer in signers:
            request = SignatureRequest(
                partnership_id=version.partnership_id,
                round=round,
                signatory=by_key.get(signer.signatory_key),
                party_key=signer.party_key,
                signatory_key=signer.signatory_key,
                organisation_name=signer.organisation,
                name=signer.name,
                job_title=signer.job_title,
                email=signer.email,
                authority_label=signer.authority_label,
                evidence=signer.evidence,
                is_penvoerder=signer.is_penvoerder,
                step=turns[signer.signatory_key],
            )
            _new_salt(request)
            requests.append(request)
        SignatureRequest.objects.bulk_create(requests)
        first = min(turns.values())
        for request in requests:
            request.round = round
            if request.step == first:
                _invite(request, actor=_person(user))
    return round


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def _signer_actor(request: SignatureRequest) -> str:
    return f"{request.name} <{request.email}>"


def _mail_context(request: SignatureRequest, **extra) -> dict:
    round = request.round
    return {
        "request": request,
        "round": round,
        "partnership": round.version.snapshot.get("partnership", {}),
        "version_number": round.version.number,
        "deadline": round.deadline,
        "link": mail.sign_url(token_for(request)),
        "sender": round.sent_by,
        **extra,
    }


def _invite(
    request: SignatureRequest, *, actor: str, kind: str = "sent", extra: dict | None = None
) -> None:
    now = timezone.now()
    SignatureRequest.objects.filter(pk=request.pk).update(invited_at=now)
    request.invited_at = now
    record(
        kind,
        agreement=request.round.agreement,
        request=request,
        actor=actor,
        data={"email": request.email, "turn": request.step, **(extra or {})},
    )
    mail.send("invitation", _mail_context(request), [request.email])


# --- The signatory's steps --------------------------------------------------------------


@dataclass(frozen=True)
class Client:
    """Where a step came from: kept as evidence."""

    ip_address: str | None
    user_agent: str

    @classmethod
    def of(cls, http_request) -> "Client":
        meta = http_request.META
        ip = meta.get("REMOTE_ADDR") or None
        if settings.SIGNING_TRUST_X_FORWARDED_FOR and meta.get("HTTP_X_FORWARDED_FOR"):
            ip = meta["HTTP_X_FORWARDED_FOR"].split(",")[-1].strip() or ip
        try:
            ip = str(ipaddress.ip_address(ip)) if ip else None
        except ValueError:
            ip = None  # a malformed header is no evidence
        return cls(ip, (meta.get("HTTP_USER_AGENT") or "")[:500])

    def data(self) -> dict:
        return {"ip": self.ip_address or "", "user_agent": self.user_agent}


def request_open(request: SignatureRequest, *, client: Client) -> None:
    """The first opening of a link is an event; later ones are not."""
    if request.opened_at is not None:
        return
    with transaction.atomic():
        updated = SignatureRequest.objects.filter(pk=request.pk, opened_at=None).update(
            opened_at=timezone.now()
        )
        if updated:
            record(
                "opened",
                agreement=request.round.agreement,
                request=request,
                actor=_signer_actor(request),
                data=client.data(),
            )


def code_send(request: SignatureRequest, *, client: Client, in_person_with: str = "") -> None:
    """A new six-digit code to the signatory's e-mail address, valid for ten minutes.

    At most CODES_PER_HOUR codes an hour; a new code replaces the previous one and resets
    the number of tries."""
    with transaction.atomic():
        round, request = _locked(request)
        _refuse_unless_open(request)
        now = timezone.now()
        recent = request.code_sent_at and now - request.code_sent_at < timedelta(hours=1)
        if recent and request.codes_sent >= CODES_PER_HOUR:
            raise ValidationError(
                _("Too many codes were asked for. Try again in an hour."), code="rate"
            )
        code = f"{secrets.randbelow(1_000_000):06d}"
        request.code_hash = code_hash(request, code)
        request.codes_sent = (request.codes_sent if recent else 0) + 1
        request.code_sent_at = now
        request.code_expires_at = now + CODE_TTL
        request.code_attempts = 0
        request.save(
            update_fields=[
                "code_hash",
                "codes_sent",
                "code_sent_at",
                "code_expires_at",
                "code_attempts",
            ]
        )
        record(
            "code_sent",
            agreement=round.agreement,
            request=request,
            actor=_signer_actor(request),
            data={**client.data(), "email": request.email, "in_person_with": in_person_with},
        )
        mail.send("code", _mail_context(request, code=code, minutes=10), [request.email])


def code_verify(
    request: SignatureRequest, code: str, *, client: Client, in_person_with: str = ""
) -> None:
    """Confirm the code; raises ValidationError (code "wrong", "expired", "locked", "none")."""
    code = (code or "").strip().replace(" ", "")
    with transaction.atomic():
        round, request = _locked(request)
        _refuse_unless_open(request)
        now = timezone.now()
        if not request.code_hash:
            raise ValidationError(_("Ask for a code first."), code="none")
        if request.code_attempts >= CODE_MAX_TRIES:
            raise ValidationError(
                _("The code is locked after %(tries)s wrong tries. Ask for a new code.")
                % {"tries": CODE_MAX_TRIES},
                code="locked",
            )
        if request.code_expires_at is None or now >= request.code_expires_at:
            raise ValidationError(
                _("The code has expired. Ask for a new code."), code="code_expired"
            )
        if not (code.isdigit() and len(code) == 6) or not hmac.compare_digest(
            code_hash(request, code), request.code_hash
        ):
            request.code_attempts += 1
            request.save(update_fields=["code_attempts"])
            left = CODE_MAX_TRIES - request.code_attempts
            kind = "code_locked" if left <= 0 else "code_failed"
            record(
                kind,
                agreement=round.agreement,
                request=request,
                actor=_signer_actor(request),
                data=client.data(),
            )
            if left <= 0:
                error = ValidationError(
                    _("The code is locked after %(tries)s wrong tries. Ask for a new code.")
                    % {"tries": CODE_MAX_TRIES},
                    code="locked",
                )
            else:
                error = ValidationError(
                    _("That code is not right. %(left)s tries left.") % {"left": left},
                    code="wrong",
                )
            # Raised after the transaction, so the failed try stays counted.
            _raise_after_commit = error
        else:
            _raise_after_commit = None
            request.code_verified_at = now
            request.code_hash = ""
            request.save(update_fields=["code_verified_at", "code_hash"])
            record(
                "code_verified",
                agreement=round.agreement,
                request=request,
                actor=_signer_actor(request),
                data={**client.data(), "in_person_with": in_person_with},
            )
    if _raise_after_commit is not None:
        raise _raise_after_commit


def statement_for(request: SignatureRequest) -> str:
    """The statement the signatory confirms: who they sign for, as what, on what authority
    and where that shows (the evidence's document, not who checked it)."""
    label = request.authority_label
    authority = label[:1].lower() + label[1:]
    values = {
        "organisation": request.organisation_name,
        "job_title": request.job_title or _("signatory"),
        "authority": authority,
        "evidence": request.evidence.split(CHECKED_SEPARATOR, 1)[0],
    }
    if values["evidence"]:
        return (
            _(
                "I sign on behalf of %(organisation)s as %(job_title)s and am authorised to do "
                "so as %(authority)s, as shown by: %(evidence)s."
            )
            % values
        )
    return (
        _(
            "I sign on behalf of %(organisation)s as %(job_title)s and am authorised to do so "
            "as %(authority)s."
        )
        % values
    )


def _name_key(name: str) -> list[str]:
    """A name's words without accents, dots or case: "J.P. Gérritsen" → ["j", "p", "gerritsen"]."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return re.findall(r"[a-z]+", folded)


def name_matches(typed: str, recorded: str) -> bool:
    """Whether a typed name can be the recorded signatory's: it has at least two words and
    ends with the recorded family name ("P. Gerritsen" or "Peter Gerritsen" for Peter
    Gerritsen; not "Peter", not "Jan Jansen"). Initials and first names may vary."""
    typed_words, recorded_words = _name_key(typed), _name_key(recorded)
    if len(typed_words) < 2 or not recorded_words:
        return False
    return typed_words[-1] == recorded_words[-1]


def _check_name(typed: str, request: SignatureRequest, *, field: str = "typed_name") -> None:
    if not name_matches(typed, request.name):
        raise ValidationError(
            {
                field: _(
                    "Type the full name of %(name)s, who is asked to sign. If that is not you, "
                    "tell the project leader that you are not the right person."
                )
                % {"name": request.name}
            },
            code="name_mismatch",
        )


def clean_typed_name(value: str) -> str:
    name = " ".join((value or "").split())
    if len(name) < 2 or not any(ch.isalpha() for ch in name):
        raise ValidationError(_("Type your full name."), code="name")
    if len(name) > 200:
        raise ValidationError(_("A name can be at most 200 characters."), code="name")
    return name


def clean_signature_image(value: str) -> str:
    """ "" or a PNG as a data: URL of at most MAX_SIGNATURE_IMAGE characters."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > MAX_SIGNATURE_IMAGE or not value.startswith(PNG_PREFIX):
        raise ValidationError(
            _("The drawn signature could not be read. Draw it again or leave it empty."),
            code="image",
        )
    try:
        raw = base64.b64decode(value[len(PNG_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValidationError(
            _("The drawn signature could not be read. Draw it again or leave it empty."),
            code="image",
        ) from error
    if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValidationError(
            _("The drawn signature could not be read. Draw it again or leave it empty."),
            code="image",
        )
    return value


def request_sign(
    request: SignatureRequest,
    *,
    typed_name: str,
    statement_confirmed: bool,
    shown_pdf_sha256: str,
    client: Client,
    signature_image: str = "",
    in_person_with: str = "",
) -> SignatureRequest:
    """Sign: needs the code confirmed within VERIFIED_TTL, the statement confirmed and the
    typed name; the PDF shown must be the version's. Completes the round when it was the last
    signature; in order, the next turn is invited."""
    typed_name = clean_typed_name(typed_name)
    signature_image = clean_signature_image(signature_image)
    if not statement_confirmed:
        raise ValidationError(_("Confirm the statement to sign."), code="statement")
    with transaction.atomic():
        round, request = _locked(request)
        _refuse_unless_open(request)
        _check_name(typed_name, request)
        now = timezone.now()
        if request.code_verified_at is None or now - request.code_verified_at > VERIFIED_TTL:
            raise ValidationError(
                _("Confirm your e-mail address with a code first."), code="unverified"
            )
        if shown_pdf_sha256 != round.version.pdf_sha256:
            raise ValidationError(
                _("The document you were shown is not this version's. Reload the page."),
                code="document",
            )
        request.status = RequestStatus.SIGNED
        request.method = SignMethod.IN_PERSON if in_person_with else SignMethod.ONLINE
        request.signed_at = now
        request.typed_name = typed_name
        request.statement = statement_for(request)
        request.signature_image = signature_image
        request.ip_address = client.ip_address
        request.user_agent = client.user_agent
        request.shown_pdf_sha256 = shown_pdf_sha256
        request.in_person_with = in_person_with[:300]
        request.save()
        record(
            "signed_in_person" if in_person_with else "signed",
            agreement=round.agreement,
            request=request,
            actor=_signer_actor(request),
            data={
                **client.data(),
                "typed_name": typed_name,
                "statement": request.statement,
                "pdf_sha256": shown_pdf_sha256,
                "code_verified_at": request.code_verified_at.isoformat(),
                "authority": request.authority_label,
                "evidence": request.evidence,
                "drawn_signature_sha256": hashlib.sha256(signature_image.encode()).hexdigest()
                if signature_image
                else "",
                "in_person_with": in_person_with,
            },
        )
        if not in_person_with:
            mail.send("signed_receipt", _mail_context(request), [request.email])
        _after_signature(round)
    return request


def _after_signature(round: SigningRound) -> None:
    """Invite the next turn, or complete the round when nobody is left (round locked)."""
    requests = list(SignatureRequest.objects.filter(round=round).order_by("step", "pk"))
    unsigned = [r for r in requests if r.status != RequestStatus.SIGNED]
    if not unsigned:
        round.status = RoundStatus.COMPLETED
        round.completed_at = timezone.now()
        round.save(update_fields=["status", "completed_at"])
        record(
            "completed", agreement=round.agreement, round=round, data={"signatures": len(requests)}
        )
        _mark_parties_signed(round, requests)
        from agreements.tasks import seal_round

        transaction.on_commit(partial(seal_round.enqueue, round.pk))
        return
    if round.ordered:
        turn = min(r.step for r in unsigned)
        for request in unsigned:
            if (
                request.step == turn
                and request.status == RequestStatus.PENDING
                and request.invited_at is None
            ):
                request.round = round
                _invite(request, actor="Sterk")


def _mark_parties_signed(round: SigningRound, requests: list[SignatureRequest]) -> None:
    """Every party that signed is at the pipeline's "signed" stage now (with the move in its
    history), unless it was paused or ended meanwhile."""
    from partners.models import Organisation, Stage
    from partners.services.organisations import organisation_move

    parties = Organisation.objects.filter(
        partnership_id=round.partnership_id,
        code__in={r.party_key for r in requests},
    ).exclude(stage__in=[Stage.SIGNED, Stage.PAUSED, Stage.ENDED])
    for organisation in parties:
        organisation_move(organisation=organisation, stage=Stage.SIGNED, user=round.sent_by)


def request_decline(request: SignatureRequest, *, reason: str, client: Client) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why you decline, so the project leader can act on it."))
    if len(reason) > 2000:
        raise ValidationError(_("The reason can be at most 2000 characters."))
    with transaction.atomic():
        round, request = _locked(request)
        _refuse_unless_open(request)
        request.status = RequestStatus.DECLINED
        request.reason = reason
        request.save(update_fields=["status", "reason"])
        record(
            "declined",
            agreement=round.agreement,
            request=request,
            actor=_signer_actor(request),
            data={**client.data(), "reason": reason},
        )
        mail.send("declined", _mail_context(request), mail.leader_addresses(round.partnership_id))


def request_redirect(
    request: SignatureRequest, *, name: str, email: str, note: str, client: Client
) -> None:
    """ "I am not the right person": who is, so the project leader can fix the signatory."""
    name = " ".join((name or "").split())
    note = (note or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Name the person who can sign.")
    elif len(name) > 300:
        errors["name"] = _("A name can be at most 300 characters.")
    if email:
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
        if len(email) > 254:
            errors["email"] = _("Enter a valid e-mail address.")
    if len(note) > 2000:
        errors["note"] = _("The note can be at most 2000 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        round, request = _locked(request)
        _refuse_unless_open(request)
        request.status = RequestStatus.REDIRECTED
        request.suggested_name = name
        request.suggested_email = email
        request.reason = note
        request.save(update_fields=["status", "suggested_name", "suggested_email", "reason"])
        record(
            "redirected",
            agreement=round.agreement,
            request=request,
            actor=_signer_actor(request),
            data={**client.data(), "name": name, "email": email, "note": note},
        )
        mail.send("redirected", _mail_context(request), mail.leader_addresses(round.partnership_id))


# --- The project leader's follow-up -----------------------------------------------------


def _require_open(round: SigningRound) -> None:
    if round.status != RoundStatus.OPEN:
        raise ValidationError(_("This signing round is no longer open."))


def request_remind(request: SignatureRequest, *, user=None, kind: str = "reminded") -> None:
    """Send the link again (by a leader, or by the reminder command). A leader's reminder
    within REMIND_COOLDOWN of the previous one is refused, so a double click sends one."""
    with transaction.atomic():
        round, request = _locked(request)
        _require_open(round)
        reason = refusal(request)
        if reason:
            raise ValidationError(refusal_message(reason))
        now = timezone.now()
        last = request.last_reminded_at
        if user is not None and last and now - last < REMIND_COOLDOWN:
            raise ValidationError(
                _("%(name)s was reminded less than an hour ago; remind them later.")
                % {"name": request.name},
                code="too_soon",
            )
        request.last_reminded_at = now
        request.reminders_sent += 1
        fields = ["last_reminded_at", "reminders_sent"]
        if kind == "deadline_warned":
            request.deadline_warned_at = now
            fields.append("deadline_warned_at")
        request.save(update_fields=fields)
        record(
            kind,
            agreement=round.agreement,
            request=request,
            actor=_person(user) if user else "Sterk",
            data={"email": request.email},
        )
        mail.send(
            "deadline" if kind == "deadline_warned" else "reminder",
            _mail_context(request),
            [request.email],
        )


def round_extend(round: SigningRound, *, deadline: datetime, user) -> None:
    """A later deadline; links that expired work again and their signatories are told."""
    with transaction.atomic():
        round = (
            SigningRound.objects.select_for_update()
            .select_related("agreement", "version")
            .get(pk=round.pk)
        )
        _require_open(round)
        now = timezone.now()
        if deadline <= max(now, round.deadline):
            raise ValidationError(
                _("The new deadline must be later than the current one and in the future.")
            )
        if deadline > now + MAX_DEADLINE:
            raise ValidationError(_("The deadline can be at most a year from now."))
        old = round.deadline
        round.deadline = deadline
        round.save(update_fields=["deadline"])
        reopened = list(SignatureRequest.objects.filter(round=round, status=RequestStatus.EXPIRED))
        SignatureRequest.objects.filter(pk__in=[r.pk for r in reopened]).update(
            status=RequestStatus.PENDING, deadline_warned_at=None
        )
        record(
            "extended",
            agreement=round.agreement,
            round=round,
            actor=_person(user),
            data={"from": old.isoformat(), "to": deadline.isoformat(), "reopened": len(reopened)},
        )
        for request in SignatureRequest.objects.filter(
            round=round, status=RequestStatus.PENDING
        ).exclude(invited_at=None):
            request.round = round
            mail.send("extended", _mail_context(request), [request.email])


def request_revoke(request: SignatureRequest, *, reason: str, user) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason."))
    if len(reason) > 2000:
        raise ValidationError(_("The reason can be at most 2000 characters."))
    with transaction.atomic():
        round, request = _locked(request)
        _require_open(round)
        if request.status == RequestStatus.SIGNED:
            raise ValidationError(_("A signature cannot be revoked; void the round instead."))
        if request.status == RequestStatus.REVOKED:
            raise ValidationError(_("This request is already revoked."))
        request.status = RequestStatus.REVOKED
        request.reason = reason
        request.save(update_fields=["status", "reason"])
        record(
            "revoked",
            agreement=round.agreement,
            request=request,
            actor=_person(user),
            data={"reason": reason},
        )


def request_reissue(request: SignatureRequest, *, user, email: str | None = None) -> None:
    """A new link for a request that was revoked, declined, redirected or expired (the old
    link stops working); the signatory is e-mailed again, at a corrected address when one is
    given (the change is in the audit trail)."""
    from django.core.validators import validate_email

    email = (email or "").strip()
    if email:
        if len(email) > 254:
            raise ValidationError({"email": _("Enter a valid e-mail address.")})
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError({"email": _("Enter a valid e-mail address.")}) from error
    with transaction.atomic():
        round, request = _locked(request)
        _require_open(round)
        if request.status == RequestStatus.SIGNED:
            raise ValidationError(_("This signatory has already signed."))
        if timezone.now() >= round.deadline:
            raise ValidationError(_("The deadline has passed; extend it first."))
        previous = request.email
        if email:
            request.email = email
        _new_salt(request)
        request.status = RequestStatus.PENDING
        request.opened_at = None
        request.code_hash = ""
        request.code_verified_at = None
        request.code_attempts = 0
        request.save()
        changed = {"previous_email": previous} if email and email != previous else {}
        if round.ordered and _earlier_unsigned(request).exists():
            record(
                "reissued",
                agreement=round.agreement,
                request=request,
                actor=_person(user),
                data={"email": request.email, **changed},
            )
            SignatureRequest.objects.filter(pk=request.pk).update(invited_at=None)
        else:
            _invite(request, actor=_person(user), kind="reissued", extra=changed)


def round_void(round: SigningRound, *, reason: str, user) -> None:
    """Void the round: no link works any more, a sealed PDF is reported void by the verify
    page, and everyone who signed is told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason."))
    if len(reason) > 2000:
        raise ValidationError(_("The reason can be at most 2000 characters."))
    with transaction.atomic():
        round = (
            SigningRound.objects.select_for_update()
            .select_related("agreement", "version")
            .get(pk=round.pk)
        )
        if round.status == RoundStatus.VOIDED:
            raise ValidationError(_("This signing round is already void."))
        round.status = RoundStatus.VOIDED
        round.voided_at = timezone.now()
        round.voided_by = user
        round.void_reason = reason
        round.save(update_fields=["status", "voided_at", "voided_by", "void_reason"])
        record(
            "voided",
            agreement=round.agreement,
            round=round,
            actor=_person(user),
            data={"reason": reason},
        )
        signed = SignatureRequest.objects.filter(round=round, status=RequestStatus.SIGNED)
        for request in signed:
            request.round = round
            mail.send("voided", _mail_context(request, reason=reason), [request.email])


def request_paper(
    request: SignatureRequest, *, scan, signed_by: str, signed_on: datetime, user
) -> None:
    """Record a wet-ink signature: the uploaded scan (its SHA-256 in the trail), who signed
    and when."""
    from django.core.files.base import ContentFile

    _check_name(signed_by, request, field="signed_by")
    with transaction.atomic():
        round, request = _locked(request)
        _require_open(round)
        reason = refusal(request)
        if request.status == RequestStatus.SIGNED:
            raise ValidationError(_("This signatory has already signed."))
        if reason in {"voided", "superseded"}:
            raise ValidationError(refusal_message(reason))
        data = scan.read()
        digest = hashlib.sha256(data).hexdigest()
        extension = (scan.name.rsplit(".", 1)[-1] if "." in scan.name else "pdf").lower()
        request.scan.save(f"{request.code}.{extension}", ContentFile(data), save=False)
        request.scan_sha256 = digest
        request.status = RequestStatus.SIGNED
        request.method = SignMethod.PAPER
        request.signed_at = signed_on
        request.typed_name = " ".join(signed_by.split())[:200]
        request.statement = statement_for(request)
        request.in_person_with = _person(user)
        request.save()
        record(
            "signed_on_paper",
            agreement=round.agreement,
            request=request,
            actor=_person(user),
            data={
                "scan_sha256": digest,
                "signed_by": request.typed_name,
                "signed_on": signed_on.isoformat(),
            },
        )
        _after_signature(round)


# --- Reminders and expiry (the cron command) --------------------------------------------


def send_reminders(*, now: datetime | None = None) -> dict[str, int]:
    """Remind after 5 days, then every 3; warn 2 days before the deadline; expire after it.

    Idempotent: what was done is stored on the request, so running twice sends nothing more.
    """
    now = now or timezone.now()
    counts = {"reminded": 0, "deadline_warned": 0, "expired": 0}
    with scopes_disabled():
        rounds = SigningRound.objects.filter(status=RoundStatus.OPEN).select_related(
            "agreement", "version"
        )
        for round in rounds:
            pending = list(
                SignatureRequest.objects.filter(round=round, status=RequestStatus.PENDING).exclude(
                    invited_at=None
                )
            )
            if now >= round.deadline:
                counts["expired"] += _expire(round, pending)
                continue
            for request in pending:
                request.round = round
                if round.deadline - now <= DEADLINE_WARNING and request.deadline_warned_at is None:
                    kind = "deadline_warned"
                else:
                    due = (
                        request.invited_at + FIRST_REMINDER
                        if request.reminders_sent == 0 or request.last_reminded_at is None
                        else request.last_reminded_at + NEXT_REMINDER
                    )
                    if now < due:
                        continue
                    kind = "reminded"
                # A link that cannot be used (its version was superseded by one not sent yet,
                # or it was signed or revoked since it was read above) gets no reminder, and
                # must not stop the run for every other round.
                try:
                    request_remind(request, kind=kind)
                except ValidationError:
                    continue
                counts[kind] += 1
    return counts


def _expire(round: SigningRound, pending: list[SignatureRequest]) -> int:
    if not pending:
        return 0
    with transaction.atomic():
        # Under the round's lock, the one every signature takes first, and read again: a
        # signature that came in since `pending` was read is not overwritten with "expired".
        round = (
            SigningRound.objects.select_for_update()
            .select_related("agreement", "version")
            .get(pk=round.pk)
        )
        if round.status != RoundStatus.OPEN:
            return 0
        pending = list(
            SignatureRequest.objects.filter(round=round, status=RequestStatus.PENDING).exclude(
                invited_at=None
            )
        )
        if not pending:
            return 0
        SignatureRequest.objects.filter(pk__in=[r.pk for r in pending]).update(
            status=RequestStatus.EXPIRED
        )
        for request in pending:
            request.round = round
            record(
                "expired",
                agreement=round.agreement,
                request=request,
                actor="Sterk",
                data={"deadline": round.deadline.isoformat()},
            )
        mail.send(
            "expired_leader",
            {"round": round, "version_number": round.version.number, "requests": pending},
            mail.leader_addresses(round.partnership_id),
        )
    return len(pending)
