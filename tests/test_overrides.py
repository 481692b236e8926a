"""Counting as business by override (docs/rules.md §4): who approved it and when, by form,
import and admin; the overview and dashboard say when the share is met only thanks to it.
And lines of an activity funded by another scheme (docs/rules.md §7)."""

import re
from decimal import Decimal as D
from html import unescape

import pytest
from django.contrib.admin.sites import AdminSite
from django.test import Client, RequestFactory
from django.urls import reverse
from django_scopes import scopes_disabled

from cofinancing.importer import import_workbook
from cofinancing.selectors.summary import partnership_summary
from partners.admin import OrganisationAdmin
from partners.models import ApprovalVia, Organisation
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContributionFactory,
    CostLineFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.fixtures_xlsx import workbook

JUSTIFICATION = "Het opleidingsfonds wordt gevuld met premies van werkgevers in de techniek."


def url(name, **kwargs):
    return reverse(name, kwargs={"slug": "twente", **kwargs})


def post_fund(client, **overrides):
    data = {
        "name": "OO-fonds Metaal", "kind": "oo_fund", "stage": "committed",
        "business_override": "yes", "business_justification": JUSTIFICATION, **overrides,
    }  # fmt: skip
    return client.post(url("partners:organisation-create"), data)


def fund():
    with scopes_disabled():
        return Organisation.objects.get(name="OO-fonds Metaal")


# --- Who approved it ---------------------------------------------------------------------


def test_a_leader_sets_an_override_and_it_records_who_and_when(leader_client, leader):
    assert post_fund(leader_client).status_code == 302
    organisation = fund()
    assert organisation.counts_as_business is True
    assert organisation.business_approved_by == leader
    assert organisation.business_approved_at is not None
    assert organisation.business_approved_via == ApprovalVia.FORM
    page = leader_client.get(url("partners:organisation-detail", code=organisation.code))
    text = unescape(page.content.decode())
    approval = f"Goedgekeurd door {leader} op " + r"\d+ \w+ \d{4}, via het organisatieformulier"
    assert re.search(approval, text)


def test_an_editor_cannot_set_or_change_an_override(editor, leader_client):
    client = Client()
    client.force_login(editor)
    assert post_fund(client).status_code == 302
    organisation = fund()
    assert organisation.business_override is None  # the disabled field ignored the post
    form = client.get(url("partners:organisation-update", code=organisation.code))
    assert "Alleen een projectleider" in form.content.decode()

    post_fund(leader_client, name="OO-fonds Bouw")
    with scopes_disabled():
        bouw = Organisation.objects.get(name="OO-fonds Bouw")
    client.post(
        url("partners:organisation-update", code=bouw.code),
        {"name": "OO-fonds Bouw", "kind": "oo_fund", "stage": "committed",
         "business_override": "no", "business_justification": "Toch niet."},
    )  # fmt: skip
    bouw.refresh_from_db()
    assert bouw.business_override is True and bouw.business_justification == JUSTIFICATION


def test_an_unchanged_override_keeps_its_approval(leader_client, leader, editor):
    post_fund(leader_client)
    organisation = fund()
    approved_at = organisation.business_approved_at
    client = Client()
    client.force_login(editor)
    client.post(
        url("partners:organisation-update", code=organisation.code),
        {"name": "OO-fonds Metaal", "kind": "oo_fund", "stage": "committed", "city": "Hengelo"},
    )
    organisation.refresh_from_db()
    assert organisation.city == "Hengelo"
    assert organisation.business_approved_by == leader
    assert organisation.business_approved_at == approved_at


def test_clearing_the_override_clears_its_approval(leader_client):
    post_fund(leader_client)
    organisation = fund()
    leader_client.post(
        url("partners:organisation-update", code=organisation.code),
        {"name": "OO-fonds Metaal", "kind": "oo_fund", "stage": "committed",
         "business_override": ""},
    )  # fmt: skip
    organisation.refresh_from_db()
    assert organisation.business_override is None
    assert organisation.business_approved_by is None and organisation.business_approved_via == ""


def test_an_import_by_a_leader_approves_as_that_leader(partnership, leader):
    result = import_workbook(workbook(), partnership=partnership, user=leader)
    assert result.ok, result.error_messages
    with scopes_disabled():
        organisation = Organisation.objects.get(partnership=partnership, name="OO-fonds Metaal")
    assert organisation.business_override is True
    assert organisation.business_approved_by == leader
    assert organisation.business_approved_via == ApprovalVia.IMPORT
    assert organisation.business_approved_at is not None


def test_the_import_command_approves_as_the_command(partnership):
    assert import_workbook(workbook(), partnership=partnership, user=None).ok
    with scopes_disabled():
        organisation = Organisation.objects.get(partnership=partnership, name="OO-fonds Metaal")
    assert organisation.business_approved_by is None
    assert organisation.business_approved_via == ApprovalVia.IMPORT_COMMAND


def test_an_override_saved_in_the_admin_is_approved_by_that_admin(partnership):
    admin_user = UserFactory(email="beheer@sterk.test", is_staff=True, is_superuser=True)
    with scopes_disabled():
        organisation = OrganisationFactory(partnership=partnership, kind="oo_fund")
        organisation.business_override = True
        organisation.business_justification = JUSTIFICATION
        request = RequestFactory().post("/")
        request.user = admin_user

        class Form:
            changed_data = ["business_override", "business_justification"]

        OrganisationAdmin(Organisation, AdminSite()).save_model(request, organisation, Form, True)
        organisation.refresh_from_db()
    assert organisation.business_approved_by == admin_user
    assert organisation.business_approved_via == ApprovalVia.ADMIN


# --- Met only thanks to overrides ----------------------------------------------------------


@pytest.fixture
def budget(partnership):
    with scopes_disabled():
        return BudgetFactory(partnership=partnership)


def money(organisation, amount, **fields):
    return ContributionFactory(
        organisation=organisation, kind="money", amount=D(amount), hours=None,
        hourly_rate=None, value=D(amount), **fields,
    )  # fmt: skip


@pytest.fixture
def shares(partnership, budget):
    """Costs € 10,000: € 1,000 required. A company brings € 600, an O&O fund counted as
    business by override € 500: met only thanks to the override."""
    with scopes_disabled():
        CostLineFactory(partnership=partnership, year=2026, amount=D("10000.00"))
        company = OrganisationFactory(partnership=partnership, name="Lasbedrijf Oost")
        oo_fund = OrganisationFactory(
            partnership=partnership, name="OO-fonds Metaal", kind="oo_fund",
            business_override=True, business_justification=JUSTIFICATION,
        )  # fmt: skip
        money(company, "600.00")
        money(oo_fund, "500.00")
    return company


def test_the_summary_counts_the_share_without_overrides(partnership, shares):
    with scopes_disabled():
        summary = partnership_summary(partnership=partnership)
    assert summary.total.business_total == D("1100.00") and summary.total.met
    assert summary.without_overrides.business_total == D("600.00")
    assert summary.without_overrides.shortfall == D("400.00")
    assert summary.met_only_by_overrides
    assert [o.name for o in summary.override_organisations] == ["OO-fonds Metaal"]


def test_the_overview_and_dashboard_say_the_share_is_met_only_thanks_to_overrides(
    leader_client, shares
):
    overview = unescape(leader_client.get(url("cofinancing:overview")).content.decode())
    assert 'data-overrides="only"' in overview
    assert "Alleen gehaald dankzij uitzonderingen" in overview
    assert "€\xa0600,00" in overview and "€\xa0400,00 tekort" in overview
    assert "OO-fonds Metaal (€\xa0500,00)" in overview
    dashboard = unescape(
        leader_client.get(reverse("dashboard", kwargs={"slug": "twente"})).content.decode()
    )
    assert 'data-overrides="only"' in dashboard


def test_with_enough_real_business_the_overview_says_so(leader_client, shares):
    with scopes_disabled():
        money(shares, "400.00", description="Tweede storting")
    overview = leader_client.get(url("cofinancing:overview")).content.decode()
    assert 'data-overrides="also"' in overview
    assert "ook zonder" in overview


def test_without_overrides_nothing_is_said(leader_client, partnership, budget):
    with scopes_disabled():
        money(OrganisationFactory(partnership=partnership), "100.00")
    assert "data-overrides" not in leader_client.get(url("cofinancing:overview")).content.decode()


# --- Funded elsewhere at activity level -----------------------------------------------------


def test_an_activity_funded_elsewhere_takes_its_lines_out_unless_they_say_why(
    partnership, budget, leader_client
):
    with scopes_disabled():
        rif = ActivityFactory(partnership=partnership, short_code="A15", other_funding="RIF-17")
        company = OrganisationFactory(partnership=partnership, name="Robotica Heidelo")
        CostLineFactory(partnership=partnership, year=2026, amount=D("10000.00"))
        CostLineFactory(partnership=partnership, year=2026, amount=D("3000.00"), activity=rif,
                        description="Huur robotcel")  # fmt: skip
        CostLineFactory(
            partnership=partnership, year=2026, amount=D("2000.00"), activity=rif,
            description="Begeleiding", not_double_financed="Het RIF-project betaalt alleen de "
            "robotcel; deze uren staan niet in de RIF-begroting.",
        )  # fmt: skip
        money(company, "700.00", activity=rif, description="Storting robotcel")
        money(
            company, "900.00", activity=rif, description="Storting lessen",
            not_double_financed="Deze storting betaalt de lessen, die het RIF niet betaalt.",
        )  # fmt: skip
        summary = partnership_summary(partnership=partnership)
    assert summary.total.total_costs == D("12000.00")  # 10,000 + 2,000; the 3,000 is out
    assert summary.total.business_total == D("900.00")
    assert [(c.description, c.excluded_reason) for c in summary.excluded] == [
        ("Storting robotcel", "activiteit A15 wordt betaald uit RIF-17")
    ]
    assert [(c.description, c.reason) for c in summary.excluded_costs] == [
        ("Huur robotcel", "activiteit A15 wordt betaald uit RIF-17")
    ]
    page = unescape(leader_client.get(url("cofinancing:overview")).content.decode())
    assert "Huur robotcel" in page and "activiteit A15 wordt betaald uit RIF-17" in page
