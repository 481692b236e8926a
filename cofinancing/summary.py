"""The threshold check: does business cofinance the scheme's share of the budget?

Pure function over frozen dataclasses, by docs/rules.md §3. Figures per year are
information; the share is checked over the whole period.

- in kind = labour, material, room, depreciation and lease contributions;
- total costs = cost lines + in-kind contributions;
- total funding = funding lines + money contributions + in-kind contributions;
- business total = money + in kind of organisations that count as business;
- base amount = total costs (base "eligible total budget") or subsidy (base "subsidy");
- required = share × base, rounded up to the cent; met = business total ≥ required;
- shortfall = required − business total when positive; percentage = business total ÷ base
  × 100 rounded down to two places (0 when the base is 0);
- an excluded contribution (funded by another scheme, itself or through its activity) is
  left out of every figure, on both sides, and listed with its reason; so is a cost line of
  an activity funded by another scheme that does not say why it is not double-financed;
- the figures are made a second time without the organisations that count as business only
  by a leader's override, so a share met only thanks to overrides is said (§4);
- the same machine depreciated in two contributions in the same year is a warning.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from cofinancing.valuation import DEPRECIATION, IN_KIND, KINDS, MONEY, MONTHS_IN_YEAR
from sterk.money import ZERO, floor_percentage, round_money_up

BASE_ELIGIBLE_TOTAL = "eligible_total"
BASE_SUBSIDY = "subsidy"
SUBSIDY_SOURCE = "subsidy"


@dataclass(frozen=True)
class ContributionFact:
    organisation_id: int
    organisation_name: str
    kvk_number: str
    counts_as_business: bool
    year: int
    kind: str
    value: Decimal
    description: str = ""
    excluded_reason: str = ""  # "other funding": not counted, listed with this reason
    machine_id: str = ""
    reference: str = ""  # public id of the contribution, for links and warnings
    by_override: bool = False  # counts as business only by a leader's override
    # A depreciation: the months it claims weighted by the project share, and the machine's
    # economic life (docs/rules.md §8).
    machine_months: Decimal = ZERO
    machine_life: int = 0


@dataclass(frozen=True)
class ExcludedCost:
    """A cost line left out of the figures: its activity is funded by another scheme."""

    year: int
    description: str
    amount: Decimal
    reason: str
    reference: str = ""


@dataclass(frozen=True)
class BudgetFact:
    year: int
    amount: Decimal  # already rounded per line
    source: str = ""  # funding lines: subsidy, schools, public, other; cost lines: category


@dataclass(frozen=True)
class Figures:
    total_costs: Decimal
    total_funding: Decimal
    subsidy: Decimal
    business_money: Decimal
    business_in_kind: Decimal
    business_total: Decimal
    base_amount: Decimal
    required: Decimal
    shortfall: Decimal
    percentage: Decimal
    met: bool

    @property
    def balance(self) -> Decimal:
        return self.total_funding - self.total_costs


@dataclass(frozen=True)
class OrganisationTotal:
    organisation_id: int
    name: str
    kvk_number: str
    counts_as_business: bool
    total: Decimal
    by_kind: dict[str, Decimal]
    by_override: bool = False  # counts as business only by a leader's override


@dataclass(frozen=True)
class Summary:
    share: Decimal
    base: str
    years: list[int]
    total: Figures
    by_year: dict[int, Figures]
    by_kind: dict[str, Decimal]
    by_organisation: list[OrganisationTotal]
    excluded: list[ContributionFact]
    warnings: list[str] = field(default_factory=list)
    # The period's figures counting no organisation that counts as business only by override.
    without_overrides: Figures | None = None
    excluded_costs: list[ExcludedCost] = field(default_factory=list)

    @property
    def has_overrides(self) -> bool:
        return (
            self.without_overrides is not None
            and self.without_overrides.business_total != self.total.business_total
        )

    @property
    def override_organisations(self) -> list[OrganisationTotal]:
        return [o for o in self.by_organisation if o.by_override and o.total]

    @property
    def met_only_by_overrides(self) -> bool:
        return self.has_overrides and self.total.met and not self.without_overrides.met


@dataclass(frozen=True)
class Threshold:
    """The period's figures with and without the overrides, nothing per organisation or per
    year: what the dashboard shows (cofinancing/selectors/dashboard.py)."""

    total: Figures
    without_overrides: Figures

    @property
    def has_overrides(self) -> bool:
        return self.without_overrides.business_total != self.total.business_total

    @property
    def met_only_by_overrides(self) -> bool:
        return self.has_overrides and self.total.met and not self.without_overrides.met


def threshold(
    *,
    share: Decimal,
    base: str,
    costs: Decimal,
    funding: Decimal,
    subsidy: Decimal,
    contributions: list[ContributionFact],
) -> Threshold:
    """The same figures as `summarize(...).total` and `.without_overrides`, from
    contributions that may be summed over organisations and years (one fact per kind,
    counts-as-business and override), the counted ones only."""
    return Threshold(
        total=_figures(share, base, costs, funding, subsidy, contributions),
        without_overrides=_figures(
            share, base, costs, funding, subsidy,
            [replace(c, counts_as_business=False) if c.by_override else c for c in contributions],
        ),
    )  # fmt: skip


def _figures(share, base, costs, funding, subsidy, contributions) -> Figures:
    money = sum((c.value for c in contributions if c.kind == MONEY), ZERO)
    in_kind = sum((c.value for c in contributions if c.kind in IN_KIND), ZERO)
    business_money = sum(
        (c.value for c in contributions if c.kind == MONEY and c.counts_as_business), ZERO
    )
    business_in_kind = sum(
        (c.value for c in contributions if c.kind in IN_KIND and c.counts_as_business), ZERO
    )
    total_costs = costs + in_kind
    total_funding = funding + money + in_kind
    business_total = business_money + business_in_kind
    base_amount = total_costs if base == BASE_ELIGIBLE_TOTAL else subsidy
    required = round_money_up(share * base_amount)
    percentage = floor_percentage(business_total * 100 / base_amount) if base_amount > 0 else ZERO
    return Figures(
        total_costs=total_costs,
        total_funding=total_funding,
        subsidy=subsidy,
        business_money=business_money,
        business_in_kind=business_in_kind,
        business_total=business_total,
        base_amount=base_amount,
        required=required,
        shortfall=max(required - business_total, ZERO),
        percentage=percentage,
        met=business_total >= required,
    )


def summarize(
    *,
    share: Decimal,
    base: str,
    years: list[int],
    contributions: list[ContributionFact],
    cost_lines: list[BudgetFact],
    funding_lines: list[BudgetFact],
    machine_facts: list[ContributionFact] | None = None,
    excluded_costs: list[ExcludedCost] | None = None,
) -> Summary:
    """The figures of the period and of each year.

    `contributions` may be pre-aggregated (one fact per organisation, year and kind);
    `machine_facts` are then the individual depreciation contributions with a machine
    identifier, from which the double-depreciation warnings are made.
    """
    counted = [c for c in contributions if not c.excluded_reason]
    excluded = [c for c in contributions if c.excluded_reason]
    all_years = sorted(
        set(years)
        | {c.year for c in counted}
        | {line.year for line in cost_lines}
        | {line.year for line in funding_lines}
    )

    def budget(lines, year=None, source=None):
        return sum(
            (
                line.amount
                for line in lines
                if (year is None or line.year == year) and (source is None or line.source == source)
            ),
            ZERO,
        )

    by_year = {
        year: _figures(
            share,
            base,
            budget(cost_lines, year),
            budget(funding_lines, year),
            budget(funding_lines, year, SUBSIDY_SOURCE),
            [c for c in counted if c.year == year],
        )
        for year in all_years
    }
    total = _figures(
        share,
        base,
        budget(cost_lines),
        budget(funding_lines),
        budget(funding_lines, source=SUBSIDY_SOURCE),
        counted,
    )
    by_kind = {kind: sum((c.value for c in counted if c.kind == kind), ZERO) for kind in KINDS}

    grouped: dict[int, list[ContributionFact]] = defaultdict(list)
    for c in counted:
        grouped[c.organisation_id].append(c)
    by_organisation = sorted(
        (
            OrganisationTotal(
                organisation_id=org_id,
                name=items[0].organisation_name,
                kvk_number=items[0].kvk_number,
                counts_as_business=items[0].counts_as_business,
                by_override=items[0].by_override,
                total=sum((c.value for c in items), ZERO),
                by_kind={k: sum((c.value for c in items if c.kind == k), ZERO) for k in KINDS},
            )
            for org_id, items in grouped.items()
        ),
        key=lambda o: (-o.total, o.name),
    )
    without_overrides = _figures(
        share,
        base,
        budget(cost_lines),
        budget(funding_lines),
        budget(funding_lines, source=SUBSIDY_SOURCE),
        [replace(c, counts_as_business=False) if c.by_override else c for c in counted],
    )
    return Summary(
        share=share,
        base=base,
        years=all_years,
        total=total,
        without_overrides=without_overrides,
        excluded_costs=excluded_costs or [],
        by_year=by_year,
        by_kind=by_kind,
        by_organisation=by_organisation,
        excluded=excluded,
        warnings=machine_warnings(
            counted
            if machine_facts is None
            else [c for c in machine_facts if not c.excluded_reason]
        ),
    )


def machine_warnings(contributions: list[ContributionFact]) -> list[str]:
    """A machine (by identifier) claimed beyond 12 weighted months in a year, or beyond its
    life over all years. The services refuse both (cofinancing/machines.py); what is found
    here came in before that guard or around it, and must be looked at."""
    by_machine: dict[str, list[ContributionFact]] = defaultdict(list)
    for c in contributions:
        if c.kind == DEPRECIATION and c.machine_id.strip():
            by_machine[" ".join(c.machine_id.split()).upper()].append(c)
    warnings = []
    for machine, items in sorted(by_machine.items()):
        items = sorted(items, key=lambda c: (c.year, c.organisation_name, c.description))
        who = ", ".join(f"{c.organisation_name} ({c.description}, {c.year})" for c in items)
        for year in sorted({c.year for c in items}):
            months = sum((c.machine_months for c in items if c.year == year), ZERO)
            if months > MONTHS_IN_YEAR:
                warnings.append(
                    _("Machine %(machine)s is claimed for %(months)s months in %(year)s, more "
                      "than the 12 of a year: %(who)s.")
                    % {"machine": machine, "months": _months(months), "year": year, "who": who}
                )  # fmt: skip
        lives = [c.machine_life for c in items if c.machine_life]
        total = sum((c.machine_months for c in items), ZERO)
        if lives and total > min(lives):
            warnings.append(
                _("Machine %(machine)s is claimed for %(months)s months in all, more than its "
                  "economic life of %(life)s months: %(who)s.")
                % {"machine": machine, "months": _months(total), "life": min(lives), "who": who}
            )  # fmt: skip
    return warnings


def _months(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
