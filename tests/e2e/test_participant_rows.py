"""Participant rows added on the activity page with htmx, not by saving first; Enter in a
field still saves. Run in English (see tests/e2e/test_activities.py)."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import choose_remote
from tests.e2e.test_activities import _field, _to_english


def test_add_participant_rows_on_the_page_and_save_them(live_server, page, a11y, demo, sign_in):
    sign_in()
    _to_english(page, a11y)
    page.goto(live_server.url + "/p/demo/activities/new/")
    a11y()
    rows = page.get_by_role("group", name=re.compile(r"^Participant \d+$"))
    expect(rows).to_have_count(2)

    add = page.get_by_role("button", name="Add a participant")
    add.click()
    expect(rows).to_have_count(3)
    expect(rows.nth(2)).to_be_focused()
    add.click()
    expect(rows).to_have_count(4)
    expect(rows.nth(3)).to_be_focused()
    expect(page.locator("#id_participants-TOTAL_FORMS")).to_have_value("4")
    expect(page.get_by_role("group", name="Participant 4")).to_be_visible()
    a11y()

    # Nothing was saved yet: the form is still the new activity's.
    expect(page).to_have_url(live_server.url + "/p/demo/activities/new/")
    _field(page, "Title").fill("Techniekweek met vier partners")
    page.get_by_label(re.compile("Form of cooperation")).select_option("4")
    for index, organisation in [
        (0, "ROC Voorbeeldstad"),
        (2, "Lasbedrijf Hendriks & Zn."),
        (3, "Robotica Heidelo B.V."),
    ]:
        row = rows.nth(index)
        choose_remote(row, "Organisation", organisation, rf"^{re.escape(organisation)}")
        _field(row, "Tasks").fill(f"Taak van {organisation}.")
        _field(row, "Responsibilities").fill("Meldt voortgang aan de projectleider.")
    a11y()

    # Enter in a field saves (the form's default button), it adds no row.
    code = _field(page, "Code")
    code.fill("TW4")
    code.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Techniekweek met vier partners")
    for organisation in ["ROC Voorbeeldstad", "Lasbedrijf Hendriks & Zn.", "Robotica Heidelo B.V."]:
        expect(page.get_by_text(f"Taak van {organisation}.")).to_be_visible()
    a11y()
