"""What the planner's parts share: the marker of an unreadable cell, a planned row, keys."""

from dataclasses import dataclass, field

from cofinancing.importer.result import CREATED

# A cell that could not be read; its error is already recorded.
BAD = object()
# An optional column the workbook does not have (cofinancing/importer/spec.py OPTIONAL).
ABSENT = object()

# Which column holds each valuation input, to place the valuation's messages.
INPUT_COLUMNS = {
    "kind": "Soort",
    "amount": "Bedrag",
    "hours": "Uren",
    "hourly_rate": "Uurtarief",
    "rate_justification": "Onderbouwing uurtarief",
    "units": "Eenheden",
    "unit_price": "Prijs per eenheid",
    "acquisition_value": "Aanschafwaarde",
    "residual_value": "Restwaarde",
    "life_months": "Levensduur (maanden)",
    "months_used": "Gebruik (maanden)",
    "project_share": "Projectaandeel (%)",
    "machine_id": "Machine-ID",
    "life_justification": "Onderbouwing levensduur",
}
SMALL_INT = 32767  # PositiveSmallIntegerField


@dataclass
class Planned:
    """One valid row: its key, the model fields it sets, and the record it matches."""

    row: int
    key: object
    fields: dict
    existing: object = None
    action: str = CREATED
    # Natural keys of the rows it points to: organisation, activity, lead organisation.
    refs: dict = field(default_factory=dict)


def name_key(name: str) -> str:
    return name.strip().casefold()


def quote(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."
