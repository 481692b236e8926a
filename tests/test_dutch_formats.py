"""Numbers, amounts, dates and plurals inside sentences follow the reader's language."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from activities.services.evaluations import evaluation_rules
from cofinancing.valuation import ValuationError, ValuationInput, value_of
from partners.services.interactions import interaction_rules
from sterk.dates import long_date
from tests.fixtures_xlsx import ORGANISATIONS, workbook

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
TODAY = datetime.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def test_a_date_in_a_sentence_is_written_out():
    assert long_date(TODAY) == "7 December 2026"
    with translation.override("nl"):
        assert long_date(TODAY) == "7 december 2026"


def _messages(error: ValidationError) -> list[str]:
    return [message for messages in error.message_dict.values() for message in messages]


@pytest.mark.parametrize(
    "check",
    [
        lambda: interaction_rules(
            date=datetime.date(1990, 1, 1), next_step="", next_step_due=None, today=TODAY
        ),
        lambda: evaluation_rules(date=datetime.date(2040, 1, 1), today=TODAY),
        lambda: evaluation_rules(date=datetime.date(1990, 1, 1), today=TODAY),
    ],
    ids=["contact moment", "evaluation ahead", "evaluation behind"],
)
def test_date_rules_name_their_bounds_without_an_iso_date(check):
    with pytest.raises(ValidationError) as caught:
        check()
    for message in _messages(caught.value):
        assert not ISO_DATE.search(message), message
        assert re.search(r"\d{1,2} [A-Z][a-z]+ \d{4}", message), message


def test_the_default_hourly_rate_in_a_message_is_a_dutch_amount():
    item = ValuationInput(kind="labour", hours=Decimal("10"), hourly_rate=Decimal("65"))
    with pytest.raises(ValuationError) as caught:
        value_of(item, default_rate=Decimal("50"))
    (message,) = caught.value.errors["rate_justification"]
    assert "€ 50,00 per hour" in str(message)


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.usefixtures("_media", "no_scopes")
@pytest.mark.parametrize(
    ("organisations", "expected"),
    [(ORGANISATIONS[:1], "1 row created"), (ORGANISATIONS, "3 rows created")],
)
def test_the_import_counts_rows_in_singular_and_plural(
    leader_client, partnership, organisations, expected
):
    content = workbook(
        rows={"Organisaties": organisations, "Activiteiten": [], "Bijdragen": [],
              "Begroting": [], "Dekking": []},
        as_bytes=True,
    )  # fmt: skip
    upload = reverse("cofinancing:import-upload", kwargs={"slug": "twente"})
    preview = leader_client.post(upload, {"workbook": SimpleUploadedFile("t.xlsx", content)})
    assert preview.status_code == 200 and preview.context["result"].ok
    confirm = leader_client.post(reverse("cofinancing:import-confirm", kwargs={"slug": "twente"}))
    assert confirm.status_code == 302
    (message,) = [str(m) for m in get_messages(confirm.wsgi_request)]
    assert f": {expected}, 1 changed." in message  # the partnership gets its budget
