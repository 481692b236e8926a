"""The progress report draft (docs/rules.md §22), read back: the PDF with pdftotext, the
HTML for a word processor as text; goals and progress, activities with status and results,
evaluations, the cofinancing so far; hostile text printed as text; fixed queries."""

import datetime
import re

import pytest
from django.urls import reverse

from activities.models import Result
from cofinancing.models import PLEDGED_AND_UP, REALISED_AND_UP
from cofinancing.reports.progress import progress_context, progress_html, progress_pdf
from cofinancing.selectors.summary import partnership_summary
from sterk.money import format_euro
from tests.factories import ActivityFactory, BudgetFactory, ResultFactory
from tests.reports_data import HTML_TITLE, bulk_contributions, count_queries, pdf_text, region

pytestmark = pytest.mark.usefixtures("no_scopes")

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def data(partnership):
    return region(partnership)


@pytest.fixture
def context(partnership, data):
    return progress_context(partnership=partnership, budget=data["budget"], today=TODAY)


def _euro(value) -> str:
    return format_euro(value).replace("\u00a0", " ")


def test_the_pdf_has_goals_activities_evaluations_and_cofinancing(partnership, context, tmp_path):
    text = pdf_text(progress_pdf(context), tmp_path)
    flat = " ".join(text.split())
    for words in (
        "Voortgangsrapportage (concept)",
        "Regio Twente Techniek",
        "Samengesteld uit de gegevens in Sterk op 7 december 2026",
        "2. Doelen en voortgang",
        "Meer instroom techniek",
        "Streefwaarde 100 leerlingen",
        "Laatst gemeten 55,5 leerlingen (1 maart 2026)",
        "A2 Gastlessen lassen",
        "Deelnemers: Metaalwerken Hengelo, ROC van Twente",
        "1-6-2025, succes: Eerste gastles gegeven aan 3 vmbo-klassen.",
        "Ook gefinancierd uit: RIF 2024-17",
        "Evaluatie van 15 juni 2026",
        "Wat werkt, wat nog niet?",
        "5. Cofinanciering tot nu toe",
        "[Aan te vullen door de projectleider",
    ):
        assert words in flat, words
    # Activities in natural order: A2 before A10.
    activities = flat[flat.index("3. Activiteiten") :]
    assert activities.index("A2 Gastlessen") < activities.index("A10 ") < activities.index("B1 ")


def test_the_cofinancing_so_far_is_the_summarys(partnership, context, tmp_path):
    pledged = partnership_summary(partnership=partnership, statuses=PLEDGED_AND_UP)
    realised = partnership_summary(partnership=partnership, statuses=REALISED_AND_UP)
    flat = " ".join(pdf_text(progress_pdf(context), tmp_path).split())
    assert f"Toegezegd: {_euro(pledged.total.business_total)} (genoeg)" in flat
    assert f"Gerealiseerd tot nu toe: {_euro(realised.total.business_total)}" in flat
    assert f"Vereist volgens de begroting: {_euro(pledged.total.required)}" in flat
    # 2025: € 1.500,00 pledged (labour 500, money 1,000), realised 450 + 1,000.
    assert re.search(r"2025 € 1\.500,00 € 1\.450,00 96,7%", flat)
    # 500 + 1,000 + 300 + 5,000 pledged over the period, of which 450 realised.
    assert "Metaalwerken Hengelo € 6.800,00 € 450,00 6,6%" in flat


def test_html_in_a_title_prints_as_text(context, tmp_path):
    flat = " ".join(pdf_text(progress_pdf(context), tmp_path).split())
    assert "A10 <b>Vet</b> & <script>alert(1)</script>" in flat
    html = progress_html(context)
    assert "<script>alert(1)" not in html
    assert "&lt;b&gt;Vet&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_html_is_a_standalone_document_for_a_word_processor(context):
    html = progress_html(context)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="nl">' in html
    assert html.count("<style>") == 1
    assert not re.search(r"<script|<link|\ssrc=|\sstyle=", html)
    for words in ("Meer instroom techniek", "A2 Gastlessen lassen", "Evaluatie van 15 juni 2026"):
        assert words in html


def test_the_draft_without_a_budget_says_so(partnership, tmp_path):
    ActivityFactory(partnership=partnership, short_code="A1", title="Alleen een activiteit")
    context = progress_context(partnership=partnership, budget=None, today=TODAY)
    flat = " ".join(pdf_text(progress_pdf(context), tmp_path).split())
    assert "Er is nog geen begroting vastgelegd." in flat
    assert "Er zijn nog geen doelen vastgelegd." in flat
    assert "A1 Alleen een activiteit" in flat


def test_the_draft_runs_the_same_number_of_queries_for_5_and_200_rows(partnership):
    budget = BudgetFactory(partnership=partnership)

    def build():
        progress_context(partnership=partnership, budget=budget, today=TODAY)

    for n in range(5):
        ResultFactory(activity=ActivityFactory(partnership=partnership, short_code=f"K{n}"))
    bulk_contributions(partnership, 5, organisations=5, prefix="Klein")
    few = count_queries(build)
    for n in range(40):
        activity = ActivityFactory(partnership=partnership, short_code=f"G{n}")
        ResultFactory(activity=activity)
        ResultFactory(activity=activity)
    bulk_contributions(partnership, 195, organisations=20, prefix="Groot")
    assert Result.objects.filter(partnership=partnership).count() == 85
    assert count_queries(build) == few


@pytest.mark.parametrize(("name", "kind"), [("pdf", "application/pdf"), ("html", "text/html")])
def test_a_viewer_downloads_the_draft(client, viewer, partnership, data, name, kind):
    client.force_login(viewer)
    url = reverse(f"cofinancing:progress-download-{name}", kwargs={"slug": "twente"})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(kind)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(rf"voortgangsrapportage-twente-\d{{4}}-\d\d-\d\d\.{name}", disposition)


def test_the_html_keeps_an_activity_title_with_html_escaped(client, viewer, partnership, data):
    client.force_login(viewer)
    url = reverse("cofinancing:progress-download-html", kwargs={"slug": "twente"})
    body = client.get(url).content.decode()
    assert HTML_TITLE not in body
    assert "&lt;script&gt;" in body
