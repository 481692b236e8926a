"""A project leader sets up a steering group, holds a meeting with a decision and an action,
finds the action in the follow-up list and ticks it done, with axe on every page
(docs/rules.md §27). Run in English, the language of the labels."""

import datetime
import re
import subprocess

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from tests.e2e.conftest import download_slow, twente_leader
from tests.factories import PASSWORD, ContactFactory, OrganisationFactory


@pytest.fixture
def region(transactional_db, settings, live_server):
    partnership, leader = twente_leader(settings, live_server)
    with scopes_disabled():
        ContactFactory(
            organisation=OrganisationFactory(partnership=partnership, name="Metaal BV"),
            name="Anna Bos",
        )
    return leader


def test_a_leader_runs_a_steering_group_meeting_and_ticks_its_action_in_follow_up(
    live_server, page, a11y, region, tmp_path
):
    page.goto(live_server.url + "/accounts/login/")
    a11y()
    page.get_by_label("E-mailadres").fill(region.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/p/twente/$"))
    a11y()
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    a11y()

    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Governance", exact=True
    ).click()
    expect(page.get_by_text("No bodies yet")).to_be_visible()
    a11y()

    # A steering group with two members, one of them chair.
    page.get_by_role("link", name="New body").click()
    a11y()
    page.get_by_label("Kind").select_option(label="Steering group")
    page.get_by_label("Name").fill("Stuurgroep Twente")
    page.get_by_label("What it decides on").fill("Het activiteitenplan en de begroting")
    page.get_by_role("button", name="Save body").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stuurgroep Twente")
    a11y()
    page.get_by_label("Person").select_option(label="Anna Bos (Metaal BV)")
    page.get_by_role("button", name="Add member").click()
    a11y()
    page.get_by_label("Person").select_option(label="Lotte Leider")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("listitem").filter(has_text="Lotte Leider")).to_be_visible()
    a11y()
    page.get_by_role("link", name="Edit body").click()
    a11y()
    page.get_by_label("Chair").select_option(label="Anna Bos (Metaal BV)")
    page.get_by_label("Secretary").select_option(label="Lotte Leider")
    page.get_by_role("button", name="Save body").click()
    expect(page.get_by_role("listitem").filter(has_text="Anna Bos")).to_contain_text("chair")
    a11y()

    # A meeting held yesterday, with minutes, a decision and an action.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_role("link", name="New meeting").click()
    a11y()
    page.get_by_label("Date").fill(yesterday.isoformat())
    page.get_by_label("Agenda").fill("1. Opening\n2. Plan")
    page.get_by_label("Anna Bos (Metaal BV)").check()
    page.get_by_label("Minutes").fill("Het plan is besproken.")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stuurgroep Twente")
    a11y()
    page.get_by_label("Decision in short").fill("Plan vastgesteld")
    page.get_by_label("What was decided").fill("De stuurgroep stelt het plan vast.")
    page.get_by_role("button", name="Take down decision").click()
    expect(page.get_by_text("Decision 1: Plan vastgesteld")).to_be_visible()
    a11y()
    page.get_by_role("textbox", name=re.compile(r"^Action")).fill("Rooster gastlessen maken")
    page.get_by_label("Owner").select_option(label="Lotte Leider")
    page.get_by_label("Due").fill((timezone.localdate() + datetime.timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("cell", name="Rooster gastlessen maken", exact=True)).to_be_visible()
    a11y()

    download = download_slow(page.get_by_role("link", name="Minutes as PDF"))
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Verslag Stuurgroep Twente" in text and "Plan vastgesteld" in text

    # The action waits in the follow-up list; one click ticks it done.
    page.goto(live_server.url + "/p/twente/follow-up/")
    a11y()
    section = page.get_by_role("region", name=re.compile("Actions from meetings"))
    row = section.get_by_role("row").filter(has_text="Rooster gastlessen maken")
    expect(row).to_contain_text("Stuurgroep Twente")
    row.get_by_role("button", name=re.compile(r"Mark done")).click()
    # htmx swaps the row in place (no reload, so no message), focus on its status cell.
    expect(row.get_by_role("status")).to_have_text("Done")
    expect(row.get_by_role("cell").last).to_be_focused()
    expect(page.get_by_text("Action marked done")).to_have_count(0)
    a11y()
    row.get_by_role("button", name=re.compile(r"Undo")).click()
    expect(row.get_by_role("button", name=re.compile(r"Mark done"))).to_be_visible()
    row.get_by_role("button", name=re.compile(r"Mark done")).click()
    expect(row.get_by_role("status")).to_have_text("Done")
    page.reload()  # nothing open any more: the empty state alone
    expect(page.get_by_role("heading", name="Nothing to follow up")).to_be_visible()
    expect(section).to_have_count(0)
    a11y()

    # The decision list finds it; who decides is one page.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Governance", exact=True
    ).click()
    a11y()
    page.get_by_role("link", name="Decisions", exact=True).click()
    a11y()
    page.get_by_role("textbox", name="Search").fill("plan")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name=re.compile("Plan vastgesteld"))).to_be_visible()
    a11y()
    page.get_by_role("link", name="Who decides").click()
    expect(page.get_by_text("No activities yet")).to_be_visible()
    a11y()

    # The decision's wording changes; then the decision and the meeting go, each confirmed.
    page.get_by_role("link", name="Decisions", exact=True).click()
    page.get_by_role("row").filter(has_text="Plan vastgesteld").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stuurgroep Twente")
    page.get_by_role("link", name=re.compile(r"^Edit\W+Decision 1$")).click()
    a11y()
    page.get_by_label("What was decided").fill("De stuurgroep stelt het plan en de begroting vast.")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Decision 1 was saved.")).to_be_visible()
    expect(page.get_by_text("het plan en de begroting vast")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Delete\W+Decision 1$")).click()
    a11y()
    page.get_by_role("button", name="Delete decision").click()
    expect(page.get_by_text(re.compile("Decision 1 was deleted"))).to_be_visible()
    expect(page.get_by_text("No decisions taken down yet.")).to_be_visible()
    a11y()
    page.get_by_role("link", name="Delete meeting").click()
    expect(page.get_by_text("Its 1 action is deleted too")).to_be_visible()
    a11y()
    page.get_by_role("button", name="Delete meeting").click()
    expect(page.get_by_text(re.compile(r"The meeting of .* was deleted\."))).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stuurgroep Twente")
    a11y()
