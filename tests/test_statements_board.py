"""The board of company statements (docs/rules.md §23): sending a year in one action from
the page, the states, a fixed number of queries at 5 and 150 organisations, hostile text
escaped; the disputed lines on the contribution and settlement pages."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cofinancing.models import CompanyStatement, StatementStatus
from cofinancing.statements import pdf as statement_pdf
from cofinancing.statements import services
from signing.models import SignatureRequest
from tests.statements_data import deadline, decline, region
from tests.test_document_kinds import one_page_note

HOSTILE = '<script>alert("x")</script> & Zonen'


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path
    settings.SEAL_DEV_DIR = tmp_path / "seal"


@pytest.fixture
def quick_pdf(monkeypatch):
    """A one-page PDF in place of the statement's rendering, for many organisations."""
    monkeypatch.setattr(statement_pdf, "render_pdf", lambda statement: one_page_note())


def board_url(year="2025"):
    return reverse("cofinancing:company-statements", kwargs={"slug": "twente", "year": year})


def test_a_leader_sends_the_year_from_the_board(
    leader_client, partnership, leader, django_capture_on_commit_callbacks, quick_pdf
):
    from django_scopes import scopes_disabled

    with scopes_disabled():
        _budget, organisations = region(partnership, companies=3)
        from partners.models import Signatory

        Signatory.objects.filter(contact__organisation=organisations[2]).delete()
    page = leader_client.get(board_url())
    assert page.status_code == 200
    assert "Metaalbedrijf 001 B.V." in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = leader_client.post(
            reverse(
                "cofinancing:company-statements-send", kwargs={"slug": "twente", "year": "2025"}
            ),
            {"deadline": deadline().date().isoformat()},
            follow=True,
        )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Metaalbedrijf 003 B.V." in content  # refused, with the reason
    with scopes_disabled():
        assert CompanyStatement.objects.filter(status=StatementStatus.SENT).count() == 2
        assert not CompanyStatement.objects.filter(organisation=organisations[2]).exists()
    page = leader_client.get(board_url()).content.decode()
    assert page.count("badge text-bg-primary") >= 2  # sent


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("companies", [5, 150])
def test_sending_many_is_quick_and_the_board_runs_a_fixed_number_of_queries(
    leader_client, partnership, leader, django_capture_on_commit_callbacks, quick_pdf, companies
):
    from django_scopes import scopes_disabled

    with scopes_disabled():
        budget, _organisations = region(partnership, companies=companies)
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            result = services.statements_send(
                budget=budget, year=2025, user=leader, deadline=deadline()
            )
        made_in = time.monotonic() - started
        assert len(result.made) == companies and len(callbacks) == companies
        assert made_in < 30, made_in
        for callback in callbacks[:5]:
            with django_capture_on_commit_callbacks(execute=True):
                callback()
    count = _queries(leader_client, board_url())
    assert count == 9, count


def test_hostile_names_and_reasons_are_escaped(
    leader_client, partnership, leader, django_capture_on_commit_callbacks, quick_pdf
):
    from django_scopes import scopes_disabled

    with scopes_disabled():
        budget, (company, _other) = region(partnership)
        company.name = HOSTILE
        company.save()
        with django_capture_on_commit_callbacks(execute=True):
            services.statements_send(budget=budget, year=2025, user=leader, deadline=deadline())
        statement = CompanyStatement.objects.get(organisation=company)
        request = SignatureRequest.objects.get(round__document=statement.document)
        decline(
            request,
            reason=HOSTILE,
            disputed="1 <b>te veel</b>",
            capture=django_capture_on_commit_callbacks,
        )
    for url in (
        board_url(),
        reverse(
            "cofinancing:company-statement-detail",
            kwargs={"slug": "twente", "code": statement.code},
        ),
        reverse("cofinancing:settlement", kwargs={"slug": "twente"}) + "?year=2025",
    ):
        content = leader_client.get(url).content.decode()
        assert '<script>alert("x")' not in content, url
        assert "&lt;script&gt;" in content, url
    settlement = leader_client.get(
        reverse("cofinancing:settlement", kwargs={"slug": "twente"}) + "?year=2025"
    ).content.decode()
    assert 'data-slot="disputed"' in settlement and "Gastles" in settlement
    with scopes_disabled():
        disputed = statement.disputed.get()
    detail = leader_client.get(
        reverse("cofinancing:contribution-detail", kwargs={"slug": "twente", "code": disputed.code})
    ).content.decode()
    assert 'data-detail="statements"' in detail and "badge text-bg-danger" in detail
