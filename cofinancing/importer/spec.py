"""The import workbook: its sheets, their headers and the Dutch words used in its cells.

Sheet names and headers are part of the contract with the people who fill
in the workbook (and with the export, which writes the same sheets), so they are Dutch and
never translated. The vocabularies map a cell's word to the code stored in the database;
`WORDS` gives the way back for writing a workbook.
"""

from decimal import Decimal

PARTNERSHIP = "Samenwerkingsverband"
ORGANISATIONS = "Organisaties"
ACTIVITIES = "Activiteiten"
CONTRIBUTIONS = "Bijdragen"
COST_LINES = "Begroting"
FUNDING_LINES = "Dekking"

# Headers in row 1, in this order in the template; a workbook may order them freely.
SHEETS: dict[str, tuple[str, ...]] = {
    PARTNERSHIP: ("Veld", "Waarde"),
    ORGANISATIONS: (
        "Naam", "Soort", "Sector", "KvK-nummer", "BRIN", "Plaats", "Telt als bedrijfsleven",
        "Onderbouwing",
    ),
    ACTIVITIES: ("Code", "Titel", "Vorm", "Trekker", "Start", "Eind"),
    CONTRIBUTIONS: (
        "Organisatie", "Activiteit", "Jaar", "Soort", "Omschrijving", "Bedrag", "Uren",
        "Uurtarief", "Onderbouwing uurtarief", "Eenheden", "Prijs per eenheid", "Aanschafwaarde",
        "Restwaarde", "Levensduur (maanden)", "Gebruik (maanden)", "Projectaandeel (%)",
        "Machine-ID", "Andere financiering", "Status",
    ),
    COST_LINES: ("Jaar", "Kostensoort", "Omschrijving", "Prijs", "Aantal", "Activiteit"),
    FUNDING_LINES: ("Jaar", "Bron", "Omschrijving", "Bedrag"),
}  # fmt: skip

# Columns added later: a workbook without them still imports, and what they hold is then left
# as it is (the realisation of a row marked realised follows docs/rules.md §20).
OPTIONAL: dict[str, tuple[str, ...]] = {
    ACTIVITIES: ("Andere financiering",),
    CONTRIBUTIONS: (
        "Onderbouwing levensduur", "Niet dubbel gefinancierd", "Realisatiedatum",
        "Gerealiseerde hoeveelheid", "Reden annulering",
    ),
    COST_LINES: (
        "Gerealiseerd bedrag", "Subsidiabel", "Reden niet subsidiabel", "Niet dubbel gefinancierd",
    ),
}  # fmt: skip


def columns(name: str) -> tuple[str, ...]:
    """Every column a sheet can have, as the template and the export write them."""
    return SHEETS[name] + OPTIONAL.get(name, ())


# The rows of the Samenwerkingsverband sheet (column Veld).
PARTNERSHIP_FIELDS = ("Naam", "Regeling", "Startjaar", "Eindjaar")

ORGANISATION_KINDS = {
    "bedrijf": "company",
    "brancheorganisatie": "branch_organisation",
    "bedrijvennetwerk": "company_network",
    "oo-fonds": "oo_fund",
    "gemeente": "municipality",
    "provincie": "province",
    "po": "primary_school",
    "vmbo": "vmbo",
    "mbo": "mbo",
    "hbo": "hbo",
    "schoolbestuur": "school_board",
    "overig": "other",
}
SECTORS = {
    "metaal": "metal",
    "bouw": "construction",
    "installatie": "installation",
    "technologische-industrie": "technology_industry",
    "ict": "ict",
    "zorg": "healthcare",
    "groen": "green",
    "mobiliteit": "mobility",
    "maritiem": "maritime",
    "energie": "energy",
    "overig": "other",
}
YES_NO = {"ja": True, "nee": False}
CONTRIBUTION_KINDS = {
    "geld": "money",
    "uren": "labour",
    "materiaal": "material",
    "ruimte": "room",
    "afschrijving": "depreciation",
    "lease": "lease",
}
CONTRIBUTION_STATUSES = {
    "toegezegd": "pledged",
    "bevestigd": "confirmed",
    "gerealiseerd": "realised",
    "gecertificeerd": "certified",
    "geannuleerd": "cancelled",
}
INELIGIBLE_REASONS = {
    "btw-terugvorderbaar": "recoverable_vat",
    "buiten-periode": "outside_period",
    "niet-in-plan": "not_in_plan",
    "elders-gefinancierd": "funded_elsewhere",
    "overig": "other",
}
COST_CATEGORIES = {
    "personeel-intern": "internal_personnel",
    "personeel-extern": "external_personnel",
    "materieel": "material",
    "afschrijving": "depreciation",
    "huur": "rent",
    "overig": "other",
}
FUNDING_SOURCES = {
    "subsidie": "subsidy",
    "eigen-bijdrage-onderwijs": "schools",
    "overig-publiek": "other_public",
    "overig": "other",
}


def _inverse(words: dict) -> dict:
    return {code: word for word, code in words.items()}


# Code → word, for writing a workbook that imports back to the same rows.
WORDS = {
    "organisation_kind": _inverse(ORGANISATION_KINDS),
    "sector": _inverse(SECTORS),
    "business_override": {True: "ja", False: "nee", None: ""},
    "contribution_kind": _inverse(CONTRIBUTION_KINDS),
    "contribution_status": _inverse(CONTRIBUTION_STATUSES),
    "cost_category": _inverse(COST_CATEGORIES),
    "ineligible_reason": _inverse(INELIGIBLE_REASONS),
    "funding_source": _inverse(FUNDING_SOURCES),
}

MAX_FILE_BYTES = 10 * 1024 * 1024
# A zip of 10 MB can unpack to gigabytes; real workbooks of that size stay far below this.
MAX_UNPACKED_BYTES = 250 * 1024 * 1024
MAX_ROWS = 20_000
# Any number beyond this is a typing error, whatever the column (the model fields hold 10^12).
MAX_NUMBER = Decimal("100000000000")
MAX_QUANTITY = Decimal("1000000")
