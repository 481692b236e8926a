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

from django.db.models import Q
from django.utils.text import slugify

from agreements.selectors import agreement_of, completed_rounds
from bundle.archive import Member, fixed_ooxml
from cofinancing.models import Contribution, CostLine, Evidence, FundingLine
from cofinancing.reports.statement import statement_files
from signing.audit import chain_of

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


def signed_statements(partnership, year: int | None) -> list[Member]:
    """The sealed company statements of the year (docs/rules.md §24).

    TODO: company statements (CompanyStatement) are built on another branch; once merged,
    every statement of the year whose signing round is sealed goes in as
    verklaringen/<organisatie>/verklaring-<number>.pdf."""
    return []


def accession_deeds(partnership) -> list[Member]:
    """The accession deeds (toetredingsakten) of parties that joined the agreement later.
    Sterk has none yet: when it does, they go in under overeenkomst/toetredingsakten/."""
    return []


def _evidence(*, partnership, year, penvoerder_id, used: set[str]) -> tuple[list, dict, str]:
    items = list(
        Evidence.objects.filter(year_of_line(year), partnership=partnership)
        .select_related("contribution__organisation", "cost_line")
        .order_by("uploaded_at", "pk")
    )
    organisations = {
        item.contribution.organisation_id: item.contribution.organisation
        for item in items
        if item.contribution_id
    }
    folders = _folders(organisations)
    if penvoerder_id in folders:
        cost_folder = f"{EVIDENCE}/{folders[penvoerder_id]}/{PROJECT_COSTS}"
    else:
        cost_folder = f"{EVIDENCE}/{PROJECT_COSTS}"
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
    named = sorted(
        ((folders[pk], organisations[pk].name) for pk in organisations), key=lambda row: row[0]
    )
    return members, named, cost_folder


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
    """Every member but LEESMIJ.txt and MANIFEST.csv (bundle.services adds them)."""
    used: set[str] = {LEDGER, STATEMENT}
    agreement = agreement_of(partnership)
    pdf, ledger = statement_files(
        partnership=partnership, year=year, reference=None, finish_ledger=fixed_ooxml
    )
    contents = Contents(
        members=[Member(path=LEDGER, data=ledger), Member(path=STATEMENT, data=pdf)]
    )
    statements = signed_statements(partnership, year)
    used.update(member.path for member in statements)
    evidence, folders, cost_folder = _evidence(
        partnership=partnership,
        year=year,
        penvoerder_id=agreement.penvoerder_id if agreement else None,
        used=used,
    )
    agreement_members, agreement_info = _agreement(partnership, used)
    deeds = accession_deeds(partnership)
    contents.members += [*statements, *evidence, *agreement_members, *deeds]
    contents.evidence_count = len(evidence)
    contents.statement_count = len(statements)
    contents.organisation_folders = folders
    contents.cost_folder = cost_folder
    contents.agreement = agreement_info
    contents.accession_deed_count = len(deeds)
    return contents
