"""What goes into the accountant's bundle (docs/rules.md §24), read in a fixed number of
queries whatever the number of lines or files:

    LEESMIJ.txt                                  what is where, in Dutch
    MANIFEST.csv                                 every file with its size and SHA-256
    ledger.xlsx                                  every cost line, contribution and file
    jaarverantwoording.pdf                       the annual statement (or of the period)
    verklaringen/<organisatie>/…                 the signed company statements (sealed)
    bewijsstukken/<organisatie>/…                evidence of the organisation's contributions
    bewijsstukken/<penvoerder>/projectkosten/…   evidence of the cost lines
    overeenkomst/…                               the agreement in force (sealed, with its
                                                 audit certificate) and its audit trail

The ledger and the statement are rendered from the data as it is now by the code of the
annual statement (cofinancing/reports/), with no time inside, so the same data gives the
same files.
"""

import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.text import slugify

from agreements.selectors import agreement_of, completed_rounds
from bundle.archive import Member, fixed_ooxml
from cofinancing.models import (
    CompanyStatement,
    Contribution,
    CostLine,
    Evidence,
    FundingLine,
    StatementStatus,
)
from cofinancing.reports.statement import statement_files
from signing.audit import chain_of
from signing.models import RoundStatus, SigningRound

LEDGER = "ledger.xlsx"
STATEMENT = "jaarverantwoording.pdf"
EVIDENCE = "bewijsstukken"
STATEMENTS = "verklaringen"
AGREEMENT = "overeenkomst"
PROJECT_COSTS = "projectkosten"


@dataclass
class Contents:
    """The members of a bundle and what LEESMIJ.txt says about them."""

    members: list[Member] = field(default_factory=list)
    evidence_count: int = 0
    statement_count: int = 0
    unsealed_statement_count: int = 0
    organisation_folders: list[tuple[str, str]] = field(default_factory=list)
    cost_folder: str = ""
    agreement: dict | None = None
    accession_deed_count: int = 0

    @property
    def estimated_size(self) -> int:
        return sum(len(m.data) if m.data is not None else m.recorded_size or 0 for m in self)

    def __iter__(self):
        return iter(self.members)


def safe_name(name: str, limit: int = 100) -> str:
    """A file name that is safe in any ZIP tool: no folders, control or reserved characters."""
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "_", name).strip(" .") or "bestand"
    if len(name) > limit:
        stem, dot, extension = name.rpartition(".")
        extension = extension[:10] if dot else ""
        name = f"{(stem if dot else name)[: limit - len(extension) - 1]}{dot}{extension}"
    return name


def _folders(organisations: dict) -> dict[int, str]:
    """One folder name per organisation (its name, slugified); names that come out the same
    get the start of the organisation's code, so every organisation has its own folder."""
    base = {pk: slugify(org.name)[:60] or "organisatie" for pk, org in organisations.items()}
    taken = Counter(base.values())
    return {
        pk: name if taken[name] == 1 else f"{name}-{str(organisations[pk].code)[:8]}"
        for pk, name in base.items()
    }


def _unique(path: str, used: set[str]) -> str:
    candidate, number = path, 1
    while candidate in used:
        number += 1
        stem, dot, extension = path.rpartition(".")
        candidate = (
            f"{stem}-{number}.{extension}" if dot and "/" not in extension else (f"{path}-{number}")
        )
    used.add(candidate)
    return candidate


def _opener(field_file):
    return lambda: field_file.open("rb")


def year_of_line(year):
    return Q() if year is None else Q(contribution__year=year) | Q(cost_line__year=year)


def has_data(*, partnership, year: int | None) -> bool:
    """Whether the year (or the period) has any line to account for."""
    scope = Q(partnership=partnership) & (Q() if year is None else Q(year=year))
    return any(
        model.objects.filter(scope).exists() for model in (Contribution, CostLine, FundingLine)
    )


def signed_statements(partnership, year: int | None) -> list[tuple]:
    """The signed company statements (docs/rules.md §23) the bundle holds, each with its
    completed round (or None): of the year, and those of the whole period that list a
    contribution of the year; for the period, every one. Three queries."""
    rounds = SigningRound.objects.filter(status=RoundStatus.COMPLETED).order_by(
        "-completed_at", "-pk"
    )
    scope = Q() if year is None else Q(year=year) | Q(year=None, contributions__year=year)
    statements = (
        CompanyStatement.objects.filter(
            scope, partnership=partnership, status=StatementStatus.SIGNED
        )
        .select_related("organisation", "document")
        .prefetch_related(Prefetch("document__rounds", queryset=rounds, to_attr="completed"))
        .distinct()
        .order_by("organisation__name", "organisation_id", "year", "number", "pk")
    )
    return [
        (
            statement,
            statement.document.completed[0]
            if statement.document and statement.document.completed
            else None,
        )
        for statement in statements
    ]


def _statement_members(statements, folders, used: set[str]) -> tuple[list[Member], int]:
    """The sealed PDF of each signed statement; one signed but not sealed yet is counted."""
    members, unsealed = [], 0
    for statement, signing_round in statements:
        if signing_round is None or not signing_round.final_pdf_sha256:
            unsealed += 1
            continue
        scope = statement.year or "periode"
        name = f"verklaring-{scope}-nr{statement.number}-{str(statement.code)[:8]}-verzegeld.pdf"
        members.append(
            Member(
                path=_unique(f"{STATEMENTS}/{folders[statement.organisation_id]}/{name}", used),
                opener=_opener(signing_round.final_pdf),
                recorded_sha256=signing_round.final_pdf_sha256,
            )
        )
    return members, unsealed


def accession_deeds(partnership) -> list[Member]:
    """The accession deeds (toetredingsakten) of parties that joined the agreement later.
    Sterk has none yet: when it does, they go in under overeenkomst/toetredingsakten/."""
    return []


def _evidence_items(*, partnership, year) -> list[Evidence]:
    return list(
        Evidence.objects.filter(year_of_line(year), partnership=partnership)
        .select_related("contribution__organisation", "cost_line")
        .order_by("uploaded_at", "pk")
    )


def _evidence(items, folders, cost_folder: str, used: set[str]) -> list[Member]:
    members = []
    for item in items:
        line = item.contribution or item.cost_line
        folder = (
            f"{EVIDENCE}/{folders[item.contribution.organisation_id]}"
            if item.contribution_id
            else cost_folder
        )
        name = f"{line.year}-{str(line.code)[:8]}-{safe_name(item.name)}"
        members.append(
            Member(
                path=_unique(f"{folder}/{name}", used),
                opener=_opener(item.file),
                recorded_sha256=item.sha256,
                recorded_size=item.size,
            )
        )
    return members


def _audit_trail(events) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("nummer", "tijd", "gebeurtenis", "door", "betreft", "hash", "vorige_hash"))
    for event in events:
        writer.writerow(
            (
                event.seq,
                event.at.isoformat(),
                event.kind,
                event.actor,
                event.request.name if event.request_id else "",
                event.hash,
                event.prev_hash,
            )
        )
    return buffer.getvalue().encode("utf-8")


def _agreement(partnership, used: set[str]) -> tuple[list[Member], dict | None]:
    """The agreement in force (the newest version with a completed round), sealed, and the
    audit trail of that round; the audit certificate is printed at the end of the PDF."""
    rounds = completed_rounds(partnership)
    if not rounds:
        return [], None
    signing_round = rounds[0]
    version = signing_round.document.details.get("version") or "?"
    info = {
        "version": version,
        "title": signing_round.document.title,
        "sealed": bool(signing_round.final_pdf_sha256),
        "completed_at": signing_round.completed_at,
    }
    members = [
        Member(
            path=_unique(f"{AGREEMENT}/audittrail-v{version}.csv", used),
            data=_audit_trail(chain_of(signing_round.chain).filter(round=signing_round)),
            compress=True,
        )
    ]
    if signing_round.final_pdf_sha256:
        path = _unique(f"{AGREEMENT}/samenwerkingsovereenkomst-v{version}-verzegeld.pdf", used)
        members.append(
            Member(
                path=path,
                opener=_opener(signing_round.final_pdf),
                recorded_sha256=signing_round.final_pdf_sha256,
            )
        )
        info["path"] = path
    return members, info


def bundle_contents(*, partnership, year: int | None) -> Contents:
    """Every member but LEESMIJ.txt and MANIFEST.csv (bundle.building adds them)."""
    used: set[str] = {LEDGER, STATEMENT}
    agreement = agreement_of(partnership)
    pdf, ledger = statement_files(
        partnership=partnership, year=year, reference=None, finish_ledger=fixed_ooxml
    )
    contents = Contents(
        members=[Member(path=LEDGER, data=ledger), Member(path=STATEMENT, data=pdf)]
    )
    statements = signed_statements(partnership, year)
    items = _evidence_items(partnership=partnership, year=year)
    organisations = {s.organisation_id: s.organisation for s, _round in statements}
    organisations.update(
        (item.contribution.organisation_id, item.contribution.organisation)
        for item in items
        if item.contribution_id
    )
    folders = _folders(organisations)
    penvoerder_id = agreement.penvoerder_id if agreement else None
    if penvoerder_id in folders:
        cost_folder = f"{EVIDENCE}/{folders[penvoerder_id]}/{PROJECT_COSTS}"
    else:
        cost_folder = f"{EVIDENCE}/{PROJECT_COSTS}"
    statement_members, unsealed = _statement_members(statements, folders, used)
    evidence = _evidence(items, folders, cost_folder, used)
    agreement_members, agreement_info = _agreement(partnership, used)
    deeds = accession_deeds(partnership)
    contents.members += [*statement_members, *evidence, *agreement_members, *deeds]
    contents.evidence_count = len(evidence)
    contents.statement_count = len(statement_members)
    contents.unsealed_statement_count = unsealed
    contents.organisation_folders = sorted(
        ((folders[pk], organisations[pk].name) for pk in organisations), key=lambda row: row[0]
    )
    contents.cost_folder = cost_folder
    contents.agreement = agreement_info
    contents.accession_deed_count = len(deeds)
    return contents
