"""Goals, an activity with participants, a result toward the goal and an evaluation round.

Run in English (the language switch is part of the flow), so the test reads the labels
the developers wrote; Dutch is the default and is covered by the other browser tests.
"""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import choose_remote


def _field(scope, label):
    """The input labelled `label`, required (crispy adds an asterisk) or not."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def _to_english(page, a11y):
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    a11y()


def test_goal_activity_participants_result_progress_and_evaluation(
    live_server, page, a11y, demo, sign_in
):
    sign_in()
    _to_english(page, a11y)
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("link", name="Activities", exact=True).click()
    a11y()

    # A goal with a measurable target.
    page.get_by_role("link", name="Goals", exact=True).click()
    a11y()
    page.get_by_role("link", name="New goal").click()
    a11y()
    _field(page, "Title").fill("Meer lasinstructeurs in de regio")
    _field(page, "Indicator").fill("Opgeleide lasinstructeurs")
    _field(page, "Target value").fill("40")
    _field(page, "Unit").fill("instructeurs")
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meer lasinstructeurs")
    a11y()

    # An activity serving it, with two participants and their tasks.
    nav.get_by_role("link", name="Activities", exact=True).click()
    page.get_by_role("link", name="Add activity").first.click()
    a11y()
    _field(page, "Code").fill("E2E1")
    _field(page, "Title").fill("Lasacademie voor docenten")
    page.get_by_label(re.compile("Form of cooperation")).select_option("4")
    page.get_by_label("Meer lasinstructeurs in de regio").check()
    _field(page, "Status").select_option("running")
    rows = page.get_by_role("group", name=re.compile("Participant"))
    for index, (organisation, task) in enumerate(
        [("ROC Voorbeeldstad", "Levert twee docenten per kwartaal."),
         ("Lasbedrijf Hendriks & Zn.", "Geeft de praktijklessen in de eigen werkplaats.")]
    ):  # fmt: skip
        row = rows.nth(index)
        choose_remote(row, "Organisation", organisation, rf"^{re.escape(organisation)}")
        _field(row, "Tasks").fill(task)
        _field(row, "Responsibilities").fill("Meldt voortgang aan de projectleider.")
    page.get_by_role("button", name="Save activity").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lasacademie voor docenten")
    expect(page.get_by_text("Geeft de praktijklessen in de eigen werkplaats.")).to_be_visible()
    a11y()

    # A success measured toward the goal.
    page.get_by_role("link", name="Record a result").click()
    a11y()
    page.get_by_role("radio", name="Success").check()
    _field(page, "Description").fill("Eerste 12,5 fte instructeurs gecertificeerd.")
    _field(page, "Goal").select_option(label="Meer lasinstructeurs in de regio")
    _field(page, "Measured value").fill("12,5")
    _field(page, "Celebrated").check()
    page.get_by_role("button", name="Save result").click()
    expect(page.get_by_text("Eerste 12,5 fte instructeurs gecertificeerd.")).to_be_visible()
    a11y()

    # The goal shows its progress: 12.5 of 40 is 31.2%.
    page.get_by_role("link", name="Meer lasinstructeurs in de regio").first.click()
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "31.2")
    a11y()

    # An evaluation round with the guide's questions.
    page.get_by_role("link", name="Evaluations", exact=True).click()
    a11y()
    page.get_by_role("link", name="Record an evaluation round").first.click()
    a11y()
    for question, answer in [
        ("shared goals", "Ja, de lasacademie past bij ons doel."),
        ("results we want", "Ja, 12,5 instructeurs in het eerste jaar."),
        ("What works", "Praktijklessen werken; roosters nog niet."),
        ("still satisfied", "Ja."),
        ("adjust our goals", "Nee."),
    ]:
        page.get_by_label(re.compile(question)).fill(answer)
    page.get_by_role("button", name="Save evaluation round").click()
    expect(page.get_by_text("Praktijklessen werken; roosters nog niet.")).to_be_visible()
    a11y()
