"""Reading before signing: the document page by page as images at the screen's width, what
the signer's organisation commits to, and joint authority said out loud."""

import io
import uuid
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image

from agreements import signing as agreement_signing
from signing import pages
from signing import services as signing
from signing.kinds import DocumentKind, register_kind, unregister_kind
from signing.models import Document, RequestStatus, SignatureRequest
from sterk.canonical import bytes_hash
from tests.factories import (
    PartnershipFactory,
    UserFactory,
    send_round,
    signing_version,
    tiny_real_pdf,
)

CLIENT = signing.Client("192.0.2.1", "pytest")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path
    settings.SEAL_DEV_DIR = tmp_path / "seal"


@pytest.fixture
def real_round(partnership, leader):
    with scopes_disabled():
        version = signing_version(partnership, parties=2, real_pdf=True)
        signing_round = send_round(version, leader)
        requests = list(SignatureRequest.objects.filter(round=signing_round).order_by("pk"))
    return version, signing_round, requests


def _token_url(sig, name="sign:page", **kwargs):
    return reverse(name, kwargs={"token": signing.token_for(sig), **kwargs})


def _png(response) -> Image.Image:
    body = b"".join(response.streaming_content)
    return Image.open(io.BytesIO(body))


# --- the layout, made once with the document ------------------------------------------------


def test_the_layout_knows_every_page_and_where_a_heading_starts():
    layout = pages.layout(tiny_real_pdf(), {"second": "Artikel 2", "missing": "Artikel 9"})
    assert len(layout["sizes"]) == 2
    width, height = layout["sizes"][0]
    assert 590 < width < 600 and 835 < height < 845  # A4 in points
    assert layout["anchors"] == {"second": 2}


@pytest.mark.parametrize("data", [b"", b"not a pdf", b"%PDF-1.7\n" + b"\x00" * 100])
def test_a_pdf_that_cannot_be_read_gets_an_empty_layout(data):
    assert pages.layout(data, {"x": "Artikel 1"}) == {"sizes": [], "anchors": {}}


@pytest.mark.parametrize(
    ("asked", "width"),
    [("480", 480), ("500", 480), ("1000", 960), ("3000", 1440), ("", 960), ("<b>", 960)],
)
def test_a_page_is_rendered_at_the_nearest_width(asked, width):
    assert pages.nearest_width(asked) == width


# --- the page images -------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_page_is_an_image_at_the_width_asked(client, real_round):
    _version, _round, (sig, _other) = real_round
    for asked, width in (("480", 480), ("960", 960), ("1440", 1440), ("x", 960)):
        response = client.get(_token_url(sig, "sign:page-image", number=2), {"w": asked})
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert _png(response).size[0] == width
    assert client.get(_token_url(sig, "sign:page-image", number=3)).status_code == 404
    assert client.get(_token_url(sig, "sign:page-image", number=0)).status_code == 404


@pytest.mark.django_db
def test_a_page_is_rendered_once_and_then_served_from_storage(client, real_round, monkeypatch):
    _version, _round, (sig, _other) = real_round
    url = _token_url(sig, "sign:page-image", number=1)
    assert client.get(url).status_code == 200

    def not_again(*args, **kwargs):
        raise AssertionError("rendered twice")

    monkeypatch.setattr(pages, "render_page", not_again)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_page_images_follow_the_link_forged_revoked_or_void_is_404(client, real_round, leader):
    _version, signing_round, (first, second) = real_round
    forged = reverse("sign:page-image", kwargs={"token": "A" * 43, "number": 1})
    assert client.get(forged).status_code == 404
    with scopes_disabled():
        signing.request_revoke(first, reason="Verkeerde persoon", user=leader)
    assert client.get(_token_url(first, "sign:page-image", number=1)).status_code == 404
    assert client.get(_token_url(second, "sign:page-image", number=1)).status_code == 200
    with scopes_disabled():
        signing.round_void(signing_round, reason="Fout", user=leader)
    assert client.get(_token_url(second, "sign:page-image", number=1)).status_code == 404


@pytest.mark.django_db
def test_the_sign_page_shows_every_page_with_srcset_and_the_download(client, real_round):
    _version, _round, (sig, _other) = real_round
    html = client.get(_token_url(sig)).content.decode()
    base = _token_url(sig) + "pages/"
    for number in (1, 2):
        assert f'id="page-{number}"' in html
        assert f"{base}{number}/?w=480 480w" in html
        assert f'alt="Pagina {number} van 2"' in html
    assert html.count("<img ") == 2
    assert 'loading="lazy"' in html  # the second page, not the first
    assert _token_url(sig, "sign:document") + "?download=1" in html


@pytest.mark.django_db
def test_a_document_without_readable_pages_offers_the_download(client, partnership, leader):
    with scopes_disabled():
        version = signing_version(partnership, parties=1)  # the factory's PDF is not real
        signing_round = send_round(version, leader)
        sig = signing_round.requests.get()
    html = client.get(_token_url(sig)).content.decode()
    assert "<img " not in html
    assert "Download de PDF om het te lezen" in html


# --- what the organisation commits to -----------------------------------------------------


def test_the_agreement_lists_a_partys_tasks_and_its_contributions_per_year():
    party = {
        "key": "p1",
        "total": "1500.00",
        "tasks": [
            {
                "activity_code": "A1",
                "activity_title": "Gastlessen",
                "tasks": "Twee gastlessen per jaar",
                "responsibilities": "Een docent begeleidt",
            }
        ],
        "contributions": [
            {"year": 2026, "kind_label": "Arbeid", "description": "CNC", "value": "500.00"},
            {"year": 2027, "kind_label": "Arbeid", "description": "CNC", "value": "1000.00"},
            {
                "year": 2027,
                "kind_label": "Geld",
                "description": "Elders gefinancierd",
                "value": "99.00",
                "excluded_reason": "Provinciale subsidie",
            },
        ],
    }
    tasks, contributions = agreement_signing._commitments(party)
    assert tasks["items"] == [
        {
            "label": "A1 Gastlessen",
            "text": "Twee gastlessen per jaar",
            "note": "Een docent begeleidt",
        }
    ]
    assert [(y["year"], y["total"]) for y in contributions["years"]] == [
        (2026, "€\xa0500,00"),
        (2027, "€\xa01.000,00"),
    ]
    assert contributions["total"] == "€\xa01.500,00"


@pytest.mark.django_db
def test_the_sign_page_shows_what_the_organisation_commits_to_with_links_to_its_pages(
    client, real_round
):
    _version, signing_round, (sig, other) = real_round
    commitments = {
        sig.party_key: [
            {"key": "tasks", "title": "Taken per activiteit", "items": [
                {"label": "A1 Gastlessen", "text": "<b>Twee</b> gastlessen", "note": ""}
            ]},
            {"key": "contributions", "title": "Bijdragen per jaar", "total": "€\xa0500,00",
             "years": [{"year": 2026, "total": "€\xa0500,00", "items": [
                 {"label": "Arbeid", "text": "CNC", "amount": "€\xa0500,00"}]}]},
        ]
    }  # fmt: skip
    with scopes_disabled():
        document = signing_round.document
        Document.objects.filter(pk=document.pk).update(
            details={**document.details, "commitments": commitments},
            pages={**document.pages, "anchors": {"contributions": 2}},
        )
    html = client.get(_token_url(sig)).content.decode()
    assert "Waartoe Partner 1 B.V. zich verbindt" in html
    assert "&lt;b&gt;Twee&lt;/b&gt; gastlessen" in html
    assert 'href="#page-2"' in html and "Totaal 2026" in html
    assert "€\xa0500,00" in html
    # Another organisation's signer sees no card of someone else.
    assert "zich verbindt" not in client.get(_token_url(other)).content.decode()


# --- joint authority -------------------------------------------------------------------------


@pytest.fixture
def joint(db, no_scopes, leader):
    """A one-party document whose two directors sign together."""
    partnership = PartnershipFactory(name="Regio Oost", slug="oost")
    data = tiny_real_pdf()
    name = default_storage.save("notes/joint.pdf", ContentFile(data))
    party = str(uuid.uuid4())
    signers = [
        signing.Signer(
            party_key=party,
            signatory_key=str(uuid.uuid4()),
            organisation="Smederij Oost B.V.",
            name=name_,
            job_title="Directeur",
            email=f"{name_.split()[0].lower()}@smederij.nl",
            authority_label="Gezamenlijk bevoegd bestuurder",
            evidence="KvK-uittreksel",
            is_penvoerder=False,
        )
        for name_ in ("Anna Smit", "Bram Smit")
    ]
    register_kind(DocumentKind(key="test-joint", label="test"))
    document = signing.document_create(
        partnership=partnership,
        kind="test-joint",
        subject="joint-test",
        chain="test-joint:1",
        title="Samenwerkingsovereenkomst Regio Oost, versie 1",
        pdf_name=name,
        pdf_sha256=bytes_hash(data),
        signers=signers,
        details={"version": 1},
    )
    document_round = signing.round_send(
        document=document, user=leader, deadline=timezone.now() + timezone.timedelta(days=9)
    )
    yield list(SignatureRequest.objects.filter(round=document_round).order_by("name"))
    unregister_kind("test-joint")


@pytest.mark.django_db
def test_the_statement_names_who_signs_together_with_the_signer(joint):
    anna, bram = joint
    statement = signing.statement_for(anna)
    assert "Bram Smit ondertekent ook namens Smederij Oost B.V." in statement
    assert "Anna Smit" not in statement
    assert signing.co_signers(bram) == ["Anna Smit"]


@pytest.mark.django_db
def test_after_signing_the_page_says_who_of_the_organisation_still_signs(client, joint):
    anna, bram = joint
    SignatureRequest.objects.filter(pk=anna.pk).update(code_verified_at=timezone.now())
    signed = signing.request_sign(
        SignatureRequest.objects.get(pk=anna.pk),
        typed_name="Anna Smit",
        statement_confirmed=True,
        shown_pdf_sha256=anna.round.document.pdf_sha256,
        client=CLIENT,
    )
    assert signed.status == RequestStatus.SIGNED
    assert "Bram Smit ondertekent ook namens Smederij Oost B.V." in signed.statement
    html = client.get(_token_url(anna)).content.decode()
    assert "Voor Smederij Oost B.V. moet nog één persoon ondertekenen" in html
    assert "Bram Smit" in html


@pytest.mark.django_db
def test_the_commitments_card_needs_no_extra_query(
    client, partnership, leader, django_assert_max_num_queries
):
    """The card and the pages come from the document row: the sign page's count holds."""
    with scopes_disabled():
        version = signing_version(partnership, parties=3, real_pdf=True)
        signing_round = send_round(version, leader)
        sig = signing_round.requests.order_by("pk").first()
    client.get(_token_url(sig))
    with django_assert_max_num_queries(4):
        assert client.get(_token_url(sig)).status_code == 200


def test_a_contribution_value_is_printed_to_the_cent():
    party = {
        "total": "0.10",
        "contributions": [
            {"year": 2026, "kind_label": "Geld", "description": "", "value": "0.10"},
        ],
    }
    (contributions,) = agreement_signing._commitments(party)
    assert contributions["years"][0]["items"][0]["amount"] == "€\xa00,10"
    assert Decimal("0.10") == Decimal(party["total"])


@pytest.fixture
def partnership(db):
    return PartnershipFactory(name="Regio Twente Techniek", slug="twente")


@pytest.fixture
def leader(db):
    return UserFactory(email="leider@twente.nl")
