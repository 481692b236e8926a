"""The import preview says what changes in each row: "field: old → new", the Dutch way."""

import datetime
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from cofinancing.importer import import_workbook
from cofinancing.importer.differences import FieldChange, show
from cofinancing.importer.result import CHANGED, CREATED
from cofinancing.models import Contribution
from tests.fixtures_xlsx import ACTIVITIES, CONTRIBUTIONS, COST_LINES, ORGANISATIONS, workbook

pytestmark = pytest.mark.usefixtures("no_scopes")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _edited_workbook(**options):
    organisations = [dict(row) for row in ORGANISATIONS]
    organisations[1]["Plaats"] = "Hengelo"  # was Enschede
    activities = [dict(row) for row in ACTIVITIES]
    activities[0]["Start"] = datetime.date(2026, 12, 7)  # was 1 January 2026
    activities[0]["Trekker"] = "ROC van Twente"  # was Metaalwerken Hengelo
    contributions = [dict(row) for row in CONTRIBUTIONS]
    contributions[0]["Uren"] = 100  # was 90: the value goes from 4,500 to 5,000
    cost_lines = [dict(row) for row in COST_LINES]
    cost_lines[0]["Aantal"] = "120,5"  # was 100: the amount follows
    return workbook(
        rows={
            "Organisaties": organisations,
            "Activiteiten": activities,
            "Bijdragen": contributions,
            "Begroting": cost_lines,
        },
        **options,
    )


def _changes(result):
    return {
        (change.sheet, change.row): [str(field) for field in change.fields]
        for change in result.changes
        if change.action == CHANGED
    }


def test_each_changed_row_lists_its_fields_old_and_new(partnership, leader):
    import_workbook(workbook(), partnership=partnership, user=leader)
    with translation.override("en"):
        result = import_workbook(
            _edited_workbook(), partnership=partnership, user=leader, dry_run=True
        )
    assert result.ok
    assert _changes(result) == {
        ("Organisaties", 3): ["city: Enschede → Hengelo"],
        ("Activiteiten", 2): [
            "start: 1 January 2026 → 7 December 2026",
            "lead organisation: Metaalwerken Hengelo → ROC van Twente",
        ],
        ("Bijdragen", 2): ["value: €\u00a04.500,00 → €\u00a05.000,00", "hours: 90 → 100"],
        ("Begroting", 2): ["quantity: 100 → 120,50", "amount: €\u00a08.000,00 → €\u00a09.640,00"],
    }
    # A created row has nothing to compare with; an unchanged row is not listed.
    assert all(not c.fields for c in result.changes if c.action == CREATED)
    assert Contribution.objects.get(description__startswith="30 ").hours == 90


def test_the_preview_page_shows_the_changes_in_dutch(leader_client, partnership, leader):
    import_workbook(workbook(), partnership=partnership, user=leader)
    url = reverse("cofinancing:import-upload", kwargs={"slug": "twente"})
    upload = SimpleUploadedFile("twente.xlsx", _edited_workbook(as_bytes=True))
    response = leader_client.post(url, {"workbook": upload}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    text = " ".join(unescape(response.content.decode()).split())
    assert 'Plaats: <span class="text-body-secondary">Enschede</span>' in text
    assert "<strong>Hengelo</strong>" in text
    assert "1 januari 2026" in text and "7 december 2026" in text
    assert "€ 4.500,00" in text and "€ 5.000,00" in text  # (the no-break space split away)
    assert "Trekker: " in text
    assert "2026-12-07" not in text


def test_values_are_written_the_dutch_way():
    from decimal import Decimal

    from cofinancing.models import Contribution as Model

    field = Model._meta.get_field
    with translation.override("nl"):
        assert show(field("amount"), Decimal("1234.5")) == "€\u00a01.234,50"
        assert show(field("hours"), Decimal("12.00")) == "12"
        assert show(field("hours"), Decimal("1234.25")) == "1.234,25"
        assert show(field("realised_on"), datetime.date(2026, 12, 7)) == "7 december 2026"
        assert show(field("amount"), None) == "—"
        assert show(field("description"), "") == "—"
        assert show(field("description"), "x" * 10_000) == "x" * 57 + "..."
        assert show(None, True) == "ja"
        assert show(field("status"), "confirmed") == "Bevestigd"
    assert str(FieldChange("plaats", "—", "<b>")) == "plaats: — → <b>"


def test_hostile_values_are_escaped_on_the_page(leader_client, partnership, leader):
    import_workbook(workbook(), partnership=partnership, user=leader)
    organisations = [dict(row) for row in ORGANISATIONS]
    organisations[1]["Plaats"] = "<script>alert(1)</script>"
    url = reverse("cofinancing:import-upload", kwargs={"slug": "twente"})
    content = workbook(rows={"Organisaties": organisations}, as_bytes=True)
    response = leader_client.post(url, {"workbook": SimpleUploadedFile("t.xlsx", content)})
    assert response.status_code == 200
    assert b"<script>alert(1)" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
