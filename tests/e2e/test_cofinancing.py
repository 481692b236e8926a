"""A labour contribution valued live while typing, a workbook imported through its preview,
and the export downloaded. Run in English (see test_activities.py)."""

import io
import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import choose_remote, click_slow, download_slow
from tests.fixtures_xlsx import workbook

HEADERS_OF_THE_IMPORT = ["Samenwerkingsverband", "Organisaties", "Activiteiten", "Bijdragen",
                         "Begroting", "Dekking"]  # fmt: skip


def _field(scope, label):
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def test_live_value_import_with_preview_and_export(
    live_server, page, a11y, demo, sign_in, tmp_path
):
    sign_in()
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    a11y()
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Cofinancing", exact=True
    ).click()
    a11y()

    # A labour contribution: its value and the threshold change while typing.
    page.get_by_role("link", name="Contributions", exact=True).click()
    a11y()
    page.get_by_role("link", name="Add contribution").first.click()
    a11y()
    # The organisation is searched among the options in the page: the demo region has fewer
    # than partners.widgets.FULL_OPTIONS, so they are all there (and work without JavaScript).
    expect(page.locator("select[name=organisation]")).to_have_attribute("data-options-complete", "")
    choose_remote(page, "Organisation", "hendriks", r"^Lasbedrijf Hendriks & Zn\.")
    _field(page, "Year").select_option("2026")
    _field(page, "Kind").select_option("labour")
    _field(page, "Description").fill("Gastlessen lassen, 30 lessen van 3 uur")
    value = page.locator("[data-preview=value]")
    hours = _field(page, "Hours")
    hours.press_sequentially("9")
    expect(value).to_have_text("€\u00a0450,00")
    before = page.locator("[data-preview=after-business-total]").inner_text()
    hours.press_sequentially("0")
    expect(value).to_have_text("€\u00a04.500,00")
    expect(page.locator("[data-preview=after-business-total]")).not_to_have_text(before)
    a11y()
    page.get_by_role("button", name="Save contribution").click()
    expect(page.get_by_text("€\u00a04.500,00").first).to_be_visible()
    a11y()

    # Upload a workbook, read its preview, confirm.
    page.get_by_role("link", name="Import and export", exact=True).click()
    a11y()
    upload = tmp_path / "samenwerking.xlsx"
    upload.write_bytes(workbook(as_bytes=True))
    page.get_by_label(re.compile("workbook|Workbook|file|File")).set_input_files(str(upload))
    # Reading the workbook and writing it in are slow work.
    click_slow(page.get_by_role("button", name="Upload and show the preview"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Preview")
    a11y()
    click_slow(page.get_by_role("button", name="Confirm the import"))
    expect(page.get_by_role("status").first).to_be_visible()
    a11y()

    # Download the export: the readable sheets and the six import sheets.
    page.get_by_role("link", name="Import and export", exact=True).click()
    a11y()
    download = download_slow(page.get_by_role("link", name="Download the export (.xlsx)"))
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert set(HEADERS_OF_THE_IMPORT) <= set(book.sheetnames)
    descriptions = [row[4] for row in book["Bijdragen"].iter_rows(min_row=2, values_only=True)]
    assert "Gastlessen lassen, 30 lessen van 3 uur" in descriptions
    assert "30 gastlessen van 3 uur" in descriptions  # from the imported workbook


def test_a_long_list_loads_its_options_as_one_types(live_server, page, a11y, demo, sign_in):
    """More organisations than partners.widgets.FULL_OPTIONS: the select holds the chosen
    one only and asks the server for matches while typing."""
    from django_scopes import scopes_disabled

    from partners.models import Organisation, Partnership
    from partners.widgets import FULL_OPTIONS

    with scopes_disabled():
        demo_region = Partnership.objects.get(slug="demo")
        Organisation.objects.bulk_create(
            Organisation(partnership=demo_region, name=f"Installatiebedrijf {n:03} B.V.")
            for n in range(FULL_OPTIONS)
        )
    sign_in()
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    a11y()
    page.goto(live_server.url + "/p/demo/cofinancing/contributions/")
    a11y()
    select = page.locator("select[name=organisation]")
    expect(select).not_to_have_attribute("data-options-complete", "")
    expect(select.locator("option")).to_have_count(1)
    with page.expect_response(re.compile(r"/partners/options/\?q=hendriks")):
        choose_remote(page, "Organisation", "hendriks", r"^Lasbedrijf Hendriks & Zn\.")
    # One click filters (a chosen name that wrapped made the field shrink on blur, and the
    # button moved from under the pointer: static/css/sterk.css).
    page.get_by_role("button", name="Filter", exact=True).click()
    expect(page).to_have_url(re.compile(r"organisation=\d+"))
    a11y()
    # The filtered page renders the chosen organisation only, chosen.
    expect(page.locator("select[name=organisation] option[selected]")).to_have_text(
        re.compile(r"^Lasbedrijf Hendriks")
    )
    expect(page.locator("select[name=organisation] option")).to_have_count(2)
    for text in page.locator("table tbody tr").all_inner_texts():
        assert "Lasbedrijf Hendriks" in text
