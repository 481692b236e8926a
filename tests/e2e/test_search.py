"""The global search in Chromium: "/" and Ctrl+K focus the header's box, the results page
groups what it finds, "more" leads to the filtered list. Run in English (see
tests/e2e/test_activities.py); the header fits at 1366 px."""

import re

from playwright.sync_api import expect

from tests.e2e.test_activities import _to_english


def test_global_search_by_keyboard_shortcut(live_server, page, a11y, demo, sign_in):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in()
    _to_english(page, a11y)
    box = page.locator("#header-search")
    expect(box).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert box.bounding_box()["x"] + box.bounding_box()["width"] <= 1366

    # "/" outside a field focuses the box; typed there, "/" is just a character.
    page.locator("main h1").first.click()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    page.keyboard.type("lasbedrijf")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/p/demo/search/\?q=lasbedrijf$"))
    a11y()
    organisations = page.get_by_role("region", name="Organisations")
    expect(organisations.get_by_role("link", name="Lasbedrijf Hendriks & Zn.")).to_be_visible()
    expect(box).to_have_value("lasbedrijf")
    organisations.get_by_role("link", name="Lasbedrijf Hendriks & Zn.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lasbedrijf Hendriks & Zn.")
    a11y()

    # Ctrl+K works from inside another field too.
    page.get_by_label("Language").focus()
    page.keyboard.press("Control+k")
    expect(box).to_be_focused()
    box.fill("B.V.")
    box.press("Enter")
    a11y()
    group = page.get_by_role("region", name="Organisations")
    expect(group.get_by_role("listitem")).to_have_count(10)
    group.get_by_role("link", name=re.compile("^All organisations matching")).click()
    expect(page).to_have_url(re.compile(r"/p/demo/partners/\?q=B.V.$"))
    a11y()
    expect(page.get_by_label("Search", exact=True)).to_have_value("B.V.")

    # A query of nothing useful: no error, a hint.
    box.fill("'%")
    box.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Nothing found")).to_be_visible()
    a11y()
