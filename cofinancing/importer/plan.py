"""Check every row of the workbook and compare it with the database. Nothing here writes.

The outcome is a Plan: per sheet, which rows create a record, which change one and which
leave one as it is, matched on natural keys so that importing the same workbook twice
changes nothing:

- organisation: its name, ignoring case, within the partnership;
- activity: its code, ignoring case (as the activities app does);
- contribution: organisation, activity code, year, kind and description;
- cost line: year, category, description and activity;
- funding line: year, source and description.

Every problem is collected with its sheet, row and column, so a person sees all of them at
once. Contributions are valued by cofinancing/valuation.py with the scheme's default rate,
exactly as the contribution form does.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from activities.models import Activity
from cofinancing.importer.budget_rows import COST_LINE_FIELDS, FUNDING_LINE_FIELDS, BudgetRows
from cofinancing.importer.cells import CellValueError, choice, date, text, whole
from cofinancing.importer.common import ABSENT, BAD, Planned, name_key, quote
from cofinancing.importer.contribution_rows import CONTRIBUTION_FIELDS, ContributionRows
from cofinancing.importer.differences import FieldChange, differences, label_of, show
from cofinancing.importer.reading import Row
from cofinancing.importer.result import (
    CHANGED,
    CREATED,
    UNCHANGED,
    CellError,
    ImportResult,
    RowChange,
)
from cofinancing.importer.spec import (
    ACTIVITIES,
    ORGANISATION_KINDS,
    ORGANISATIONS,
    PARTNERSHIP,
    PARTNERSHIP_FIELDS,
    SECTORS,
    YES_NO,
)
from cofinancing.models import Budget, Contribution, CostLine, FundingLine, Scheme
from cofinancing.services.contributions import lock_budget
from partners.models import SCHOOL_KINDS, Organisation, Partnership
from partners.models.organisations import brin_validator, kvk_validator
from sterk.money import MAX_AMOUNT

__all__ = [
    "ACTIVITY_FIELDS", "CONTRIBUTION_FIELDS", "COST_LINE_FIELDS", "FUNDING_LINE_FIELDS",
    "ORGANISATION_FIELDS", "Plan", "Planned", "make_plan",
]  # fmt: skip

ORGANISATION_FIELDS = (
    "name", "kind", "sector", "kvk_number", "brin_code", "city", "business_override",
    "business_justification",
)  # fmt: skip
ACTIVITY_FIELDS = ("short_code", "title", "form", "start_date", "end_date", "other_funding")


@dataclass
class Settings:
    name: str
    scheme: Scheme | None
    start_year: int | None
    end_year: int | None


@dataclass
class Plan:
    slug: str
    partnership: Partnership | None
    settings: Settings
    budget: Budget | None
    organisations: list[Planned] = field(default_factory=list)
    activities: list[Planned] = field(default_factory=list)
    contributions: list[Planned] = field(default_factory=list)
    cost_lines: list[Planned] = field(default_factory=list)
    funding_lines: list[Planned] = field(default_factory=list)
    existing_organisations: dict = field(default_factory=dict)  # key → Organisation
    existing_activities: dict = field(default_factory=dict)  # key → Activity


def _kvk(value) -> str:
    # Excel drops the leading zero of a KvK number typed as a number: 01234567 → 1234567.
    result = text(value, max_length=8)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and result.isdigit():
        result = result.zfill(8)
    return result


class Planner(ContributionRows, BudgetRows):
    def __init__(self, rows: dict[str, list[Row]], *, partnership, slug, result: ImportResult):
        self.rows = rows
        self.partnership = partnership
        self.slug = slug
        self.result = result
        self.scheme: Scheme | None = None
        # (row number, field) a row leaves unsaid: the database's value is kept.
        self.unsaid: set[tuple[int, str]] = set()

    # --- helpers ---------------------------------------------------------------------------

    def fail(self, sheet, row, column, message) -> None:
        self.result.errors.append(
            CellError(message=str(message), sheet=sheet, row=row, column=column)
        )

    def get(self, sheet, row: Row, column: str, convert, *, required=False, **options):
        try:
            value = convert(row.cells[column], **options)
        except CellValueError as error:
            self.fail(sheet, row.number, column, error)
            return BAD
        if required and (value is None or value == ""):
            if "words" in options:
                message = _("Fill in one of: %(words)s.") % {"words": ", ".join(options["words"])}
            else:
                message = _("Fill in this cell.")
            self.fail(sheet, row.number, column, message)
            return BAD
        return value

    def optional(self, sheet, row: Row, column: str, convert, **options):
        """A cell of an optional column, or ABSENT when the workbook has no such column."""
        if column not in row.cells:
            return ABSENT
        return self.get(sheet, row, column, convert, **options)

    def year(self, sheet, row: Row, column="Jaar"):
        year = self.get(sheet, row, column, whole, required=True, minimum=1900, maximum=2100)
        scheme = self.scheme
        if year is not BAD and scheme and not scheme.start_year <= year <= scheme.end_year:
            self.fail(
                sheet,
                row.number,
                column,
                _("Choose a year of the scheme %(scheme)s: %(first)s to %(last)s.")
                % {"scheme": scheme.code, "first": scheme.start_year, "last": scheme.end_year},
            )
            return BAD
        return year

    def known_activity(self, sheet, row: Row, column: str, code) -> None:
        if code and code is not BAD and name_key(code) not in self.activity_keys:
            self.fail(
                sheet,
                row.number,
                column,
                _("There is no activity with the code “%(code)s” in the sheet %(sheet)s or in "
                  "this partnership.") % {"code": quote(code), "sheet": ACTIVITIES},
            )  # fmt: skip

    def positive_amount(self, sheet, row: Row, column: str, value, *, maximum=MAX_AMOUNT):
        if value is BAD or value is None:
            return
        if value <= 0:
            self.fail(sheet, row.number, column, _("Enter a number above zero."))
        elif value > maximum:
            self.fail(
                sheet,
                row.number,
                column,
                _("Enter at most %(maximum)s.") % {"maximum": f"{maximum:,.0f}".replace(",", ".")},
            )

    def record(self, sheet, planned: Planned, label: str, *, ref_changes=()) -> Planned:
        """Created, changed or unchanged; a change lists each field as "label: old → new".

        `ref_changes` are FieldChanges of the references outside `fields` (the lead
        organisation of an activity)."""
        existing = planned.existing
        counts = self.result.counts[sheet]
        changes = [] if existing is None else differences(existing, planned.fields)
        if existing is None:
            planned.action = CREATED
            counts.created += 1
        elif changes or ref_changes:
            planned.action = CHANGED
            counts.changed += 1
        else:
            planned.action = UNCHANGED
            counts.unchanged += 1
        if planned.action != UNCHANGED:
            self.result.changes.append(
                RowChange(
                    sheet=sheet,
                    row=planned.row,
                    action=planned.action,
                    label=label,
                    fields=(*changes, *ref_changes),
                )
            )
        return planned

    def duplicate(self, sheet, row: Row, column: str, seen: dict, key, *, what=()) -> bool:
        """Two rows with one natural key would import as one record: refuse the second."""
        if key in seen:
            self.fail(
                sheet,
                row.number,
                column,
                _("Row %(row)s has the same %(what)s; each row must differ in at least one.")
                % {"row": seen[key], "what": ", ".join(what or (column,))},
            )
            return True
        seen[key] = row.number
        return False

    # --- the database as it is -------------------------------------------------------------

    def load_existing(self) -> None:
        partnership = self.partnership
        self.budget = None
        self.organisations_db: list[Organisation] = []
        self.activities_db: list[Activity] = []
        self.contributions_db: list[Contribution] = []
        self.cost_lines_db: list[CostLine] = []
        self.funding_lines_db: list[FundingLine] = []
        if partnership is None:
            return
        self.budget = (
            Budget.objects.filter(partnership=partnership).select_related("scheme").first()
        )
        if self.budget is not None:
            # The machine guard reads the claims below and the import writes them: no other
            # guarded write of this partnership comes in between.
            lock_budget(self.budget)
        self.organisations_db = list(
            Organisation.objects.filter(partnership=partnership).order_by("-pk")
        )
        self.activities_db = list(Activity.objects.filter(partnership=partnership).order_by("-pk"))
        self.contributions_db = list(
            Contribution.objects.filter(partnership=partnership).order_by("-pk")
        )
        self.cost_lines_db = list(CostLine.objects.filter(partnership=partnership).order_by("-pk"))
        self.funding_lines_db = list(
            FundingLine.objects.filter(partnership=partnership).order_by("-pk")
        )

    # --- Samenwerkingsverband --------------------------------------------------------------

    def settings(self) -> Settings:
        sheet = PARTNERSHIP
        found: dict[str, Row] = {}
        for row in self.rows[sheet]:
            given = text(row.cells["Veld"], max_length=10_000, multiline=True)
            label = {f.casefold(): f for f in PARTNERSHIP_FIELDS}.get(given.casefold(), given)
            if label not in PARTNERSHIP_FIELDS:
                self.fail(
                    sheet,
                    row.number,
                    "Veld",
                    _("Use one of: %(fields)s.") % {"fields": ", ".join(PARTNERSHIP_FIELDS)},
                )
            elif label in found:
                self.fail(
                    sheet,
                    row.number,
                    "Veld",
                    _("%(field)s is already on row %(row)s.")
                    % {"field": label, "row": found[label].number},
                )
            else:
                found[label] = row
        for label in PARTNERSHIP_FIELDS:
            if label not in found:
                self.fail(
                    sheet, None, "Veld", _("The row %(field)s is missing.") % {"field": label}
                )

        def value(label, convert, **options):
            if label not in found:
                return BAD
            return self.get(sheet, found[label], "Waarde", convert, required=True, **options)

        name = value("Naam", text, max_length=200)
        code = value("Regeling", text, max_length=40)
        start = value("Startjaar", whole, minimum=2000, maximum=2100)
        end = value("Eindjaar", whole, minimum=2000, maximum=2100)
        if start is not BAD and end is not BAD and end < start:
            self.fail(
                sheet,
                found["Eindjaar"].number,
                "Waarde",
                _("The end year cannot be before the start year."),
            )
        schemes = {scheme.code: scheme for scheme in Scheme.objects.all()}
        scheme = schemes.get(code.lower()) if code is not BAD else None
        if code is not BAD and scheme is None:
            self.fail(
                sheet,
                found["Regeling"].number,
                "Waarde",
                _("Choose one of the schemes: %(codes)s.") % {"codes": ", ".join(schemes)},
            )
        self.scheme = scheme
        if self.budget is not None:
            # The budget's scheme values the existing contributions; an import does not
            # silently revalue them under another scheme.
            self.scheme = self.budget.scheme
            if scheme is not None and scheme.pk != self.budget.scheme_id:
                self.fail(
                    sheet,
                    found["Regeling"].number,
                    "Waarde",
                    _("The budget of this partnership uses the scheme %(current)s, not "
                      "%(given)s. Change the scheme of the budget first, or import into "
                      "another partnership.")
                    % {"current": self.budget.scheme.code, "given": scheme.code},
                )  # fmt: skip
        counts = self.result.counts[sheet]
        if self.result.errors and any(e.sheet == sheet for e in self.result.errors):
            counts.rejected = 1
        elif self.partnership is None:
            counts.created = 1
        elif self.budget is None:
            counts.changed = 1
        else:
            counts.unchanged = 1
        return Settings(
            name="" if name is BAD else name,
            scheme=scheme,
            start_year=None if start is BAD else start,
            end_year=None if end is BAD else end,
        )

    # --- Organisaties ----------------------------------------------------------------------

    def organisations(self) -> list[Planned]:
        sheet = ORGANISATIONS
        existing = {name_key(o.name): o for o in self.organisations_db}
        self.organisation_keys = set(existing)
        planned, seen, matched = [], {}, set()
        for row in self.rows[sheet]:
            before = len(self.result.errors)
            get = self.get
            name = get(sheet, row, "Naam", text, required=True, max_length=200)
            kind = get(sheet, row, "Soort", choice, required=True, words=ORGANISATION_KINDS)
            sector = get(sheet, row, "Sector", choice, words=SECTORS, default="")
            kvk = get(sheet, row, "KvK-nummer", _kvk)
            brin = get(sheet, row, "BRIN", text, max_length=4)
            city = get(sheet, row, "Plaats", text, max_length=100)
            override = get(sheet, row, "Telt als bedrijfsleven", choice, words=YES_NO)
            justification = get(sheet, row, "Onderbouwing", text, max_length=2000, multiline=True)
            if name is not BAD:
                self.organisation_keys.add(name_key(name))
                self.duplicate(sheet, row, "Naam", seen, name_key(name))
            if kvk not in (BAD, ""):
                self._validate(sheet, row, "KvK-nummer", kvk_validator, kvk)
            elif kvk == "" and kind == "school_board":
                self.fail(
                    sheet,
                    row.number,
                    "KvK-nummer",
                    _("A school board (bevoegd gezag) is a legal entity: enter its KvK number."),
                )
            if brin not in (BAD, ""):
                brin = brin.upper()
                self._validate(sheet, row, "BRIN", brin_validator, brin)
                if kind is not BAD and kind not in SCHOOL_KINDS:
                    self.fail(sheet, row.number, "BRIN", _("Only schools have a BRIN code."))
            if override not in (BAD, None) and justification == "":
                self.fail(
                    sheet,
                    row.number,
                    "Onderbouwing",
                    _("Explain why this organisation does or does not count as business."),
                )
            if len(self.result.errors) > before:
                self.result.counts[sheet].rejected += 1
                continue
            key = name_key(name)
            match = existing.get(key)
            if match is not None:
                matched.add(match.pk)
            item = Planned(
                row=row.number,
                key=key,
                existing=match,
                fields={
                    "name": name,
                    "kind": kind,
                    "sector": sector or "",
                    "kvk_number": kvk,
                    "brin_code": brin,
                    "city": city,
                    "business_override": override,
                    "business_justification": justification if override is not None else "",
                },
            )
            planned.append(self.record(sheet, item, name))
        self.result.counts[sheet].untouched = len(self.organisations_db) - len(matched)
        return planned

    def _validate(self, sheet, row, column, validator, value) -> None:
        try:
            validator(value)
        except ValidationError as error:
            self.fail(sheet, row.number, column, " ".join(error.messages))

    def known_organisation(self, sheet, row: Row, column: str, name) -> None:
        if name and name is not BAD and name_key(name) not in self.organisation_keys:
            self.fail(
                sheet,
                row.number,
                column,
                _("There is no organisation named “%(name)s” in the sheet %(sheet)s or in "
                  "this partnership.") % {"name": quote(name), "sheet": ORGANISATIONS},
            )  # fmt: skip

    # --- Activiteiten ----------------------------------------------------------------------

    def activities(self, organisations: dict) -> list[Planned]:
        sheet = ACTIVITIES
        existing = {name_key(a.short_code): a for a in self.activities_db}
        self.activity_keys = set(existing)
        organisation_names = {o.pk: o.name for o in self.organisations_db}
        planned, seen, matched = [], {}, set()
        for row in self.rows[sheet]:
            before = len(self.result.errors)
            get = self.get
            code = get(sheet, row, "Code", text, required=True, max_length=20)
            title = get(sheet, row, "Titel", text, required=True, max_length=200)
            form = get(sheet, row, "Vorm", whole, required=True, minimum=1, maximum=8)
            lead = get(sheet, row, "Trekker", text, max_length=200)
            start = get(sheet, row, "Start", date)
            end = get(sheet, row, "Eind", date)
            funding = self.optional(sheet, row, "Andere financiering", text, max_length=200)
            if code is not BAD:
                self.activity_keys.add(name_key(code))
                self.duplicate(sheet, row, "Code", seen, name_key(code))
            self.known_organisation(sheet, row, "Trekker", lead)
            if start not in (BAD, None) and end not in (BAD, None) and end < start:
                self.fail(
                    sheet, row.number, "Eind", _("The end date cannot be before the start date.")
                )
            if len(self.result.errors) > before:
                self.result.counts[sheet].rejected += 1
                continue
            key = name_key(code)
            match = existing.get(key)
            lead_key = name_key(lead) if lead else None
            ref_changes = ()
            if match is not None:
                matched.add(match.pk)
                lead_now = organisations.get(lead_key) if lead_key else None
                lead_id = lead_now.pk if lead_now is not None else None
                # A lead that is new (not yet in the database) is always a change.
                if match.lead_organisation_id != lead_id or (
                    lead_key is not None and lead_now is None
                ):
                    lead_then = organisation_names.get(match.lead_organisation_id)
                    ref_changes = (
                        FieldChange(
                            label_of(Activity, "lead_organisation"),
                            show(None, lead_then),
                            show(None, lead),
                        ),
                    )
            item = Planned(
                row=row.number,
                key=key,
                existing=match,
                refs={"lead_organisation": lead_key},
                fields={
                    "short_code": code,
                    "title": title,
                    "form": form,
                    "start_date": start,
                    "end_date": end,
                    # A workbook without the column leaves the activity's funding as it is.
                    "other_funding": (match.other_funding if match else "")
                    if funding is ABSENT
                    else funding,
                },
            )
            planned.append(self.record(sheet, item, f"{code} {title}", ref_changes=ref_changes))
        self.result.counts[sheet].untouched = len(self.activities_db) - len(matched)
        return planned

    # --- all of it -------------------------------------------------------------------------

    def plan(self) -> Plan:
        self.load_existing()
        settings = self.settings()
        existing_organisations = {name_key(o.name): o for o in self.organisations_db}
        existing_activities = {name_key(a.short_code): a for a in self.activities_db}
        organisations = self.organisations()
        activities = self.activities(existing_organisations)
        return Plan(
            slug=self.slug,
            partnership=self.partnership,
            settings=settings,
            budget=self.budget,
            organisations=organisations,
            activities=activities,
            contributions=self.contributions(),
            cost_lines=self.cost_lines(),
            funding_lines=self.funding_lines(),
            existing_organisations=existing_organisations,
            existing_activities=existing_activities,
        )


def make_plan(rows, *, partnership, slug, result: ImportResult) -> Plan:
    """Validate every row and decide, per row, create / change / leave; errors go to result."""
    return Planner(rows, partnership=partnership, slug=slug, result=result).plan()
