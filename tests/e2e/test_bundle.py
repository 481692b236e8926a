"""A project leader builds the accountant's bundle on the settlement page and downloads it,
with axe on every page (docs/rules.md §24). Run in English, the language of the labels."""

import hashlib
import re
import zipfile

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from tests.bundle_data import bundle_region, manifest
from tests.e2e.conftest import click_slow, download_slow, twente_leader
from tests.factories import PASSWORD


@pytest.fixture
def region(transactional_db, settings, live_server):
    partnership, leader = twente_leader(settings, live_server)
    with scopes_disabled():
        bundle_region(partnership, leader)
    return leader


def test_a_leader_downloads_the_bundle_of_a_year_from_the_settlement_page(
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

    page.goto(live_server.url + "/p/twente/cofinancing/settlement/?year=2025")
    section = page.locator("[data-slot=bundle]")
    expect(section).to_contain_text("No bundle has been built yet.")
    a11y()
    click_slow(section.get_by_role("button", name="Build the accountant's bundle of 2025"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bundle for the accountant, 2025")
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text("ready")
    sha256 = page.locator("[data-figure=manifest-sha256]").inner_text()
    a11y()

    download = download_slow(page.get_by_role("link", name="Download the bundle (ZIP)"))
    assert download.suggested_filename.startswith("accountantsdossier-twente-2025-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    archive = zipfile.ZipFile(path)
    assert hashlib.sha256(archive.read("MANIFEST.csv")).hexdigest() == sha256
    for row in manifest(archive):
        assert hashlib.sha256(archive.read(row["path"])).hexdigest() == row["sha256"]
    assert "Wat staat waar" in archive.read("LEESMIJ.txt").decode()

    # The build is listed on the settlement page.
    page.get_by_role("link", name="Settlement", exact=True).first.click()
    expect(page.locator("[data-slot=bundle]")).to_contain_text(sha256[:12])
    a11y()
