"""Deeds of accession (docs/rules.md §25): a partner that joins after signing accedes by a
deed signed by itself and the penvoerder on behalf of all; the agreement in force is the
signed version plus its signed deeds."""

import datetime
import io
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agreements.accession import selectors, services
from agreements.models import Accession, AccessionStatus, Agreement
from partners.models import Signatory, Stage
from signing.models import RoundStatus, SignatureRequest, SigningRound
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContributionFactory,
    OrganisationFactory,
    ParticipantFactory,
    round_of,
    send_round,
    signing_version,
)
from tests.statements_data import sign, signatory

pytestmark = pytest.mark.usefixtures("no_scopes")


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def _deadline(days=21):
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def signed_agreement(partnership, leader, django_capture_on_commit_callbacks):
    """A version with two parties (the first the penvoerder), signed by both and sealed."""
    BudgetFactory(partnership=partnership)
    version = signing_version(partnership, parties=2, real_pdf=True)
    penvoerder_key = version.snapshot["penvoerder"]
    penvoerder = partnership.organisations.get(code=penvoerder_key)
    Agreement.objects.filter(partnership=partnership).update(penvoerder=penvoerder)
    Signatory.objects.filter(partnership=partnership).update(
        checked_by=leader, checked_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        signing_round = send_round(version, leader)
    for request in SignatureRequest.objects.filter(round=signing_round):
        sign(request, capture=django_capture_on_commit_callbacks)
    signing_round.refresh_from_db()
    assert signing_round.status == RoundStatus.COMPLETED and signing_round.final_pdf_sha256
    return version, penvoerder


@pytest.fixture
def newcomer(partnership):
    """A company that joined after signing: tasks in an activity, a contribution, a director."""
    organisation = OrganisationFactory(
        partnership=partnership, name="Nieuwkomer Techniek B.V.", stage=Stage.COMMITTED
    )
    activity = ActivityFactory(partnership=partnership, short_code="A7", title="Lasproject")
    ParticipantFactory(activity=activity, organisation=organisation, tasks="Twee lasdocenten")
    ContributionFactory(organisation=organisation, activity=activity, year=2026)
    signatory(organisation, name="Directeur Nieuwkomer")
    return organisation


def _make(partnership, leader, organisation, capture):
    with capture(execute=True):
        return services.accession_create(
            partnership=partnership,
            organisation_code=str(organisation.code),
            user=leader,
            deadline=_deadline(),
        )


def test_a_deed_is_made_rendered_and_sent_to_the_newcomer_and_the_penvoerder(
    partnership, leader, signed_agreement, newcomer, django_capture_on_commit_callbacks
):
    version, penvoerder = signed_agreement
    accession = _make(partnership, leader, newcomer, django_capture_on_commit_callbacks)
    accession.refresh_from_db()
    assert accession.status == AccessionStatus.SENT, accession.send_error
    assert accession.number == 1 and accession.version == version
    signing_round = SigningRound.objects.get(document=accession.document)
    requests = list(SignatureRequest.objects.filter(round=signing_round).order_by("step"))
    assert [(r.organisation_name, r.step) for r in requests] == [
        ("Nieuwkomer Techniek B.V.", 1),
        (penvoerder.name, 2),
    ]
    with accession.pdf.open("rb") as handle:
        text = _text(handle.read())
    flat = " ".join(text.split())
    assert "Toetredingsverklaring" in flat
    assert "Nieuwkomer Techniek B.V." in flat and penvoerder.name in flat
    assert "namens alle partijen" in flat
    assert f"versie {version.number}" in flat
    assert "Twee lasdocenten" in flat and "€ 500,00" in flat
    assert "(toegezegd)" in flat
    assert "voldoende betrouwbaar" in flat and "3:15a" in flat


def test_signed_by_two_the_party_is_in_the_agreement_in_force(
    partnership, leader, client, signed_agreement, newcomer, django_capture_on_commit_callbacks
):
    version, _penvoerder = signed_agreement
    accession = _make(partnership, leader, newcomer, django_capture_on_commit_callbacks)
    accession.refresh_from_db()
    signing_round = SigningRound.objects.get(document=accession.document)
    for request in SignatureRequest.objects.filter(round=signing_round).order_by("step"):
        sign(request, capture=django_capture_on_commit_callbacks)
    accession.refresh_from_db()
    newcomer.refresh_from_db()
    assert accession.status == AccessionStatus.SIGNED and accession.signed_at
    assert newcomer.stage == Stage.SIGNED
    force = selectors.in_force(partnership)
    assert force.version == version and force.accessions == [accession]
    assert str(newcomer.code) in force.party_keys and force.sealed

    client.force_login(leader)
    page = client.get(reverse("agreements:agreement-list", kwargs={"slug": partnership.slug}))
    assert "Nieuwkomer Techniek B.V." in page.content.decode()
    response = client.get(
        reverse("agreements:in-force-download", kwargs={"slug": partnership.slug})
    )
    assert response.status_code == 200
    whole = b"".join(response.streaming_content)
    from pypdf import PdfReader

    sealed = round_of(version).final_pdf.open("rb").read()
    deed = signing_round.final_pdf.open("rb").read() if signing_round.final_pdf else b""
    signing_round.refresh_from_db()
    deed = signing_round.final_pdf.open("rb").read()
    pages = len(PdfReader(io.BytesIO(sealed)).pages) + len(PdfReader(io.BytesIO(deed)).pages)
    assert len(PdfReader(io.BytesIO(whole)).pages) == pages
    assert "Toetredingsverklaring" in _text(whole)

    # A second deed for the same party is refused: it is a party now.
    with pytest.raises(ValidationError) as error:
        services.accession_create(
            partnership=partnership,
            organisation_code=str(newcomer.code),
            user=leader,
            deadline=_deadline(),
        )
    assert error.value.code == "already_party"


def test_no_deed_before_the_agreement_is_signed(partnership, leader, newcomer):
    with pytest.raises(ValidationError) as error:
        services.accession_create(
            partnership=partnership,
            organisation_code=str(newcomer.code),
            user=leader,
            deadline=_deadline(),
        )
    assert error.value.code == "no_agreement"
    assert not Accession.objects.exists()


def test_a_party_of_the_signed_agreement_cannot_accede(partnership, leader, signed_agreement):
    _version, penvoerder = signed_agreement
    with pytest.raises(ValidationError) as error:
        services.accession_create(
            partnership=partnership,
            organisation_code=str(penvoerder.code),
            user=leader,
            deadline=_deadline(),
        )
    assert error.value.code == "already_party"
    assert "already a party" in " ".join(error.value.messages) or "al partij" in " ".join(
        error.value.messages
    )


def test_an_organisation_without_tasks_or_contributions_cannot_accede(
    partnership, leader, signed_agreement
):
    bare = OrganisationFactory(partnership=partnership, name="Alleen Kennis B.V.")
    with pytest.raises(ValidationError) as error:
        services.accession_create(
            partnership=partnership,
            organisation_code=str(bare.code),
            user=leader,
            deadline=_deadline(),
        )
    assert error.value.code == "not_a_party"


def test_a_newcomer_without_a_signer_is_refused_with_the_reason(
    partnership, leader, signed_agreement
):
    organisation = OrganisationFactory(partnership=partnership, name="Zonder Tekenaar B.V.")
    ContributionFactory(organisation=organisation)
    with pytest.raises(ValidationError) as error:
        services.accession_create(
            partnership=partnership,
            organisation_code=str(organisation.code),
            user=leader,
            deadline=_deadline(),
        )
    assert {item.code for item in error.value.error_list} == {"not_ready"}
    assert "Zonder Tekenaar B.V." in " ".join(error.value.messages)
    assert not Accession.objects.exists()


def test_a_second_deed_while_one_is_out_is_refused_and_a_withdrawn_one_frees_the_party(
    partnership, leader, signed_agreement, newcomer, django_capture_on_commit_callbacks
):
    first = _make(partnership, leader, newcomer, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as error:
        _make(partnership, leader, newcomer, django_capture_on_commit_callbacks)
    assert error.value.code == "already_acceding"
    with pytest.raises(ValidationError):
        services.accession_void(accession=first, user=leader, reason="  ")
    services.accession_void(accession=first, user=leader, reason="Verkeerde contactpersoon.")
    first.refresh_from_db()
    assert first.status == AccessionStatus.VOIDED
    assert SigningRound.objects.get(document=first.document).status == RoundStatus.VOIDED
    second = _make(partnership, leader, newcomer, django_capture_on_commit_callbacks)
    assert second.number == 2


@pytest.mark.parametrize("days", [-1, 400])
def test_a_deadline_out_of_range_is_refused(partnership, leader, signed_agreement, newcomer, days):
    with pytest.raises(ValidationError):
        services.accession_create(
            partnership=partnership,
            organisation_code=str(newcomer.code),
            user=leader,
            deadline=_deadline(days),
        )
    assert not Accession.objects.exists()


def test_the_form_offers_only_ready_candidates_and_refuses_a_forged_one(
    partnership,
    leader,
    client,
    signed_agreement,
    newcomer,
    other_partnership,
    django_capture_on_commit_callbacks,
):
    stranger = OrganisationFactory(partnership=other_partnership, name="Vreemde B.V.")
    client.force_login(leader)
    url = reverse("agreements:accession-create", kwargs={"slug": partnership.slug})
    page = client.get(url).content.decode()
    assert "Nieuwkomer Techniek B.V." in page and "Vreemde B.V." not in page
    response = client.post(
        url, {"organisation": str(stranger.code), "deadline": "2027-01-01", "message": ""}
    )
    assert response.status_code == 200 and not Accession.objects.exists()
    day = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"organisation": str(newcomer.code), "deadline": day, "message": "Welkom!"}
        )
    accession = Accession.objects.get()
    assert response.status_code == 302 and accession.send_message == "Welkom!"
    detail = client.get(response["Location"]).content.decode()
    assert "Nieuwkomer Techniek B.V." in detail
