"""The multi-year budget: its scheme, cost and funding lines, and the page with years as
columns, with bad input and speed."""

import re
import uuid
from decimal import Decimal

import pytest
from django.contrib.messages import ERROR, get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from cofinancing.forms.budget import CostLineForm
from cofinancing.models import Budget, Contribution, CostLine, FundingLine
from cofinancing.selectors.budget import budget_table, records_outside_years
from cofinancing.services import budget as services
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContributionFactory,
    CostLineFactory,
    FundingLineFactory,
    OrganisationFactory,
    scheme,
)

SCRIPT = "<script>alert(1)</script>"
HUGE = "x" * 10_000
D = Decimal
YEARS = [2025, 2026, 2027, 2028]


def url(name, slug="twente", **kwargs):
    return reverse(f"cofinancing:{name}", kwargs={"slug": slug, **kwargs})


@pytest.fixture
def budget(partnership):
    with scopes_disabled():
        return BudgetFactory(partnership=partnership)  # sto-2025-2028, 10% of the total


@pytest.fixture
def company(partnership):
    with scopes_disabled():
        return OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")


@pytest.fixture
def school(partnership):
    with scopes_disabled():
        return OrganisationFactory(partnership=partnership, name="ROC van Twente", kind="mbo")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def money(organisation, amount, **fields):
    return ContributionFactory(
        organisation=organisation,
        kind="money",
        amount=D(amount),
        hours=None,
        hourly_rate=None,
        value=D(amount),
        **fields,
    )


def cost_line_data(**overrides):
    data = {
        "year": "2026",
        "category": "material",
        "description": "Lasapparatuur",
        "unit_price": "1.250,00",
        "quantity": "2",
        "activity": "",
    }
    return {**data, **overrides}


def funding_line_data(**overrides):
    data = {"year": "2026", "source": "subsidy", "description": "STO-subsidie", "amount": "7.500"}
    return {**data, **overrides}


# --- Scheme choice --------------------------------------------------------------------------


def test_leader_chooses_the_scheme_and_the_budget_is_created(leader_client, partnership):
    response = leader_client.post(url("budget-scheme"), {"scheme": "sto-2025-2028"})
    assert response.status_code == 302
    assert response.url == url("budget")
    with scopes_disabled():
        assert Budget.objects.get(partnership=partnership).scheme.code == "sto-2025-2028"


def test_scheme_page_offers_every_scheme_and_marks_the_current_one(leader_client, budget):
    response = leader_client.get(url("budget-scheme"))
    assert response.status_code == 200
    field = response.context["form"]["scheme"]
    assert [choice.data["value"] for choice in field.subwidgets] == [
        "sto-2020-2023",
        "sto-2024",
        "sto-2025-2028",
    ]
    assert field.value() == "sto-2025-2028"


def test_leader_changes_the_scheme_when_nothing_lies_outside_its_years(
    leader_client, partnership, budget
):
    with scopes_disabled():
        CostLineFactory(partnership=partnership, year=2024)  # outside 2025-2028, inside 2024
    response = leader_client.post(url("budget-scheme"), {"scheme": "sto-2024"})
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.scheme.code == "sto-2024"


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_the_leader_chooses_the_scheme(client, request, partnership, role):
    client.force_login(request.getfixturevalue(role))
    assert client.post(url("budget-scheme"), {"scheme": "sto-2024"}).status_code == 403
    with scopes_disabled():
        assert not Budget.objects.filter(partnership=partnership).exists()


def test_changing_the_scheme_is_refused_while_data_lies_outside_its_years(
    leader_client, partnership, budget, company
):
    with scopes_disabled():
        ContributionFactory(organisation=company, year=2026)
        CostLineFactory.create_batch(2, partnership=partnership, year=2027)
        FundingLineFactory(partnership=partnership, year=2024)  # inside sto-2024: not counted
    response = leader_client.post(url("budget-scheme"), {"scheme": "sto-2024"})
    assert response.status_code == 302
    assert response.url == url("budget-scheme")
    assert [m.level for m in get_messages(response.wsgi_request)] == [ERROR]
    budget.refresh_from_db()
    assert budget.scheme.code == "sto-2025-2028"


def test_the_refusal_counts_what_lies_outside_the_new_scheme(partnership, budget, company):
    with scopes_disabled():
        ContributionFactory.create_batch(3, organisation=company, year=2026)
        CostLineFactory.create_batch(5, partnership=partnership, year=2027)
        FundingLineFactory(partnership=partnership, year=2024)
        assert records_outside_years(partnership=partnership, first=2024, last=2024) == {
            "contributions": 3,
            "cost_lines": 5,
            "funding_lines": 0,
        }
        with pytest.raises(ValidationError) as error:
            services.budget_choose_scheme(partnership=partnership, scheme=scheme("sto-2024"))
    assert set(error.value.message_dict) == {"scheme"}
    numbers = re.findall(r"\d+", error.value.messages[0])
    assert "3" in numbers and "5" in numbers  # how many, whatever the wording


@pytest.mark.parametrize("value", ["sto-1999", "", SCRIPT, HUGE])
def test_an_unknown_scheme_is_a_form_error(leader_client, partnership, value):
    response = leader_client.post(url("budget-scheme"), {"scheme": value})
    assert response.status_code == 200
    assert "scheme" in response.context["form"].errors
    assert SCRIPT.encode() not in response.content
    with scopes_disabled():
        assert not Budget.objects.filter(partnership=partnership).exists()


# --- The budget page: figures ---------------------------------------------------------------


@pytest.fixture
def filled_budget(partnership, budget, company, school):
    """Hand-computed below: cost lines, funding lines and contributions in 2025 and 2026."""
    with scopes_disabled():
        CostLineFactory(
            partnership=partnership,
            year=2025,
            category="internal_personnel",
            unit_price=D("80.00"),
            quantity=D("100"),
            amount=D("8000.00"),
        )
        CostLineFactory(
            partnership=partnership,
            year=2026,
            category="material",
            unit_price=D("1250.00"),
            quantity=D("2"),
            amount=D("2500.00"),
        )
        CostLineFactory(
            partnership=partnership,
            year=2026,
            category="rent",
            unit_price=D("333.33"),
            quantity=D("1"),
            amount=D("333.33"),
        )
        FundingLineFactory(partnership=partnership, year=2025, source="subsidy", amount=D("7500"))
        FundingLineFactory(partnership=partnership, year=2026, source="schools", amount=D("1000"))
        money(company, "1000.00", year=2026)  # money: funding only
        ContributionFactory(organisation=company, year=2025)  # labour € 500: both sides
        ContributionFactory(  # a school's room, € 250: in kind, both sides, not business
            organisation=school,
            year=2026,
            kind="room",
            hours=None,
            hourly_rate=None,
            units=D("1"),
            unit_price=D("250.00"),
            value=D("250.00"),
        )
        ContributionFactory(  # funded elsewhere: on neither side
            organisation=company,
            year=2026,
            kind="material",
            hours=None,
            hourly_rate=None,
            amount=D("999.00"),
            value=D("999.00"),
            other_funding="RIF 2024",
        )
    return budget


def row_of(rows, key):
    return next(row for row in rows if row.key == key)


def test_budget_page_puts_lines_and_contributions_on_the_right_side(leader_client, filled_budget):
    response = leader_client.get(url("budget"))
    assert response.status_code == 200
    table = response.context["table"]
    assert table.years == YEARS
    costs = table.cost_rows
    assert row_of(costs, "internal_personnel").cells == [D("8000.00"), 0, 0, 0]
    assert row_of(costs, "material").cells == [0, D("2500.00"), 0, 0]
    assert row_of(costs, "rent").total == D("333.33")
    assert row_of(costs, "other").total == 0
    assert table.in_kind_costs.cells == [D("500.00"), D("250.00"), 0, 0]
    assert table.total_costs.cells == [D("8500.00"), D("3083.33"), 0, 0]
    assert table.total_costs.total == D("11583.33")

    funding = table.funding_rows
    assert row_of(funding, "subsidy").cells == [D("7500.00"), 0, 0, 0]
    assert row_of(funding, "schools").cells == [0, D("1000.00"), 0, 0]
    assert table.money.cells == [0, D("1000.00"), 0, 0]
    assert table.in_kind_funding.cells == table.in_kind_costs.cells
    assert table.total_funding.cells == [D("8000.00"), D("2250.00"), 0, 0]
    assert table.total_funding.total == D("10250.00")

    assert table.balance.cells == [D("-500.00"), D("-833.33"), 0, 0]
    assert table.balance.total == D("-1333.33")


def test_every_row_total_is_the_sum_of_its_years(partnership, filled_budget):
    with scopes_disabled():
        table = budget_table(partnership=partnership, budget=filled_budget)
    rows = [
        *table.cost_rows,
        table.in_kind_costs,
        table.total_costs,
        *table.funding_rows,
        table.money,
        table.total_funding,
        table.balance,
    ]
    for row in rows:
        assert sum(row.cells, D("0")) == row.total, row.key


def test_budget_page_lists_the_lines_under_their_category(leader_client, filled_budget):
    table = leader_client.get(url("budget")).context["table"]
    assert [line.amount for line in row_of(table.cost_rows, "material").lines] == [D("2500.00")]
    assert len(row_of(table.funding_rows, "subsidy").lines) == 1
    assert row_of(table.cost_rows, "depreciation").lines == []


def test_balanced_budget_shows_no_highlight(leader_client, partnership, budget):
    with scopes_disabled():
        CostLineFactory(partnership=partnership, year=2026, amount=D("7500.00"))
        FundingLineFactory(partnership=partnership, year=2026, amount=D("7500.00"))
    response = leader_client.get(url("budget"))
    assert response.context["table"].balance.total == 0
    assert b"table-warning" not in response.content


def test_unbalanced_budget_is_highlighted(leader_client, filled_budget):
    assert b"table-warning" in leader_client.get(url("budget")).content


def test_budget_page_without_a_budget_shows_the_empty_state(leader_client, client, viewer):
    response = leader_client.get(url("budget"))
    assert response.status_code == 200
    assert response.context["table"] is None
    assert url("budget-scheme").encode() in response.content
    client.force_login(viewer)
    assert url("budget-scheme").encode() not in client.get(url("budget")).content


def test_viewer_sees_the_budget_without_write_links(client, viewer, filled_budget):
    client.force_login(viewer)
    response = client.get(url("budget"))
    assert response.status_code == 200
    assert url("cost-line-create").encode() not in response.content
    assert b"/edit/" not in response.content


def test_budget_page_runs_the_same_queries_for_5_and_2000_rows(
    leader_client, partnership, budget, company, school
):
    def add(start, count):
        with scopes_disabled():
            CostLine.objects.bulk_create(
                CostLine(
                    partnership=partnership,
                    year=YEARS[i % 4],
                    category=["material", "rent", "other"][i % 3],
                    description=f"Regel {i}",
                    unit_price=D("10.00"),
                    quantity=D("1"),
                    amount=D("10.00"),
                )
                for i in range(start, start + count)
            )
            FundingLine.objects.bulk_create(
                FundingLine(
                    partnership=partnership,
                    year=YEARS[i % 4],
                    source=["subsidy", "schools"][i % 2],
                    amount=D("10.00"),
                )
                for i in range(start, start + count)
            )
            Contribution.objects.bulk_create(
                Contribution(
                    partnership=partnership,
                    organisation=[company, school][i % 2],
                    year=YEARS[i % 4],
                    kind=["money", "material"][i % 2],
                    description=f"Bijdrage {i}",
                    amount=D("5.00"),
                    value=D("5.00"),
                )
                for i in range(start, start + count)
            )

    def queries():
        with CaptureQueriesContext(connection) as context:
            response = leader_client.get(url("budget"))
        assert response.status_code == 200
        return len(context.captured_queries), response

    add(0, 5)
    few, _ = queries()
    add(5, 1995)
    many, response = queries()
    assert many == few
    table = response.context["table"]
    assert table.cost_line_count == 2000
    assert table.total_costs.total == D("20000.00") + D("5000.00")  # lines + material


# --- Cost lines -----------------------------------------------------------------------------


def test_editor_adds_a_cost_line_in_dutch_notation(editor_client, partnership, budget):
    response = editor_client.post(url("cost-line-create"), cost_line_data())
    assert response.status_code == 302
    assert response.url == url("budget")
    with scopes_disabled():
        line = CostLine.objects.get(partnership=partnership)
    assert (line.unit_price, line.quantity, line.amount) == (D("1250.00"), D("2"), D("2500.00"))
    assert line.history.count() == 1


@pytest.mark.parametrize(
    ("price", "quantity", "amount"),
    [
        ("0,33", "0,5", D("0.17")),  # 0.165 rounds half up, not to even
        ("0,35", "1,5", D("0.53")),  # 0.525
        ("0,33", "3", D("0.99")),
        ("12,5", "0,4", D("5.00")),
        ("0", "10", D("0.00")),
    ],
)
def test_cost_line_amount_is_price_times_quantity_rounded_half_up(
    editor_client, partnership, budget, price, quantity, amount
):
    response = editor_client.post(
        url("cost-line-create"), cost_line_data(unit_price=price, quantity=quantity)
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert CostLine.objects.get(partnership=partnership).amount == amount


def test_cost_line_service_rounds_once_to_the_cent(partnership, budget):
    with scopes_disabled():
        line = services.cost_line_save(
            budget=budget,
            year=2026,
            category="other",
            description="Drukwerk",
            unit_price=D("0.33"),
            quantity=D("0.5"),
        )
    assert line.amount == D("0.17")


def test_a_price_in_tenths_of_cents_is_refused_not_rounded(editor_client, partnership, budget):
    # The price is stored to the cent, so amount and price × quantity always agree.
    response = editor_client.post(url("cost-line-create"), cost_line_data(unit_price="0,333"))
    assert response.status_code == 200
    assert "unit_price" in response.context["form"].errors
    with scopes_disabled():
        assert not CostLine.objects.filter(partnership=partnership).exists()


def test_cost_line_may_name_an_activity_of_this_partnership(editor_client, partnership, budget):
    with scopes_disabled():
        activity = ActivityFactory(partnership=partnership)
    response = editor_client.post(
        url("cost-line-create"), cost_line_data(activity=str(activity.code))
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert CostLine.objects.get(partnership=partnership).activity == activity


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"unit_price": "-5"}, "unit_price"),
        ({"unit_price": "100.000.000,01"}, "unit_price"),
        ({"unit_price": "twaalf"}, "unit_price"),
        ({"unit_price": ""}, "unit_price"),
        ({"unit_price": HUGE}, "unit_price"),
        ({"unit_price": SCRIPT}, "unit_price"),
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "1e9"}, "quantity"),
        ({"quantity": "abc"}, "quantity"),
        ({"unit_price": "100.000.000", "quantity": "2"}, "__all__"),
        ({"unit_price": "50.000.000,01", "quantity": "2"}, "__all__"),
        ({"year": "2024"}, "year"),
        ({"year": "2029"}, "year"),
        ({"year": "twee"}, "year"),
        ({"year": ""}, "year"),
        ({"category": "bogus"}, "category"),
        ({"description": ""}, "description"),
        ({"description": HUGE}, "description"),
        ({"activity": str(uuid.uuid4())}, "activity"),
        ({"activity": SCRIPT}, "activity"),
    ],
)
def test_bad_cost_line_input_is_a_form_error_and_saves_nothing(
    editor_client, partnership, budget, overrides, field
):
    response = editor_client.post(url("cost-line-create"), cost_line_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert SCRIPT.encode() not in response.content
    with scopes_disabled():
        assert not CostLine.objects.filter(partnership=partnership).exists()


def test_an_activity_of_another_partnership_is_a_form_error(
    editor_client, partnership, other_partnership, budget
):
    with scopes_disabled():
        foreign = ActivityFactory(partnership=other_partnership)
    response = editor_client.post(
        url("cost-line-create"), cost_line_data(activity=str(foreign.code))
    )
    assert response.status_code == 200
    assert "activity" in response.context["form"].errors
    with scopes_disabled():
        assert not CostLine.objects.filter(partnership=partnership).exists()


def test_cost_line_service_refuses_what_a_forged_form_would_let_through(
    partnership, other_partnership, budget
):
    with scopes_disabled():
        foreign = ActivityFactory(partnership=other_partnership)
        fields = {
            "category": "other",
            "description": "Drukwerk",
            "unit_price": D("10"),
            "quantity": D("1"),
        }
        with pytest.raises(ValidationError) as error:
            services.cost_line_save(budget=budget, year=2030, activity=foreign, **fields)
        assert set(error.value.message_dict) == {"year", "activity"}
        with pytest.raises(ValidationError) as error:
            services.cost_line_save(budget=budget, year=2026, **{**fields, "quantity": D("-1")})
        assert set(error.value.message_dict) == {"quantity"}
        assert not CostLine.objects.filter(partnership=partnership).exists()


def test_script_in_a_description_is_shown_escaped(editor_client, partnership, budget):
    assert (
        editor_client.post(url("cost-line-create"), cost_line_data(description=SCRIPT)).status_code
        == 302
    )
    assert (
        editor_client.post(
            url("funding-line-create"), funding_line_data(description=SCRIPT)
        ).status_code
        == 302
    )
    response = editor_client.get(url("budget"))
    assert SCRIPT.encode() not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
    with scopes_disabled():
        line = CostLine.objects.get(partnership=partnership)
    confirm = editor_client.get(url("cost-line-delete", code=line.code))
    assert SCRIPT.encode() not in confirm.content


def test_editor_changes_a_cost_line_and_its_amount_follows(editor_client, partnership, budget):
    with scopes_disabled():
        line = CostLineFactory(partnership=partnership)
    response = editor_client.post(
        url("cost-line-update", code=line.code),
        cost_line_data(unit_price="80", quantity="12,5", category="internal_personnel"),
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.quantity, line.amount) == (D("12.5"), D("1000.00"))


def test_the_edit_form_shows_the_lines_activity(editor_client, partnership, budget):
    with scopes_disabled():
        activity = ActivityFactory(partnership=partnership)
        line = CostLineFactory(partnership=partnership, activity=activity)
    response = editor_client.get(url("cost-line-update", code=line.code))
    form = response.context["form"]
    assert str(form["activity"].value()) == str(activity.code)
    assert f'value="{activity.code}" selected'.encode() in response.content
    assert form["unit_price"].value() == "80,00"


def test_a_refused_change_leaves_the_line_as_it_was(editor_client, partnership, budget):
    with scopes_disabled():
        line = CostLineFactory(partnership=partnership)
    response = editor_client.post(
        url("cost-line-update", code=line.code), cost_line_data(unit_price="-1")
    )
    assert response.status_code == 200
    line.refresh_from_db()
    assert line.amount == D("8000.00")


def test_deleting_a_cost_line_asks_first(editor_client, partnership, budget):
    with scopes_disabled():
        line = CostLineFactory(partnership=partnership)
    assert editor_client.get(url("cost-line-delete", code=line.code)).status_code == 200
    with scopes_disabled():
        assert CostLine.objects.filter(pk=line.pk).exists()
    response = editor_client.post(url("cost-line-delete", code=line.code))
    assert response.status_code == 302
    assert response.url == url("budget")
    with scopes_disabled():
        assert not CostLine.objects.filter(pk=line.pk).exists()


def test_a_line_of_another_partnership_is_not_found(
    editor_client, partnership, other_partnership, budget
):
    with scopes_disabled():
        cost = CostLineFactory(partnership=other_partnership)
        funding = FundingLineFactory(partnership=other_partnership)
    assert editor_client.get(url("cost-line-update", code=cost.code)).status_code == 404
    assert editor_client.post(url("cost-line-delete", code=cost.code)).status_code == 404
    assert editor_client.post(url("funding-line-delete", code=funding.code)).status_code == 404
    with scopes_disabled():
        assert CostLine.objects.filter(pk=cost.pk).exists()
        assert FundingLine.objects.filter(pk=funding.pk).exists()


def test_without_a_budget_a_line_form_sends_you_to_the_budget(editor_client, partnership):
    response = editor_client.post(url("cost-line-create"), cost_line_data())
    assert response.status_code == 302
    assert response.url == url("budget")
    with scopes_disabled():
        assert not CostLine.objects.filter(partnership=partnership).exists()


def test_the_year_choices_are_the_years_of_the_scheme(partnership, budget):
    with scopes_disabled():
        form = CostLineForm(budget=budget)
    assert [value for value, _label in form.fields["year"].choices] == YEARS


# --- Funding lines --------------------------------------------------------------------------


def test_editor_adds_a_funding_line(editor_client, partnership, budget):
    response = editor_client.post(url("funding-line-create"), funding_line_data())
    assert response.status_code == 302
    assert response.url == url("budget")
    with scopes_disabled():
        line = FundingLine.objects.get(partnership=partnership)
    assert (line.year, line.source, line.amount) == (2026, "subsidy", D("7500.00"))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-100"}, "amount"),
        ({"amount": "100.000.000,01"}, "amount"),
        ({"amount": "1,005"}, "amount"),
        ({"amount": "zeven"}, "amount"),
        ({"amount": ""}, "amount"),
        ({"amount": SCRIPT}, "amount"),
        ({"year": "2024"}, "year"),
        ({"source": "business"}, "source"),
        ({"description": HUGE}, "description"),
    ],
)
def test_bad_funding_line_input_is_a_form_error_and_saves_nothing(
    editor_client, partnership, budget, overrides, field
):
    response = editor_client.post(url("funding-line-create"), funding_line_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert SCRIPT.encode() not in response.content
    with scopes_disabled():
        assert not FundingLine.objects.filter(partnership=partnership).exists()


def test_funding_line_service_refuses_zero_and_a_year_outside_the_scheme(partnership, budget):
    with scopes_disabled(), pytest.raises(ValidationError) as error:
        services.funding_line_save(
            budget=budget, year=2024, source="subsidy", description="", amount=D("0")
        )
    assert set(error.value.message_dict) == {"year", "amount"}


def test_editor_changes_and_deletes_a_funding_line(editor_client, partnership, budget):
    with scopes_disabled():
        line = FundingLineFactory(partnership=partnership)
    response = editor_client.post(
        url("funding-line-update", code=line.code), funding_line_data(amount="8.000,50")
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.amount == D("8000.50")
    assert editor_client.get(url("funding-line-delete", code=line.code)).status_code == 200
    assert editor_client.post(url("funding-line-delete", code=line.code)).status_code == 302
    with scopes_disabled():
        assert not FundingLine.objects.filter(pk=line.pk).exists()


def test_a_changed_cost_line_shows_who_changed_what(leader_client, partnership, leader):
    from cofinancing.models import CostLine
    from tests.factories import BudgetFactory, CostLineFactory

    with scopes_disabled():
        BudgetFactory(partnership=partnership)
        line = CostLineFactory(partnership=partnership, description="Lasapparatuur")
    url = reverse("cofinancing:cost-line-update", kwargs={"slug": "twente", "code": line.code})
    data = {"year": "2026", "category": "material", "description": "Lasapparatuur",
            "unit_price": "1.250,00", "quantity": "2"}  # fmt: skip
    assert leader_client.post(url, data).status_code == 302
    history = leader_client.get(url).context["history"]
    assert history[0].who == leader
    assert "€\u00a01.250,00" in {new for _label, _old, new in history[0].changes}
    with scopes_disabled():
        assert CostLine.objects.get(pk=line.pk).amount == Decimal("2500.00")
