"""Reads of agreements: the agreement, its versions, and their signing (through the signing
service's records of the agreement's chain). Each runs a fixed number of queries."""

from agreements.models import Agreement, AgreementVersion
from agreements.signing import KIND, chain_key
from signing import selectors as signing_selectors
from signing.models import SigningRound


def agreement_of(partnership) -> Agreement | None:
    return Agreement.objects.filter(partnership=partnership).select_related("penvoerder").first()


def penvoerder_name(partnership) -> str:
    """The penvoerder's name ("" when none is chosen), for the company statements."""
    agreement = agreement_of(partnership)
    return agreement.penvoerder.name if agreement and agreement.penvoerder else ""


def versions_of(partnership):
    """The partnership's versions, newest first (a view picks one by its code)."""
    return AgreementVersion.objects.filter(partnership=partnership).select_related(
        "created_by", "agreement"
    )


def current_round(partnership) -> SigningRound | None:
    """The agreement's open round, else the last one sent."""
    return signing_selectors.current_round(chain=chain_key(partnership.pk))


def completed_rounds(partnership) -> list[SigningRound]:
    """Every completed round of the agreement, newest version first: the first is the
    agreement in force. One query."""
    rounds = signing_selectors.completed_rounds(chain=chain_key(partnership.pk))
    return sorted(rounds, key=lambda r: -int(r.document.details.get("version") or 0))


def signed_version_ids(rounds: list[SigningRound]) -> frozenset[int]:
    return frozenset(int(r.document.subject) for r in rounds)


def rounds_of_version(version: AgreementVersion) -> list[SigningRound]:
    """The rounds of one version, newest first (one query)."""
    return list(
        SigningRound.objects.filter(
            partnership_id=version.partnership_id,
            document__kind=KIND,
            document__subject=str(version.pk),
        )
        .select_related("sent_by", "document")
        .order_by("-sent_at", "-pk")
    )


def open_round_of(partnership) -> SigningRound | None:
    return (
        SigningRound.objects.filter(chain=chain_key(partnership.pk), status="open")
        .select_related("document")
        .first()
    )
