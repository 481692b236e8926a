"""The sheet Bijdragen: each row checked and valued as the contribution form does, the
realisation columns applied (docs/rules.md §20), and the machine guard run over the whole
workbook together with what stays in the database (docs/rules.md §7).

A row never certifies a contribution, and never changes one that is certified: only the
company's signed statement does that. The row is named instead.
"""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from cofinancing.importer.cells import choice, date, number, text, whole
from cofinancing.importer.common import (
    ABSENT,
    BAD,
    INPUT_COLUMNS,
    SMALL_INT,
    Planned,
    name_key,
)
from cofinancing.importer.reading import Row
from cofinancing.importer.spec import CONTRIBUTION_KINDS, CONTRIBUTION_STATUSES, CONTRIBUTIONS
from cofinancing.machines import MachineClaim, claim_errors, life_errors, machine_key
from cofinancing.models import PLEDGED_AND_UP, ContributionStatus
from cofinancing.services.contributions import (
    ALL_INPUTS,
    INPUTS,
    TEXT_INPUTS,
    machine_claim,
    realised_by_default,
    valuation_input,
)
from cofinancing.valuation import (
    DEPRECIATION,
    HUNDRED,
    LABOUR,
    QUANTITY_FIELD,
    ValuationError,
    is_sentence,
    realised_input,
    value_of,
)
from sterk.money import ZERO

CONTRIBUTION_FIELDS = (
    "status", "other_funding", "not_double_financed", "value", "realised_on",
    "realised_quantity", "realised_value", "cancel_reason", *ALL_INPUTS,
)  # fmt: skip
REALISATION = ("realised_on", "realised_quantity", "realised_value")
CERTIFIED = ContributionStatus.CERTIFIED
REALISED = ContributionStatus.REALISED
CANCELLED = ContributionStatus.CANCELLED


class ContributionRows:
    """A part of the Planner (cofinancing/importer/plan.py)."""

    def contributions(self) -> list[Planned]:
        sheet = CONTRIBUTIONS
        organisation_names = {o.pk: name_key(o.name) for o in self.organisations_db}
        activity_codes = {a.pk: name_key(a.short_code) for a in self.activities_db}
        existing = {
            (
                organisation_names.get(c.organisation_id, ""),
                activity_codes.get(c.activity_id, ""),
                c.year,
                c.kind,
                c.description,
            ): c
            for c in self.contributions_db
        }
        candidates, seen, matched = [], {}, set()
        for row in self.rows[sheet]:
            before = len(self.result.errors)
            fields, organisation, activity = self._contribution(sheet, row)
            if len(self.result.errors) > before:
                self.result.counts[sheet].rejected += 1
                continue
            key = (
                name_key(organisation),
                name_key(activity),
                fields["year"],
                fields["kind"],
                fields["description"],
            )
            what = ("Organisatie", "Activiteit", "Jaar", "Soort", "Omschrijving")
            if self.duplicate(sheet, row, "Omschrijving", seen, key, what=what):
                self.result.counts[sheet].rejected += 1
                continue
            match = existing.get(key)
            if match is not None:
                matched.add(match.pk)
            candidates.append((row, fields, organisation, key, match))

        planned = []
        claims = self._untouched_claims(matched)
        for row, fields, organisation, key, match in candidates:
            if match is not None:
                self._keep_unsaid(row, fields, match)
            if not self._may_change(sheet, row, fields, match) or not self._machine_ok(
                sheet, row, fields, organisation, claims
            ):
                self.result.counts[sheet].rejected += 1
                continue
            item = Planned(
                row=row.number,
                key=key,
                existing=match,
                refs={"organisation": key[0], "activity": key[1] or None},
                fields=fields,
            )
            label = f"{organisation} · {fields['description']} · {fields['year']}"
            planned.append(self.record(sheet, item, label))
        self.result.counts[sheet].untouched = len(self.contributions_db) - len(matched)
        return planned

    # --- one row ---------------------------------------------------------------------------

    def _contribution(self, sheet, row: Row):
        get = self.get
        organisation = get(sheet, row, "Organisatie", text, required=True, max_length=200)
        activity = get(sheet, row, "Activiteit", text, max_length=20)
        year = self.year(sheet, row)
        kind = get(sheet, row, "Soort", choice, required=True, words=CONTRIBUTION_KINDS)
        description = get(sheet, row, "Omschrijving", text, required=True, max_length=300)
        long_text = {"max_length": 2000, "multiline": True}
        inputs = {
            "amount": get(sheet, row, "Bedrag", number),
            "hours": get(sheet, row, "Uren", number),
            "hourly_rate": get(sheet, row, "Uurtarief", number),
            "rate_justification": get(sheet, row, "Onderbouwing uurtarief", text, **long_text),
            "units": get(sheet, row, "Eenheden", number),
            "unit_price": get(sheet, row, "Prijs per eenheid", number),
            "acquisition_value": get(sheet, row, "Aanschafwaarde", number),
            "residual_value": get(sheet, row, "Restwaarde", number),
            "life_months": get(
                sheet, row, "Levensduur (maanden)", whole, minimum=0, maximum=SMALL_INT
            ),
            "months_used": get(
                sheet, row, "Gebruik (maanden)", whole, minimum=0, maximum=SMALL_INT
            ),
            "project_share": get(sheet, row, "Projectaandeel (%)", number, percent=True),
            "machine_id": get(sheet, row, "Machine-ID", text, max_length=100),
            "life_justification": self.optional(
                sheet, row, "Onderbouwing levensduur", text, **long_text
            ),
        }
        other_funding = get(sheet, row, "Andere financiering", text, max_length=300)
        not_double = self.optional(sheet, row, "Niet dubbel gefinancierd", text, **long_text)
        status = get(sheet, row, "Status", choice, words=CONTRIBUTION_STATUSES, default="pledged")
        realised_on = self.optional(sheet, row, "Realisatiedatum", date)
        realised_quantity = self.optional(sheet, row, "Gerealiseerde hoeveelheid", number)
        cancel_reason = self.optional(sheet, row, "Reden annulering", text, **long_text)
        realised_on = None if realised_on is ABSENT else realised_on
        realised_quantity = None if realised_quantity is ABSENT else realised_quantity
        cancel_reason = "" if cancel_reason is ABSENT else cancel_reason
        self.known_organisation(sheet, row, "Organisatie", organisation)
        self.known_activity(sheet, row, "Activiteit", activity)
        value = BAD
        used = INPUTS.get(kind, ()) if kind is not BAD else ()
        if inputs["life_justification"] is ABSENT:
            inputs["life_justification"] = ""  # the column is missing: kept as it is, below
            self.unsaid.add((row.number, "life_justification"))
        if (
            kind is not BAD
            and self.scheme is not None
            and all(inputs[name] is not BAD for name in used)
        ):
            value = self._value(sheet, row, kind, inputs)
        if kind == DEPRECIATION and inputs["machine_id"] not in (BAD, None):
            self._machine_inputs(sheet, row, year, inputs)
        fields = {"year": year, "kind": kind, "description": description}
        fields["status"] = status
        fields["other_funding"] = other_funding
        fields["not_double_financed"] = "" if not_double is ABSENT else not_double
        if not_double is ABSENT:
            self.unsaid.add((row.number, "not_double_financed"))
        fields["value"] = value
        for name in ALL_INPUTS:
            if name in used:
                fields[name] = inputs[name]
            else:
                fields[name] = "" if name in TEXT_INPUTS else None
        if kind == LABOUR and fields["hourly_rate"] is None:
            # Stored as the rate the value was computed with, as contribution_save does.
            fields["hourly_rate"] = self.scheme.default_hourly_rate if self.scheme else None
        fields["cancel_reason"] = ""
        if status == CANCELLED:
            if cancel_reason is BAD or not is_sentence(cancel_reason):
                self.fail(
                    sheet,
                    row.number,
                    "Reden annulering",
                    _("Say in at least a sentence why the contribution is cancelled."),
                )
            fields["cancel_reason"] = "" if cancel_reason is BAD else cancel_reason
        fields.update(dict.fromkeys(REALISATION))
        if status == REALISED and value is not BAD and year is not BAD:
            self._realisation(sheet, row, fields, inputs, realised_on, realised_quantity)
        elif status not in (REALISED, CERTIFIED) and (realised_on or realised_quantity):
            self.fail(
                sheet,
                row.number,
                "Realisatiedatum" if realised_on else "Gerealiseerde hoeveelheid",
                _("Only a realised contribution has a realisation: set Status to gerealiseerd, "
                  "or empty this cell."),
            )  # fmt: skip
        return fields, organisation, activity or ""

    def _value(self, sheet, row: Row, kind: str, inputs: dict):
        try:
            return value_of(
                valuation_input(kind, inputs), default_rate=self.scheme.default_hourly_rate
            )
        except ValuationError as error:
            for name, messages in error.errors.items():
                for message in messages:
                    self.fail(sheet, row.number, INPUT_COLUMNS.get(name, ""), message)
            return BAD

    def _machine_inputs(self, sheet, row: Row, year, inputs: dict) -> None:
        if not inputs["machine_id"].strip():
            self.fail(
                sheet,
                row.number,
                "Machine-ID",
                _("Give the machine's serial or inventory number: the months claimed for one "
                  "machine are added up over all contributions."),
            )  # fmt: skip
            return
        life = inputs["life_months"]
        if BAD in (life, year, inputs["life_justification"]) or life is None or not self.scheme:
            return
        for message in life_errors(
            life=life,
            year=year,
            end_year=self.scheme.end_year,
            justification=inputs["life_justification"],
        ).get("life_justification", []):
            self.fail(sheet, row.number, "Onderbouwing levensduur", message)

    def _realisation(self, sheet, row, fields, inputs, realised_on, quantity) -> None:
        """A row marked realised without a date or quantity takes the end of its year and
        its pledged quantity (docs/rules.md §20)."""
        year, kind = fields["year"], fields["kind"]
        scheme = self.scheme
        if realised_on is BAD or quantity is BAD:
            return
        if realised_on is None:
            realised_on = realised_by_default(year)
            self.unsaid.add((row.number, "realised_on"))
        elif realised_on.year != year or realised_on > timezone.localdate():
            self.fail(
                sheet,
                row.number,
                "Realisatiedatum",
                _("This is a contribution of %(year)s: enter a date in %(year)s, up to today. "
                  "Something given in another year is a contribution of that year.")
                % {"year": year},
            )  # fmt: skip
            return
        if realised_quantity_missing := quantity is None:
            quantity = inputs[QUANTITY_FIELD[kind]]
            self.unsaid.add((row.number, "realised_quantity"))
        try:
            item = realised_input(valuation_input(kind, inputs), quantity)
            value = value_of(item, default_rate=scheme.default_hourly_rate)
        except ValuationError as error:
            column = "Gerealiseerde hoeveelheid" if not realised_quantity_missing else ""
            for messages in error.errors.values():
                for message in messages:
                    self.fail(sheet, row.number, column, message)
            return
        fields.update(realised_on=realised_on, realised_quantity=quantity, realised_value=value)

    # --- against the database --------------------------------------------------------------

    def _keep_unsaid(self, row: Row, fields: dict, match) -> None:
        """What a row leaves unsaid (a column the workbook lacks, a realisation without date
        or quantity of one already realised) stays as the database has it."""
        for name in ("life_justification", "not_double_financed"):
            if (row.number, name) in self.unsaid and (
                fields["kind"] == match.kind or name == "not_double_financed"
            ):
                fields[name] = getattr(match, name)
        if (
            fields["status"] == REALISED
            and match.status == REALISED
            and (row.number, "realised_on") in self.unsaid
            and (row.number, "realised_quantity") in self.unsaid
            and match.realised_value is not None
            and all(fields[name] == getattr(match, name) for name in ("value", "kind"))
        ):
            for name in REALISATION:
                fields[name] = getattr(match, name)

    def _may_change(self, sheet, row: Row, fields: dict, match) -> bool:
        certified_now = match is not None and match.status == CERTIFIED
        if fields["status"] == CERTIFIED and not certified_now:
            self.fail(
                sheet,
                row.number,
                "Status",
                _("Only the company's signed statement certifies a contribution; the import "
                  "cannot. Use gerealiseerd."),
            )  # fmt: skip
            return False
        if certified_now and any(
            getattr(match, name) != value
            for name, value in fields.items()
            if name not in REALISATION or fields["status"] == CERTIFIED
        ):
            self.fail(
                sheet,
                row.number,
                "Status",
                _("This contribution is certified by a signed statement; the import does not "
                  "change it. A corrected statement is needed for that."),
            )  # fmt: skip
            return False
        return True

    def _untouched_claims(self, matched: set) -> dict[str, list[MachineClaim]]:
        names = {o.pk: o.name for o in self.organisations_db}
        claims: dict[str, list[MachineClaim]] = {}
        for contribution in self.contributions_db:
            if (
                contribution.pk in matched
                or contribution.kind != DEPRECIATION
                or contribution.status not in PLEDGED_AND_UP
                or not contribution.machine_id.strip()
            ):
                continue
            claim = machine_claim(contribution, names.get(contribution.organisation_id, ""))
            claims.setdefault(claim.machine, []).append(claim)
        return claims

    def _machine_ok(self, sheet, row: Row, fields, organisation, claims) -> bool:
        """The row's claim beside what stays in the database and the rows above it."""
        if fields["kind"] != DEPRECIATION or fields["status"] not in PLEDGED_AND_UP:
            return True
        months = fields["months_used"]
        if fields["realised_quantity"] is not None:
            months = fields["realised_quantity"]
        claim = MachineClaim(
            reference=f"row-{row.number}",
            label=_("%(organisation)s: %(description)s (%(year)s, row %(row)s)")
            % {
                "organisation": organisation,
                "description": fields["description"],
                "year": fields["year"],
                "row": row.number,
            },
            machine=machine_key(fields["machine_id"]),
            year=fields["year"],
            months=Decimal(months),
            acquisition=fields["acquisition_value"],
            residual=fields["residual_value"] or ZERO,
            share=HUNDRED if fields["project_share"] is None else fields["project_share"],
            life=fields["life_months"],
        )
        errors = claim_errors(claim, claims.get(claim.machine, []))
        for message in errors.get("months_used", []):
            self.fail(sheet, row.number, "Gebruik (maanden)", message)
        if errors:
            return False
        claims.setdefault(claim.machine, []).append(claim)
        return True
