import datetime
import io
import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import download_slow


def _row(page, text):
    return page.get_by_role("row").filter(has_text=text)


def _contact_row(page, name):
    """The row of a contact in the organisation's contacts table, by the name in its first cell."""
    rows = page.get_by_role("region", name="Contactpersonen").get_by_role("row")
    return rows.filter(has=page.locator("td:first-child", has_text=name))


def test_organisation_signatories_contact_moment_follow_up_filter_and_export(
    live_server, page, a11y, demo, sign_in
):
    sign_in()
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name="Partners", exact=True
    ).click()
    a11y()

    # A new company.
    page.get_by_role("link", name="Organisatie toevoegen").click()
    a11y()
    page.get_by_label("Naam").fill("Lasrobotica Twente B.V.")
    page.get_by_label("Soort").select_option("company")
    page.get_by_label("Sector").select_option("metal")
    page.get_by_label("KvK-nummer").fill("1234 5678")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lasrobotica Twente B.V.")
    expect(page.locator("[data-signing=invalid]")).to_be_visible()
    a11y()

    # A jointly authorised director: the co-signatory is missing.
    _add_contact(page, a11y, "Anna de Vries", "anna@lasrobotica.example")
    _make_joint_director(page, a11y, "Anna de Vries")
    expect(page.locator("[data-signing=invalid]")).to_contain_text("Anna de Vries")
    expect(_contact_row(page, "Anna de Vries")).to_contain_text("nog geen medeondertekenaar")

    # The second director; pairing links both ways. Then both checks.
    _add_contact(page, a11y, "Bram Bakker", "bram@lasrobotica.example")
    _make_joint_director(page, a11y, "Bram Bakker", co_signatory="Anna de Vries")
    expect(_contact_row(page, "Anna de Vries")).to_contain_text("Bram Bakker")
    for name in ["Anna de Vries", "Bram Bakker"]:
        _contact_row(page, name).get_by_role("button", name=re.compile("gecontroleerd")).click()
        a11y()
    expect(page.locator("[data-signing=valid]")).to_be_visible()

    # A contact moment with a next step.
    page.get_by_role("link", name="Contactmoment vastleggen").click()
    a11y()
    page.get_by_label("Soort").select_option("visit_company")
    page.get_by_label("Samenvatting").fill("Rondleiding lasrobots; Anna wil gastlessen geven.")
    page.get_by_label("Vervolgstap", exact=True).fill("Rooster gastlessen afstemmen")
    due = datetime.date.today() + datetime.timedelta(days=3)
    page.get_by_label("Vervolgstap uiterlijk op").fill(due.isoformat())
    page.get_by_role("button", name="Contactmoment opslaan").click()
    # The organisation page offers to tick the step off, or to tick it off and plan the next.
    step = re.compile("Rooster gastlessen afstemmen")
    expect(page.get_by_role("button", name=step)).to_be_visible()
    expect(page.get_by_role("link", name=step)).to_be_visible()
    a11y()

    # Found in "follow up" and done with one click.
    page.get_by_role("link", name="Opvolgen", exact=True).click()
    a11y()
    row = _row(page, "Rooster gastlessen afstemmen")
    expect(row).to_contain_text("Lasrobotica Twente B.V.")
    row.get_by_role("button", name=re.compile("^Afvinken")).click()
    expect(_row(page, "Rooster gastlessen afstemmen")).to_contain_text("Gedaan")
    a11y()

    # Filter the list and export exactly what it shows.
    page.get_by_role("link", name="Organisaties", exact=True).click()
    a11y()
    page.get_by_label("Zoeken").fill("lasrobotica")
    page.get_by_label("Soort").select_option("company")
    page.get_by_role("button", name="Filteren").click()
    a11y()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("Lasrobotica Twente B.V.")
    download = download_slow(page.get_by_role("link", name="Exporteren naar Excel"))
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    values = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in values[1:]] == ["Lasrobotica Twente B.V."]
    assert values[1][4] == "12345678"


def _add_contact(page, a11y, name, email):
    page.get_by_role("link", name="Contactpersoon toevoegen").click()
    a11y()
    page.get_by_label("Naam").fill(name)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Functie").fill("Directeur")
    page.get_by_role("button", name=re.compile("opslaan|toevoegen", re.I)).click()
    expect(_contact_row(page, name)).to_be_visible()
    a11y()


def _make_joint_director(page, a11y, name, co_signatory=None):
    _contact_row(page, name).get_by_role("link", name=re.compile("Ondertekenaar")).click()
    a11y()
    page.get_by_label("Bevoegdheid").select_option("joint_director")
    if co_signatory:
        page.get_by_label("Medeondertekenaar").select_option(label=co_signatory)
    page.get_by_label("Bewijs", exact=True).select_option("kvk_extract")
    page.get_by_label("Kenmerk").fill("KvK-uittreksel 2026-114")
    page.get_by_label("Datum van het bewijs").fill("2026-10-01")
    page.get_by_role("button", name=re.compile("opslaan|toevoegen", re.I)).click()
    expect(_contact_row(page, name)).to_contain_text("gezamenlijk bevoegd")
    a11y()
