"""Company statements (docs/rules.md §23): made from the realised contributions, read back
from the PDF, signed by the authorised signatories, certifying what they list."""

import subprocess
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from cofinancing.models import CompanyStatement, Contribution, ContributionStatus, StatementStatus
from cofinancing.services.contributions import contribution_delete
from cofinancing.services.realisation import contribution_cancel, contribution_realise
from cofinancing.statements import services
from outbox.models import Message
from partners.models import Authority
from signing.models import RequestStatus, RoundStatus, SignatureRequest, SigningRound
from tests.statements_data import deadline, decline, realised, region, sign, signatory


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path
    settings.SEAL_DEV_DIR = tmp_path / "seal"


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def send(budget, leader, capture, year=2025, **kwargs):
    with capture(execute=True):
        return services.statements_send(
            budget=budget, year=year, user=leader, deadline=deadline(), **kwargs
        )


def pdf_text(statement) -> str:
    with statement.pdf.open("rb") as handle:
        data = handle.read()
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_the_statement_lists_the_realised_contributions_as_printed(
    no_scopes, partnership, leader, capture
):
    budget, (company, _other) = region(partnership)
    result = send(budget, leader, capture)
    assert len(result.made) == 2 and not result.refused
    statement = CompanyStatement.objects.get(organisation=company)
    assert statement.status == StatementStatus.SENT and statement.number == 1
    assert statement.total == D("3125.00")  # 12,5 × 50 + 40 × 62,50
    text = " ".join(pdf_text(statement).split())
    assert "Verklaring cofinanciering 2025" in text
    assert "Metaalbedrijf 001 B.V." in text
    assert "Regio Twente Techniek" in text or partnership.name in text
    assert "12,5 uur × € 50,00 per uur" in text
    assert "40 uur × € 62,50 per uur" in text
    assert "Onderbouwing:" in text and "Gespecialiseerde" in text
    assert "€ 625,00" in text and "€ 2.500,00" in text and "€ 3.125,00" in text
    assert "15 juni 2025" in text and "Gastlessen CNC" in text
    assert "niet met een andere subsidie zijn gefinancierd" in text
    signing_round = SigningRound.objects.get(document=statement.document)
    assert signing_round.status == RoundStatus.OPEN
    assert [r.name for r in signing_round.requests.all()] == ["Directeur Jansen1"]


def test_signing_certifies_and_locks_the_contributions(no_scopes, partnership, leader, capture):
    budget, (company, _other) = region(partnership)
    send(budget, leader, capture)
    statement = CompanyStatement.objects.get(organisation=company)
    request = SignatureRequest.objects.get(round__document=statement.document)
    sign(request, capture=capture)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SIGNED
    listed = list(Contribution.objects.filter(organisation=company))
    assert {c.status for c in listed} == {ContributionStatus.CERTIFIED}
    assert {c.certified_by_id for c in listed} == {statement.pk}
    contribution = listed[0]
    with pytest.raises(ValidationError, match="verklaring|signed statement"):
        contribution_cancel(
            budget=budget,
            contribution=contribution,
            user=leader,
            reason="Het bedrijf trok zich terug.",
        )
    with pytest.raises(ValidationError):
        contribution_delete(contribution=contribution)
    history = contribution.history.first()
    assert history.history_change_reason == "certified by statement 1"


def test_a_corrected_statement_voids_the_earlier_certification(
    no_scopes, partnership, leader, capture
):
    budget, (company, _other) = region(partnership)
    send(budget, leader, capture)
    first = CompanyStatement.objects.get(organisation=company)
    sign(SignatureRequest.objects.get(round__document=first.document), capture=capture)
    with capture(execute=True):
        result = services.statement_correct(
            budget=budget,
            statement=first,
            user=leader,
            deadline=deadline(),
            reason="De uren van september waren te hoog.",
        )
    first.refresh_from_db()
    assert first.status == StatementStatus.VOIDED
    assert first.void_reason == "De uren van september waren te hoog."
    (second,) = result.made
    second.refresh_from_db()
    assert second.number == 2 and second.status == StatementStatus.SENT
    contribution = Contribution.objects.filter(organisation=company).first()
    assert contribution.status == ContributionStatus.REALISED and contribution.certified_by is None
    assert "De uren van september" in contribution.history.first().history_change_reason


def test_changing_a_contribution_while_out_voids_the_round_and_tells_the_leader(
    no_scopes, partnership, leader, capture, mailoutbox
):
    budget, (company, _other) = region(partnership)
    send(budget, leader, capture)
    statement = CompanyStatement.objects.get(organisation=company)
    contribution = Contribution.objects.filter(organisation=company).first()
    mailoutbox.clear()
    with capture(execute=True):
        contribution_realise(
            budget=budget,
            contribution=contribution,
            user=leader,
            realised_on=contribution.realised_on,
            realised_quantity="11",
        )
    statement.refresh_from_db()
    assert statement.status == StatementStatus.VOIDED
    assert statement.void_reason  # the reason, in Dutch once translated
    assert SigningRound.objects.get(document=statement.document).status == RoundStatus.VOIDED
    told = Message.objects.filter(kind="company_statement_voided")
    assert [m.to for m in told] == [leader.email]


def test_no_valid_signatory_gives_the_reason_and_sends_nothing(
    no_scopes, partnership, leader, capture
):
    budget, (company, other) = region(partnership)
    from partners.models import Signatory

    Signatory.objects.filter(contact__organisation=company).update(checked_at=None)
    result = send(budget, leader, capture)
    assert [s.organisation for s in result.made] == [other]
    ((refused, reason),) = result.refused
    assert refused == company and "gecontroleerd" in reason
    assert not CompanyStatement.objects.filter(organisation=company).exists()


def test_a_proxy_below_the_total_is_refused_and_one_above_signs(
    no_scopes, partnership, leader, capture
):
    budget, (company, _other) = region(partnership)
    from partners.models import Signatory

    Signatory.objects.filter(contact__organisation=company).update(
        authority=Authority.PROXY, proxy_limit=D("3000.00")
    )
    result = send(budget, leader, capture)
    ((refused, reason),) = result.refused
    assert refused == company
    assert "3.000,00" in reason and "3.125,00" in reason
    Signatory.objects.filter(contact__organisation=company).update(proxy_limit=D("5000.00"))
    result = send(budget, leader, capture)
    assert [s.organisation for s in result.made] == [company]


def test_joint_directors_both_sign(no_scopes, partnership, leader, capture):
    budget, (company, _other) = region(partnership)
    from partners.models import Signatory

    first = Signatory.objects.get(contact__organisation=company)
    second = signatory(company, name="Mede Bestuurder", authority=Authority.JOINT_DIRECTOR)
    Signatory.objects.filter(pk=first.pk).update(
        authority=Authority.JOINT_DIRECTOR, co_signatory=second
    )
    Signatory.objects.filter(pk=second.pk).update(co_signatory=first)
    send(budget, leader, capture)
    statement = CompanyStatement.objects.get(organisation=company)
    requests = list(SignatureRequest.objects.filter(round__document=statement.document))
    assert sorted(r.name for r in requests) == ["Directeur Jansen1", "Mede Bestuurder"]
    sign(requests[0], capture=capture)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SENT
    sign(requests[1], capture=capture)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SIGNED


def test_a_decline_names_the_disputed_lines(no_scopes, partnership, leader, capture):
    budget, (company, _other) = region(partnership)
    send(budget, leader, capture)
    statement = CompanyStatement.objects.get(organisation=company)
    request = SignatureRequest.objects.get(round__document=statement.document)
    decline(
        request, reason="De stage-uren kloppen niet.", disputed="Regel 2: 30 uur", capture=capture
    )
    statement.refresh_from_db()
    assert statement.status == StatementStatus.DECLINED
    assert statement.decline_reason == "De stage-uren kloppen niet."
    assert [c.description for c in statement.disputed.all()] == ["Begeleiding stagiairs"]
    assert SignatureRequest.objects.get(pk=request.pk).status == RequestStatus.DECLINED


def test_send_for_a_year_counts_and_leaves_statements_out_alone(
    no_scopes, partnership, leader, capture
):
    budget, organisations = region(partnership, companies=3)
    first = send(budget, leader, capture)
    assert len(first.made) == 3
    realised(organisations[0], year=2025, hours="2")
    again = send(budget, leader, capture)
    assert again.made == [] and again.already == [organisations[0]]
    assert send(budget, leader, capture, year=2026).made == []
    with pytest.raises(ValidationError):
        send(budget, leader, capture, year=2031)


def test_the_admin_refuses_to_certify_or_change_a_certified_contribution(
    admin_client, no_scopes, partnership, leader, capture
):
    from django.urls import reverse

    budget, (company, other) = region(partnership)
    send(budget, leader, capture, organisations=[company])
    statement = CompanyStatement.objects.get(organisation=company)
    sign(SignatureRequest.objects.get(round__document=statement.document), capture=capture)
    certified = Contribution.objects.filter(organisation=company).first()
    page = admin_client.get(
        reverse("admin:cofinancing_contribution_change", args=[certified.pk])
    ).content.decode()
    assert 'name="description"' not in page  # every field read only
    uncertified = Contribution.objects.filter(organisation=other).first()
    url = reverse("admin:cofinancing_contribution_change", args=[uncertified.pk])
    form = {
        "partnership": partnership.pk,
        "organisation": other.pk,
        "year": 2025,
        "kind": "labour",
        "description": "Gastles",
        "status": ContributionStatus.CERTIFIED,
        "hours": "12.5",
        "hourly_rate": "50.00",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 200  # the form again, with the error
    uncertified.refresh_from_db()
    assert uncertified.status == ContributionStatus.REALISED
