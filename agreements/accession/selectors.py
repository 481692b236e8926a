"""Reads of deeds of accession and of the agreement in force (docs/rules.md §25). Each runs a
fixed number of queries."""

from dataclasses import dataclass, field

from agreements.models import ACCESSION_LIVE, Accession, AccessionStatus, AgreementVersion
from agreements.selectors import completed_rounds
from signing.models import RoundStatus, SigningRound


@dataclass
class InForce:
    """The agreement in force: the newest version everyone signed, and the signed deeds of
    accession to that version (a later version signed by all names those parties itself)."""

    round: SigningRound
    version: AgreementVersion
    accessions: list = field(default_factory=list)  # signed Accession rows, oldest first
    rounds: dict = field(default_factory=dict)  # accession pk → its completed SigningRound

    @property
    def party_keys(self) -> set[str]:
        keys = {party["key"] for party in self.version.snapshot.get("parties") or []}
        return keys | {str(accession.organisation.code) for accession in self.accessions}

    @property
    def sealed(self) -> bool:
        """Every part has its sealed PDF (so the whole can be downloaded as one)."""
        return bool(self.round.final_pdf_sha256) and all(
            self.rounds.get(a.pk) is not None and self.rounds[a.pk].final_pdf_sha256
            for a in self.accessions
        )


def accessions_of(partnership):
    return Accession.objects.filter(partnership=partnership).select_related(
        "organisation", "version", "created_by", "document"
    )


def in_force(partnership, rounds: list[SigningRound] | None = None) -> InForce | None:
    """The agreement in force, or None before everyone signed a version (four queries; three
    when the completed rounds are passed in)."""
    rounds = completed_rounds(partnership) if rounds is None else rounds
    if not rounds:
        return None
    signed_round = rounds[0]
    version = AgreementVersion.objects.get(pk=int(signed_round.document.subject))
    accessions = list(
        accessions_of(partnership)
        .filter(version=version, status=AccessionStatus.SIGNED)
        .order_by("number")
    )
    accession_rounds = {
        r.document_id: r
        for r in SigningRound.objects.filter(
            document_id__in=[a.document_id for a in accessions if a.document_id],
            status=RoundStatus.COMPLETED,
        )
    }
    return InForce(
        round=signed_round,
        version=version,
        accessions=accessions,
        rounds={a.pk: accession_rounds.get(a.document_id) for a in accessions},
    )


def live_accessions(partnership) -> dict[int, Accession]:
    """Organisation pk → its accession that is not declined or voided."""
    return {
        accession.organisation_id: accession
        for accession in Accession.objects.filter(
            partnership=partnership, status__in=ACCESSION_LIVE
        )
    }
