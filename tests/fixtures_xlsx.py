"""Import workbooks built in memory for the import tests.

The sheet names and headers are written out here exactly as the people who fill in the
workbook see them (not taken from the importer), so a typo in the importer's headers makes
the tests fail.
"""

import datetime
from io import BytesIO

from openpyxl import Workbook

HEADERS = {
    "Samenwerkingsverband": ["Veld", "Waarde"],
    "Organisaties": [
        "Naam", "Soort", "Sector", "KvK-nummer", "BRIN", "Plaats", "Telt als bedrijfsleven",
        "Onderbouwing",
    ],
    "Activiteiten": ["Code", "Titel", "Vorm", "Trekker", "Start", "Eind"],
    "Bijdragen": [
        "Organisatie", "Activiteit", "Jaar", "Soort", "Omschrijving", "Bedrag", "Uren",
        "Uurtarief", "Onderbouwing uurtarief", "Eenheden", "Prijs per eenheid", "Aanschafwaarde",
        "Restwaarde", "Levensduur (maanden)", "Gebruik (maanden)", "Projectaandeel (%)",
        "Machine-ID", "Andere financiering", "Status",
    ],
    "Begroting": ["Jaar", "Kostensoort", "Omschrijving", "Prijs", "Aantal", "Activiteit"],
    "Dekking": ["Jaar", "Bron", "Omschrijving", "Bedrag"],
}  # fmt: skip

PARTNERSHIP = {
    "Naam": "Regio Twente Techniek",
    "Regeling": "sto-2025-2028",
    "Startjaar": 2025,
    "Eindjaar": 2028,
}

ORGANISATIONS = [
    {
        "Naam": "Metaalwerken Hengelo",
        "Soort": "bedrijf",
        "Sector": "metaal",
        "KvK-nummer": "12345678",
        "Plaats": "Hengelo",
    },
    {"Naam": "ROC van Twente", "Soort": "mbo", "BRIN": "25LH", "Plaats": "Enschede"},
    {
        "Naam": "OO-fonds Metaal",
        "Soort": "oo-fonds",
        "Telt als bedrijfsleven": "ja",
        "Onderbouwing": "Fonds van werkgevers in de metaal; besluit stuurgroep 12-03-2026.",
    },
]

ACTIVITIES = [
    {
        "Code": "A1",
        "Titel": "Gastlessen CNC",
        "Vorm": 3,
        "Trekker": "Metaalwerken Hengelo",
        "Start": datetime.date(2026, 1, 1),
        "Eind": "31-12-2026",
    },
    {"Code": "A2", "Titel": "Open werkplaats", "Vorm": 2, "Trekker": "ROC van Twente",
     "Start": "2026-01-31"},
]  # fmt: skip

# Worked examples of docs/rules.md §5 to §7 plus one of every other kind; EXPECTED_VALUES below.
CONTRIBUTIONS = [
    {"Organisatie": "Metaalwerken Hengelo", "Activiteit": "A1", "Jaar": 2026, "Soort": "uren",
     "Omschrijving": "30 gastlessen van 3 uur", "Uren": 90},
    {"Organisatie": "Metaalwerken Hengelo", "Activiteit": "A2", "Jaar": 2026,
     "Soort": "afschrijving", "Omschrijving": "CNC-draaibank", "Aanschafwaarde": 60000,
     "Levensduur (maanden)": 120, "Gebruik (maanden)": 12, "Projectaandeel (%)": 50,
     "Machine-ID": "CNC-001", "Status": "bevestigd"},
    {"Organisatie": "Metaalwerken Hengelo", "Jaar": 2027, "Soort": "geld",
     "Omschrijving": "Bijdrage in geld", "Bedrag": "1.234,56"},
    {"Organisatie": "OO-fonds Metaal", "Jaar": 2026, "Soort": "ruimte",
     "Omschrijving": "Werkplaats 20 dagdelen", "Eenheden": 20, "Prijs per eenheid": 250.0},
    {"Organisatie": "Metaalwerken Hengelo", "Jaar": 2026, "Soort": "lease",
     "Omschrijving": "Lease lasrobot", "Bedrag": 1500.5, "Status": "gerealiseerd"},
    {"Organisatie": "ROC van Twente", "Jaar": 2026, "Soort": "materiaal",
     "Omschrijving": "Lesmateriaal", "Bedrag": 750, "Andere financiering": "RIF 2024-17"},
    {"Organisatie": "Metaalwerken Hengelo", "Activiteit": "a1", "Jaar": 2027, "Soort": "uren",
     "Omschrijving": "Docentstage", "Uren": "10", "Uurtarief": "65,00",
     "Onderbouwing uurtarief": "GPL van de CAO VO"},
]  # fmt: skip

EXPECTED_VALUES = {
    "30 gastlessen van 3 uur": "4500.00",
    "CNC-draaibank": "3000.00",
    "Bijdrage in geld": "1234.56",
    "Werkplaats 20 dagdelen": "5000.00",
    "Lease lasrobot": "1500.50",
    "Lesmateriaal": "750.00",
    "Docentstage": "650.00",
}

COST_LINES = [
    {"Jaar": 2026, "Kostensoort": "personeel-intern", "Omschrijving": "Projectleider",
     "Prijs": 80, "Aantal": 100, "Activiteit": "A1"},
    {"Jaar": 2026, "Kostensoort": "huur", "Omschrijving": "Werkplaatshuur", "Prijs": "1.250,00",
     "Aantal": 2},
]  # fmt: skip

FUNDING_LINES = [
    {"Jaar": 2026, "Bron": "subsidie", "Omschrijving": "STO-subsidie", "Bedrag": 7500},
    {"Jaar": 2026, "Bron": "eigen-bijdrage-onderwijs", "Omschrijving": "Eigen bijdrage ROC",
     "Bedrag": "2.000,00"},
]  # fmt: skip

DEFAULT_ROWS = {
    "Organisaties": ORGANISATIONS,
    "Activiteiten": ACTIVITIES,
    "Bijdragen": CONTRIBUTIONS,
    "Begroting": COST_LINES,
    "Dekking": FUNDING_LINES,
}


def workbook(
    *,
    partnership=None,
    rows=None,
    drop_sheets=(),
    drop_columns=None,
    as_bytes=False,
):
    """A workbook with the default rows; `rows` replaces the rows of the sheets it names.

    Each row is a dict header → value; an unknown header is a KeyError, so a typo in a test
    cannot go unnoticed.
    """
    sheets = {**DEFAULT_ROWS, **(rows or {})}
    drop_columns = drop_columns or {}
    book = Workbook()
    book.remove(book.active)
    for name, headers in HEADERS.items():
        if name in drop_sheets:
            continue
        sheet = book.create_sheet(name)
        columns = [h for h in headers if h not in drop_columns.get(name, ())]
        sheet.append(columns)
        if name == "Samenwerkingsverband":
            for field, value in (PARTNERSHIP if partnership is None else partnership).items():
                sheet.append([field, value])
            continue
        for row in sheets[name]:
            unknown = set(row) - set(headers)
            if unknown:
                raise KeyError(f"not a header of {name}: {sorted(unknown)}")
            sheet.append([row.get(header) for header in columns])
    buffer = BytesIO()
    book.save(buffer)
    if as_bytes:
        return buffer.getvalue()
    buffer.seek(0)
    return buffer


def contribution_rows(count, *, organisation="Metaalwerken Hengelo", hours=10):
    """`count` labour contributions of `hours` hours at the default rate."""
    return [
        {"Organisatie": organisation, "Jaar": 2026, "Soort": "uren",
         "Omschrijving": f"Gastles {n}", "Uren": hours}
        for n in range(count)
    ]  # fmt: skip
