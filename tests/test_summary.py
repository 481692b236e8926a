"""The threshold check of docs/rules.md §3, by example and by property."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from cofinancing.summary import (
    BASE_ELIGIBLE_TOTAL,
    BASE_SUBSIDY,
    BudgetFact,
    ContributionFact,
    summarize,
)

TEN = D("0.10")


def company(value, kind="labour", year=2026, org=1, business=True, **extra):
    return ContributionFact(
        organisation_id=org, organisation_name=f"Org {org}", kvk_number=f"{org:08d}",
        counts_as_business=business, year=year, kind=kind, value=D(value), **extra,
    )  # fmt: skip


def run(contributions, costs=(), funding=(), base=BASE_ELIGIBLE_TOTAL, share=TEN):
    return summarize(
        share=share, base=base, years=[2025, 2026, 2027, 2028], contributions=list(contributions),
        cost_lines=list(costs), funding_lines=list(funding),
    )  # fmt: skip


SUBSIDY = [BudgetFact(2026, D("3900000.00"), "subsidy")]
COSTS = [BudgetFact(2026, D("3900000.00"), "internal_personnel")]


def test_worked_example_subsidy_plus_business_in_kind_at_the_boundary():
    # C ≥ 0.10 × (3,900,000 + C)  ⇔  C ≥ 433,333.34
    at = run([company("433333.34")], COSTS, SUBSIDY).total
    assert at.base_amount == D("4333333.34")
    assert at.required == D("433333.34")
    assert at.met and at.shortfall == D("0.00")
    below = run([company("433333.33")], COSTS, SUBSIDY).total
    assert below.required == D("433333.34")
    assert not below.met
    assert below.shortfall == D("0.01")
    assert below.percentage == D("9.99")  # 9.99999…%, never shown as 10.00%


def test_in_kind_counts_on_both_sides_money_only_funds():
    figures = run([company("1000", "labour"), company("500", "money")], COSTS, SUBSIDY).total
    assert figures.total_costs == D("3901000.00")
    assert figures.total_funding == D("3901500.00")
    assert figures.business_in_kind == D("1000.00")
    assert figures.business_money == D("500.00")
    assert figures.business_total == D("1500.00")
    assert figures.balance == D("500.00")


def test_only_business_counts_toward_the_share():
    figures = run([company("1000"), company("700", org=2, business=False)], COSTS, SUBSIDY).total
    assert figures.business_total == D("1000.00")
    assert figures.total_costs == D("3901700.00")  # the school's hours are still a cost


def test_excluded_contribution_is_left_out_everywhere_and_listed():
    excluded = company("9999", excluded_reason="RIF-2024-017")
    summary = run([company("1000"), excluded], COSTS, SUBSIDY)
    assert summary.total.total_costs == D("3901000.00")
    assert summary.total.business_total == D("1000.00")
    assert summary.excluded == [excluded]
    assert summary.by_kind["labour"] == D("1000.00")


def test_base_subsidy_uses_the_subsidy_only():
    summary = run([company("292500")], COSTS, SUBSIDY, base=BASE_SUBSIDY, share=D("0.075"))
    assert summary.total.base_amount == D("3900000.00")
    assert summary.total.required == D("292500.00")
    assert summary.total.met


def test_zero_base_gives_zero_percentage():
    figures = run([], base=BASE_SUBSIDY).total
    assert figures.percentage == D("0.00")
    assert figures.required == D("0.00")
    assert figures.met


def test_years_are_information_and_the_period_decides():
    summary = run(
        [company("100", year=2025), company("900", year=2027)],
        [BudgetFact(2025, D("5000"), "other"), BudgetFact(2027, D("4000"), "other")],
    )
    assert summary.by_year[2025].business_total == D("100.00")
    assert not summary.by_year[2025].met
    assert summary.by_year[2027].met
    assert summary.total.business_total == D("1000.00")
    assert set(summary.by_year) == {2025, 2026, 2027, 2028}


def machine(value, year=2026, months="12", life=120, **extra):
    return company(value, "depreciation", year=year, machine_months=D(months),
                   machine_life=life, **extra)  # fmt: skip


def test_a_machine_within_its_limits_is_no_warning():
    # Two contributions of one machine in a year, 6 + 6 weighted months: allowed.
    summary = run([machine("100", months="6", machine_id="CNC-01"),
                   machine("200", months="6", org=2, machine_id="cnc-01 ")])  # fmt: skip
    assert summary.warnings == []


def test_a_machine_claimed_beyond_a_year_or_its_life_is_flagged():
    # Only data from before the guard (or around it) can do this; it is shown, not hidden.
    summary = run(
        [
            machine("100", machine_id="CNC-01", description="draaibank"),
            machine("200", org=2, machine_id="cnc-01 ", description="draaibank"),
            machine("300", year=2027, machine_id="CNC-01", life=24),
        ]
    )
    assert len(summary.warnings) == 2
    assert "CNC-01" in summary.warnings[0] and "24" in summary.warnings[0]
    assert "2026" in summary.warnings[0]
    assert "36" in summary.warnings[1] and "24" in summary.warnings[1]


def test_organisations_are_listed_largest_first():
    summary = run([company("100", org=1), company("300", org=2), company("50", "money", org=1)])
    assert [(o.organisation_id, o.total) for o in summary.by_organisation] == [
        (2, D("300.00")),
        (1, D("150.00")),
    ]
    assert summary.by_organisation[1].by_kind["money"] == D("50.00")


cents = st.decimals(min_value=D("0.01"), max_value=D("500000"), places=2)
kinds = st.sampled_from(["money", "labour", "material", "room", "depreciation", "lease"])
facts = st.lists(
    st.builds(
        company, value=cents.map(str), kind=kinds, year=st.integers(2025, 2028),
        org=st.integers(1, 5), business=st.booleans(),
    ),
    max_size=25,
)  # fmt: skip
budget = st.lists(
    st.builds(
        BudgetFact,
        year=st.integers(2025, 2028),
        amount=cents,
        source=st.sampled_from(["subsidy", "other"]),
    ),
    max_size=8,
)


@given(facts, budget, budget)
def test_parts_sum_to_totals_and_the_check_agrees_with_its_definition(contribs, costs, funding):
    summary = run(contribs, costs, funding)
    total = summary.total
    assert total.business_total == total.business_money + total.business_in_kind
    assert total.business_total == sum(summary.by_year[y].business_total for y in summary.by_year)
    assert total.total_costs == sum(summary.by_year[y].total_costs for y in summary.by_year)
    assert sum(summary.by_kind.values()) == sum(c.value for c in contribs)
    assert sum(o.total for o in summary.by_organisation) == sum(c.value for c in contribs)
    assert total.met == (total.business_total >= total.required)
    assert total.required >= TEN * total.base_amount > total.required - D("0.01")
    assert total.shortfall >= 0
    assert (
        total.percentage <= total.business_total * 100 / total.base_amount
        if total.base_amount
        else True
    )
    for figures in [total, *summary.by_year.values()]:
        assert figures.business_total >= 0 and figures.total_costs >= 0
