"""The sheets Begroting and Dekking: cost lines (with their realisation and eligibility,
docs/rules.md §20) and funding lines."""

from django.utils.translation import gettext as _

from cofinancing.importer.cells import choice, number, text
from cofinancing.importer.common import ABSENT, BAD, Planned, name_key
from cofinancing.importer.reading import Row
from cofinancing.importer.spec import (
    COST_CATEGORIES,
    COST_LINES,
    FUNDING_LINES,
    FUNDING_SOURCES,
    INELIGIBLE_REASONS,
    MAX_QUANTITY,
    WORDS,
    YES_NO,
)
from sterk.money import MAX_AMOUNT, round_money

COST_LINE_FIELDS = (
    "unit_price", "quantity", "amount", "realised_amount", "eligible", "ineligible_reason",
    "not_double_financed",
)  # fmt: skip
FUNDING_LINE_FIELDS = ("amount",)
# A column a workbook lacks keeps the line's value, or this one for a new line.
UNSAID_KEEPS = {
    "realised_amount": None,
    "eligible": True,
    "ineligible_reason": "",
    "not_double_financed": "",
}


class BudgetRows:
    """A part of the Planner (cofinancing/importer/plan.py)."""

    # --- Begroting -------------------------------------------------------------------------

    def cost_lines(self) -> list[Planned]:
        sheet = COST_LINES
        activity_codes = {a.pk: name_key(a.short_code) for a in self.activities_db}
        existing = {
            (c.year, c.category, c.description, activity_codes.get(c.activity_id, "")): c
            for c in self.cost_lines_db
        }
        planned, seen, matched = [], {}, set()
        for row in self.rows[sheet]:
            before = len(self.result.errors)
            get = self.get
            year = self.year(sheet, row)
            category = get(sheet, row, "Kostensoort", choice, required=True, words=COST_CATEGORIES)
            description = get(sheet, row, "Omschrijving", text, required=True, max_length=300)
            price = get(sheet, row, "Prijs", number, required=True)
            quantity = get(sheet, row, "Aantal", number, required=True)
            activity = get(sheet, row, "Activiteit", text, max_length=20)
            realisation = self._cost_realisation(sheet, row)
            self.known_activity(sheet, row, "Activiteit", activity)
            self.positive_amount(sheet, row, "Prijs", price)
            self.positive_amount(sheet, row, "Aantal", quantity, maximum=MAX_QUANTITY)
            if len(self.result.errors) == before and round_money(price * quantity) > MAX_AMOUNT:
                self.fail(
                    sheet,
                    row.number,
                    "Aantal",
                    _("Price × quantity exceeds %(maximum)s.") % {"maximum": "100.000.000"},
                )
            if len(self.result.errors) > before:
                self.result.counts[sheet].rejected += 1
                continue
            key = (year, category, description, name_key(activity))
            what = ("Jaar", "Kostensoort", "Omschrijving", "Activiteit")
            if self.duplicate(sheet, row, "Omschrijving", seen, key, what=what):
                self.result.counts[sheet].rejected += 1
                continue
            match = existing.get(key)
            if match is not None:
                matched.add(match.pk)
            for name, value in realisation.items():
                if value is ABSENT:  # the column is missing from the workbook: kept
                    realisation[name] = getattr(match, name) if match else UNSAID_KEEPS[name]
            item = Planned(
                row=row.number,
                key=key,
                existing=match,
                refs={"activity": key[3] or None},
                fields={
                    "year": year,
                    "category": category,
                    "description": description,
                    "unit_price": price,
                    "quantity": quantity,
                    "amount": round_money(price * quantity),
                    **realisation,
                },
            )
            label = f"{year} · {WORDS['cost_category'][category]} · {description}"
            planned.append(self.record(sheet, item, label))
        self.result.counts[sheet].untouched = len(self.cost_lines_db) - len(matched)
        return planned

    def _cost_realisation(self, sheet, row: Row) -> dict:
        """The optional columns of realisation and eligibility; ABSENT where a column is
        missing from the workbook (the line then keeps what it has)."""
        long_text = {"max_length": 2000, "multiline": True}
        realised = self.optional(sheet, row, "Gerealiseerd bedrag", number)
        if realised not in (BAD, None, ABSENT):
            if realised < 0:
                self.fail(sheet, row.number, "Gerealiseerd bedrag", _("Enter zero or more."))
            elif realised > MAX_AMOUNT:
                self.fail(
                    sheet, row.number, "Gerealiseerd bedrag", _("Enter at most %(maximum)s.")
                    % {"maximum": "100.000.000"},
                )  # fmt: skip
            realised = round_money(realised)
        eligible = self.optional(sheet, row, "Subsidiabel", choice, words=YES_NO)
        if eligible is None:
            eligible = True  # an empty cell: eligible, as a new line is
        reason = self.optional(
            sheet, row, "Reden niet subsidiabel", choice, words=INELIGIBLE_REASONS, default=""
        )
        if eligible is False and reason in ("", ABSENT):
            self.fail(
                sheet,
                row.number,
                "Reden niet subsidiabel",
                _("Fill in one of: %(words)s.") % {"words": ", ".join(INELIGIBLE_REASONS)},
            )
        elif eligible is True:
            reason = ""
        return {
            "realised_amount": realised,
            "eligible": eligible,
            "ineligible_reason": reason,
            "not_double_financed": self.optional(
                sheet, row, "Niet dubbel gefinancierd", text, **long_text
            ),
        }

    # --- Dekking ---------------------------------------------------------------------------

    def funding_lines(self) -> list[Planned]:
        sheet = FUNDING_LINES
        existing = {(f.year, f.source, f.description): f for f in self.funding_lines_db}
        planned, seen, matched = [], {}, set()
        for row in self.rows[sheet]:
            before = len(self.result.errors)
            get = self.get
            year = self.year(sheet, row)
            source = get(sheet, row, "Bron", choice, required=True, words=FUNDING_SOURCES)
            description = get(sheet, row, "Omschrijving", text, max_length=300)
            amount = get(sheet, row, "Bedrag", number, required=True)
            self.positive_amount(sheet, row, "Bedrag", amount)
            if len(self.result.errors) > before:
                self.result.counts[sheet].rejected += 1
                continue
            key = (year, source, description)
            what = ("Jaar", "Bron", "Omschrijving")
            if self.duplicate(sheet, row, "Omschrijving", seen, key, what=what):
                self.result.counts[sheet].rejected += 1
                continue
            match = existing.get(key)
            if match is not None:
                matched.add(match.pk)
            item = Planned(
                row=row.number,
                key=key,
                existing=match,
                fields={
                    "year": year,
                    "source": source,
                    "description": description,
                    "amount": amount,
                },
            )
            label = f"{year} · {WORDS['funding_source'][source]} · {description}".rstrip(" ·")
            planned.append(self.record(sheet, item, label))
        self.result.counts[sheet].untouched = len(self.funding_lines_db) - len(matched)
        return planned
