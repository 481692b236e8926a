"""A cost line's realised amount and eligibility (docs/rules.md §20): through the form and
the service, bad and hostile input, and what a save without them keeps."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cofinancing.models import CostLine
from cofinancing.services import budget as budget_services
from tests.factories import BudgetFactory, CostLineFactory

pytestmark = pytest.mark.usefixtures("no_scopes")

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
HUGE = "x" * 10_000


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def url(name, **kwargs):
    return reverse(f"cofinancing:{name}", kwargs={"slug": "twente", **kwargs})


@pytest.fixture
def budget(partnership):
    return BudgetFactory(partnership=partnership)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def cost_line_data(**overrides):
    data = {
        "year": "2025", "category": "material", "description": "Lasapparatuur",
        "unit_price": "1.250,00", "quantity": "2", "activity": "", "not_double_financed": "",
        "realised_amount": "", "eligible": "yes", "ineligible_reason": "", "ineligible_note": "",
    }  # fmt: skip
    return {**data, **overrides}


def test_a_cost_line_records_its_realised_amount(editor_client, budget):
    response = editor_client.post(
        url("cost-line-create"), cost_line_data(realised_amount="2.420,50")
    )
    assert response.status_code == 302
    line = CostLine.objects.get()
    assert (line.amount, line.realised_amount, line.eligible) == (
        D("2500.00"),
        D("2420.50"),
        True,
    )


def test_a_cost_line_not_eligible_needs_its_reason(editor_client, budget):
    refused = editor_client.post(url("cost-line-create"), cost_line_data(eligible="no"))
    assert refused.status_code == 200
    assert refused.context["form"].errors["ineligible_reason"]
    other = editor_client.post(
        url("cost-line-create"), cost_line_data(eligible="no", ineligible_reason="other")
    )
    assert other.context["form"].errors["ineligible_note"]
    assert not CostLine.objects.exists()
    editor_client.post(
        url("cost-line-create"),
        cost_line_data(
            eligible="no", ineligible_reason="recoverable_vat", realised_amount="420",
            ineligible_note="BTW wordt teruggevorderd",
        ),
    )  # fmt: skip
    line = CostLine.objects.get()
    assert (line.eligible, line.ineligible_reason) == (False, "recoverable_vat")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"realised_amount": "-1"}, "realised_amount"),
        ({"realised_amount": "veel"}, "realised_amount"),
        ({"realised_amount": "100.000.000,01"}, "realised_amount"),
        ({"realised_amount": SCRIPT}, "realised_amount"),
        ({"eligible": "no", "ineligible_reason": SCRIPT}, "ineligible_reason"),
        ({"eligible": SCRIPT}, "eligible"),
        ({"ineligible_note": HUGE}, "ineligible_note"),
        ({"not_double_financed": HUGE}, "not_double_financed"),
    ],
)
def test_bad_input_on_the_cost_line_is_a_field_error(editor_client, budget, overrides, field):
    response = editor_client.post(url("cost-line-create"), cost_line_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert SCRIPT not in response.content.decode()
    assert not CostLine.objects.exists()


def test_the_service_refuses_what_the_form_would(budget):
    fields = {
        "budget": budget, "year": 2025, "category": "material", "description": "Las",
        "unit_price": D("10"), "quantity": D("1"),
    }  # fmt: skip
    for bad, field in (
        ({"realised_amount": D("-0.01")}, "realised_amount"),
        ({"realised_amount": "12"}, "realised_amount"),
        ({"eligible": False}, "ineligible_reason"),
        ({"eligible": False, "ineligible_reason": "nonsense"}, "ineligible_reason"),
        ({"eligible": False, "ineligible_reason": "other", "ineligible_note": HUGE},
         "ineligible_note"),
        ({"not_double_financed": HUGE}, "not_double_financed"),
    ):  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            budget_services.cost_line_save(**fields, **bad)
        assert field in refused.value.message_dict
    assert not CostLine.objects.exists()


def test_a_save_without_the_realisation_keeps_it(budget, partnership):
    line = CostLineFactory(
        partnership=partnership, realised_amount=D("7000.00"), eligible=False,
        ineligible_reason="not_in_plan", ineligible_note="Niet in het activiteitenplan.",
    )  # fmt: skip
    budget_services.cost_line_save(
        budget=budget, cost_line=line, year=2026, category=line.category,
        description="Projectleider", unit_price=D("80"), quantity=D("100"),
    )  # fmt: skip
    line.refresh_from_db()
    assert (line.realised_amount, line.eligible, line.ineligible_reason) == (
        D("7000.00"),
        False,
        "not_in_plan",
    )


def test_a_cost_line_made_eligible_drops_its_reason(budget, partnership):
    line = CostLineFactory(
        partnership=partnership, eligible=False, ineligible_reason="recoverable_vat"
    )
    budget_services.cost_line_save(
        budget=budget, cost_line=line, year=2026, category=line.category,
        description=line.description, unit_price=line.unit_price, quantity=line.quantity,
        eligible=True, ineligible_reason="recoverable_vat",
    )  # fmt: skip
    line.refresh_from_db()
    assert (line.eligible, line.ineligible_reason) == (True, "")


def test_hostile_cost_line_texts_are_escaped_on_the_budget_page(editor_client, budget):
    editor_client.post(
        url("cost-line-create"),
        cost_line_data(
            description=SCRIPT, eligible="no", ineligible_reason="other",
            ineligible_note=SCRIPT, not_double_financed=SCRIPT, realised_amount="5",
        ),
    )  # fmt: skip
    line = CostLine.objects.get()
    assert line.ineligible_note == SCRIPT
    for page in (
        editor_client.get(url("budget")),
        editor_client.get(url("cost-line-update", code=line.code)),
        editor_client.get(url("settlement")),
    ):
        content = page.content.decode()
        assert SCRIPT not in content
        assert ESCAPED in content


def test_a_cost_of_a_year_to_come_is_not_realised_yet(budget):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from cofinancing.services.budget import cost_line_save

    next_year = timezone.localdate().year + 1
    if next_year > budget.scheme.end_year:
        pytest.skip("the scheme has no year to come")
    with pytest.raises(ValidationError) as error:
        cost_line_save(
            budget=budget, year=next_year, category="rent", description="Huur lokaal",
            unit_price=D("100.00"), quantity=D("1"), realised_amount=D("100.00"),
        )  # fmt: skip
    assert "realised_amount" in error.value.message_dict
