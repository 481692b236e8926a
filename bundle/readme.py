"""LEESMIJ.txt: what the bundle holds and how to check it, in Dutch whatever the interface
(the accountant reads it, like the annual statement's PDF). Built from the data only, no
time of building, so the same data gives the same text (docs/rules.md §24)."""

from django.conf import settings

from bundle.archive import CHANGED, MANIFEST, MISSING
from bundle.contents import AGREEMENT, EVIDENCE, LEDGER, STATEMENT, STATEMENTS, Contents


def _scope(year: int | None, scheme) -> str:
    if year is not None:
        return f"het jaar {year}"
    return f"de hele periode {scheme.start_year}–{scheme.end_year}"


def readme_text(
    *, partnership, scheme, year: int | None, penvoerder: str, contents: Contents
) -> bytes:
    scope = _scope(year, scheme)
    lines = [
        f"Dossier voor de accountant — {partnership.name}",
        "=" * 60,
        "",
        f"Sterk Techniekonderwijs, {scheme.name}. Regio {partnership.region}.",
        f"Penvoerder: {penvoerder or 'nog niet gekozen'}.",
        f"Dit dossier gaat over {scope}. Het is gemaakt met Sterk uit de gegevens zoals ze",
        "op dat moment waren; dezelfde gegevens geven hetzelfde dossier (dezelfde SHA-256",
        f"van {MANIFEST}).",
        "",
        "Wat staat waar",
        "--------------",
        "",
        f"{LEDGER}",
        "    Het grootboek: elke bijdrage (status, toegezegde en gerealiseerde hoeveelheid en",
        "    waarde, de verklaring die haar certificeerde, de bewijsstukken met hun SHA-256),",
        "    elke kostenregel, de financiering en een regel per bewijsstuk.",
        f"{STATEMENT}",
        f"    De jaarverantwoording van {scope}: de samenvatting bij het grootboek. De PDF",
        "    noemt de SHA-256 van het grootboek, zodat de twee bij elkaar horen.",
        f"{STATEMENTS}/<organisatie>/",
        "    De ondertekende verklaringen cofinanciering van de bedrijven, verzegeld door",
        f"    Sterk ({contents.statement_count} in dit dossier). De naam noemt het jaar, het",
        "    nummer en het begin van het kenmerk; het grootboek noemt bij elke bijdrage de",
        "    verklaring die haar certificeerde (kolom Kenmerk van de verklaring).",
        *(
            [
                f"    {contents.unsealed_statement_count} ondertekende verklaring(en) zijn nog niet",
                "    verzegeld en ontbreken daarom; maak het dossier later opnieuw.",
            ]
            if contents.unsealed_statement_count
            else []
        ),
        f"{EVIDENCE}/<organisatie>/",
        "    De bewijsstukken bij de bijdragen van elke organisatie. De naam van een bestand",
        "    begint met het jaar en de eerste acht tekens van het kenmerk van de regel in het",
        "    grootboek (kolom Kenmerk), gevolgd door de oorspronkelijke bestandsnaam.",
        f"{contents.cost_folder}/",
        "    De bewijsstukken bij de kostenregels van het project (de penvoerder).",
        f"    In totaal {contents.evidence_count} bewijsstukken.",
    ]
    if contents.organisation_folders:
        lines += ["", "    Mappen per organisatie:"]
        lines += [f"    - {folder}: {name}" for folder, name in contents.organisation_folders]
    lines += ["", f"{AGREEMENT}/"]
    agreement = contents.agreement
    if agreement is None:
        lines.append("    Er is nog geen ondertekende samenwerkingsovereenkomst.")
    else:
        lines.append(
            f"    De samenwerkingsovereenkomst die geldt: versie {agreement['version']},"
            " door alle partijen ondertekend."
        )
        if agreement["sealed"]:
            lines += [
                f"    {agreement['path'].rsplit('/', 1)[1]}: het verzegelde document. Achterin",
                "    staan de ondertekeningspagina en het auditcertificaat (elke stap van de",
                "    ondertekening, met de hashketen).",
            ]
        else:
            lines.append(
                "    Het verzegelde document is nog niet klaar; maak het dossier later opnieuw."
            )
        lines += [
            f"    audittrail-v{agreement['version']}.csv: dezelfde stappen als gegevens",
            "    (nummer, tijd, gebeurtenis, door wie, hash en vorige hash).",
        ]
    lines.append(
        "    Toetredingsakten (partijen die later toetraden): "
        + (f"{contents.accession_deed_count}." if contents.accession_deed_count else "geen.")
    )
    lines += [
        "",
        f"{MANIFEST}",
        "    Elk bestand van dit dossier (behalve de manifest zelf) met zijn grootte in bytes",
        "    en SHA-256. Kolommen: path, size, sha256, status, recorded_sha256.",
        "    status OK: het bestand is er en klopt met wat Sterk bij het uploaden vastlegde.",
        f"    status {MISSING}: het bestand ontbrak bij het maken van het dossier; grootte en",
        "    SHA-256 zijn die welke Sterk vastlegde.",
        f"    status {CHANGED}: de inhoud wijkt af van de SHA-256 die Sterk vastlegde",
        "    (recorded_sha256).",
        "",
        "Controleren",
        "-----------",
        "",
        "De SHA-256 van een bestand berekent u bijvoorbeeld met `sha256sum bestand` (Linux),",
        "`shasum -a 256 bestand` (macOS) of `certutil -hashfile bestand SHA256` (Windows).",
        "Een verzegelde PDF (overeenkomst, verklaringen) controleert u ook op",
        f"{settings.SITE_URL}/verify/ : daar ziet u of het document echt is en onveranderd.",
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")
