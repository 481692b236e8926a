"""Fix what blocks the agreement, make a version, preview and download it. In English
(see test_activities.py)."""

import io
import subprocess
from decimal import Decimal
from pathlib import Path

from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cofinancing.models import Contribution
from partners.models import Organisation, Partnership
from tests.e2e.conftest import SLOW_WORK_MS, click_slow


def _share_the_lathe_once_more():
    """A third company claims the demo's shared lathe for all of 2026, written around the
    machine guard as data from before it would be: the lathe is then claimed for more than
    the 12 months of a year, a warning that blocks a new version until acknowledged."""
    with scopes_disabled():
        partnership = Partnership.objects.get(slug="demo")
        Contribution.objects.create(
            partnership=partnership,
            organisation=Organisation.objects.get(
                partnership=partnership, name="Lasbedrijf Hendriks & Zn."
            ),
            year=2026,
            kind="depreciation",
            description="Gedeelde CNC-draaibank, derde gebruiker",
            status="pledged",
            acquisition_value=Decimal("60000"),
            life_months=120,
            months_used=12,
            project_share=Decimal("100"),
            machine_id="VDM-CNC-2019-01",
            value=Decimal("6000.00"),
        )


def test_fix_readiness_make_a_version_preview_and_download(live_server, page, a11y, demo, sign_in):
    _share_the_lathe_once_more()
    sign_in()
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    a11y()
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Agreements", exact=True
    ).click()
    a11y()
    # The data changed since version 1, and the new warning blocks a new version.
    expect(page.get_by_text("The latest version no longer matches the data.")).to_be_visible()
    make = page.get_by_role("button", name="Make a version")
    expect(make).to_be_disabled()
    page.get_by_role("button", name="Acknowledge").click()
    a11y()
    expect(make).to_be_enabled()
    # The version's PDF is rendered within this request (Immediate task backend); with a
    # queue the page polls until it is there. Either way: slow work.
    click_slow(make)
    expect(page.get_by_role("heading", level=1)).to_contain_text("2")
    expect(page.locator("iframe")).to_be_visible(timeout=SLOW_WORK_MS)
    a11y()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").first.click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Lasbedrijf Hendriks & Zn." in text
    assert "Gedeelde CNC-draaibank, derde gebruiker" in text
    assert "Versie 2" in text
    assert io.BytesIO(pdf).getbuffer().nbytes > 10_000
