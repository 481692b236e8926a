"""The data of the signature page and audit certificate of a completed round (issue 7, item 4).

Read from the database once, in a fixed number of queries, into the plain dict that
agreements.sealing prints; times are ISO-8601 with their zone.
"""

from django.conf import settings
from django.utils import translation

from agreements.audit import chain_of, label
from agreements.models import RequestStatus, SigningRound


def _iso(value) -> str:
    return value.isoformat() if value else ""


def certificate_for(round: SigningRound) -> dict:
    version = round.version
    requests = list(
        round.requests.filter(status=RequestStatus.SIGNED).order_by("signed_at", "step", "pk")
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
            for event in chain_of(round.agreement_id).filter(round=round)
        ]
    partnership = version.snapshot.get("partnership", {})
    return {
        "partnership": {
            "name": partnership.get("name", ""),
            "region": partnership.get("region", ""),
            "slug": partnership.get("slug", ""),
        },
        "version": {
            "number": version.number,
            "code": str(version.code),
            "snapshot_sha256": version.snapshot_sha256,
            "pdf_sha256": version.pdf_sha256,
        },
        "round": {
            "code": str(round.code),
            "sent_at": _iso(round.sent_at),
            "completed_at": _iso(round.completed_at),
            "ordered": round.ordered,
            "deadline": _iso(round.deadline),
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
