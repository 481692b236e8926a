"""What an import did (or, on a dry run, would do)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cofinancing.importer.spec import SHEETS

CREATED = "created"
CHANGED = "changed"
UNCHANGED = "unchanged"

# The preview lists at most this many created and changed rows per sheet.
PREVIEW_ROWS = 100


@dataclass(frozen=True)
class CellError:
    """A problem in the workbook, located as precisely as it can be: sheet, row, column."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        if self.sheet and self.row and self.column:
            place = _("%(sheet)s, row %(row)s, column %(column)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "column": self.column,
            }
        elif self.sheet and self.row:
            place = _("%(sheet)s, row %(row)s") % {"sheet": self.sheet, "row": self.row}
        elif self.sheet and self.column:
            place = _("%(sheet)s, column %(column)s") % {
                "sheet": self.sheet,
                "column": self.column,
            }
        else:
            place = self.sheet
        return f"{place}: {self.message}" if place else self.message


@dataclass(frozen=True)
class RowChange:
    sheet: str
    row: int
    action: str  # CREATED or CHANGED
    label: str
    # What a CHANGED row changes: FieldChanges (cofinancing/importer/differences.py).
    fields: tuple = ()


@dataclass
class SheetCounts:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    # Rows already in the database that the workbook does not mention: left as they are.
    untouched: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.changed + self.unchanged + self.rejected


@dataclass(frozen=True)
class SheetReport:
    name: str
    counts: SheetCounts
    created: list
    changed: list
    more_created: int
    more_changed: int


@dataclass
class ImportResult:
    """Counts per sheet (keyed by sheet name, in workbook order), every error, the partnership.

    `partnership` is None only on a dry run for a slug that does not exist yet.
    """

    slug: str
    dry_run: bool
    partnership: object = None
    partnership_created: bool = False
    budget_created: bool = False
    counts: dict[str, SheetCounts] = field(
        default_factory=lambda: {name: SheetCounts() for name in SHEETS}
    )
    errors: list[CellError] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def error_messages(self) -> list[str]:
        return [str(error) for error in self.errors]

    @property
    def untouched(self) -> int:
        return sum(counts.untouched for counts in self.counts.values())

    @property
    def sheets(self) -> list[SheetReport]:
        """Per sheet its counts and the first created and changed rows, for the preview."""
        reports = []
        for name, counts in self.counts.items():
            created = [c for c in self.changes if c.sheet == name and c.action == CREATED]
            changed = [c for c in self.changes if c.sheet == name and c.action == CHANGED]
            reports.append(
                SheetReport(
                    name=name,
                    counts=counts,
                    created=created[:PREVIEW_ROWS],
                    changed=changed[:PREVIEW_ROWS],
                    more_created=max(0, len(created) - PREVIEW_ROWS),
                    more_changed=max(0, len(changed) - PREVIEW_ROWS),
                )
            )
        return reports
