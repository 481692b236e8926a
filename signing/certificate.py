"""The data of the signature page and audit certificate of a completed round (docs/rules.md
§8): read once, in a fixed number of queries, into the plain dict signing.completion prints;
times are ISO-8601 with their zone."""

from django.conf import settings
from django.utils import translation

from signing.audit import chain_of, label
from signing.kinds import kind_of
from signing.models import RequestStatus, SigningRound


def _iso(value) -> str:
    return value.isoformat() if value else ""


def certificate_for(signing_round: SigningRound) -> dict:
    """Raises signing.kinds.UnknownKind for a document whose kind is not registered."""
    document = signing_round.document
    kind = kind_of(document)
    requests = list(
        signing_round.requests.filter(status=RequestStatus.SIGNED).order_by(
            "signed_at", "step", "pk"
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        events = [
            {
                "seq": event.seq,
                "at": _iso(event.at),
                "kind": event.kind,
                "label": label(event.kind),
                "actor": event.actor,
                # The signatory the event is about (a link sent by the project leader is
                # about a signatory); chain_of joins the request, so no query per event.
                "concerning": event.request.name if event.request_id else "",
                "hash": event.hash,
                "prev_hash": event.prev_hash,
            }
            for event in chain_of(signing_round.chain).filter(round=signing_round)
        ]
        lines = [[str(name), str(value)] for name, value in kind.signature_page(document)]
        kind_label = str(kind.label)
    return {
        "document": {
            "title": document.title,
            "code": str(document.code),
            "kind_label": kind_label,
            "pdf_sha256": document.pdf_sha256,
            "reference": str(document.details.get("reference") or ""),
        },
        "lines": lines,
        "round": {
            "code": str(signing_round.code),
            "sent_at": _iso(signing_round.sent_at),
            "completed_at": _iso(signing_round.completed_at),
            "ordered": signing_round.ordered,
            "deadline": _iso(signing_round.deadline),
        },
        "signatures": [
            {
                "organisation": r.organisation_name,
                "name": r.name,
                "job_title": r.job_title,
                "authority_label": r.authority_label,
                "evidence": r.evidence,
                "method": r.method,
                "signed_at": _iso(r.signed_at),
                "typed_name": r.typed_name,
                "statement": r.statement,
                "email": r.email,
                "code_verified_at": _iso(r.code_verified_at),
                "ip": r.ip_address or "",
                "user_agent": r.user_agent,
                "pdf_sha256": r.shown_pdf_sha256,
                "signature_image": r.signature_image,
                "scan_sha256": r.scan_sha256,
            }
            for r in requests
        ],
        "events": events,
    }
