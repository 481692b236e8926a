"""The agreement page, its settings and the versions: make, follow, preview, download."""

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from agreements.models import Agreement, AgreementVersion
from sterk.canonical import snapshot_hash
from tests.factories import (
    ActivityFactory,
    ContributionFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    SignatoryFactory,
    VersionFactory,
)

HOSTILE = "<script>alert(1)</script>"
PDF_BYTES = b"%PDF-1.7\n%test\n"


@dataclass
class Item:
    key: str
    blocking: bool
    message: str
    url: str


@dataclass
class Readiness:
    ready: bool
    items: list


@dataclass
class Change:
    area: str
    text: str


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def not_ready(monkeypatch):
    readiness = Readiness(
        ready=False,
        items=[
            Item("signatory", True, "Geen tekenbevoegde bij Smederij Oost", "/fix/signatory/"),
            Item("pipeline", False, "Nog niet toegezegd: Lasbedrijf West", "/fix/pipeline/"),
        ],
    )
    monkeypatch.setattr("agreements.readiness.readiness_from_data", lambda data: readiness)
    return readiness


def _url(name, partnership, version=None):
    kwargs = {"slug": partnership.slug}
    if version is not None:
        kwargs["code"] = version.code
    return reverse(f"agreements:{name}", kwargs=kwargs)


def _version(partnership, **kwargs):
    with scopes_disabled():
        return VersionFactory(partnership=partnership, **kwargs)


def _rendering(partnership, **kwargs):
    return _version(partnership, pdf="", pdf_sha256="", **kwargs)


# The agreement page


def test_agreement_page_shows_versions_newest_first_with_status_and_full_hashes(
    leader_client, partnership
):
    old = _version(partnership, number=1)
    new = _version(partnership, number=2)
    response = leader_client.get(_url("agreement-list", partnership))
    assert response.status_code == 200
    assert [(v.number, status) for v, status in response.context["rows"]] == [
        (2, "ready"),
        (1, "superseded"),
    ]
    content = response.content.decode()
    assert f'title="{new.snapshot_sha256}"' in content
    assert f'title="{new.pdf_sha256}"' in content
    assert _url("version-download", partnership, old) in content
    assert _url("version-preview", partnership, new) in content


def test_latest_version_without_pdf_is_rendering_and_with_error_is_failed(
    leader_client, partnership
):
    _rendering(partnership, number=1)
    response = leader_client.get(_url("agreement-list", partnership))
    assert [status for _v, status in response.context["rows"]] == ["rendering"]
    _rendering(partnership, number=2, render_error="WeasyPrint kapot")
    response = leader_client.get(_url("agreement-list", partnership))
    assert [status for _v, status in response.context["rows"]] == ["failed", "superseded"]


def test_readiness_items_link_to_their_fix_and_block_the_make_button(
    leader_client, partnership, not_ready
):
    response = leader_client.get(_url("agreement-list", partnership))
    content = response.content.decode()
    assert 'href="/fix/signatory/"' in content
    assert 'href="/fix/pipeline/"' in content
    assert "Smederij Oost" in content
    form_start = content.index(f'action="{_url("version-create", partnership)}"')
    assert " disabled " in content[form_start : content.index("</form>", form_start)]


def test_make_button_is_enabled_when_ready_and_hidden_from_editors(
    client, leader_client, editor, partnership, monkeypatch
):
    monkeypatch.setattr(
        "agreements.readiness.readiness_from_data",
        lambda data: Readiness(ready=True, items=[]),
    )
    create_url = _url("version-create", partnership)
    content = leader_client.get(_url("agreement-list", partnership)).content.decode()
    form_start = content.index(f'action="{create_url}"')
    assert " disabled " not in content[form_start : content.index("</form>", form_start)]
    client.force_login(editor)
    assert create_url not in client.get(_url("agreement-list", partnership)).content.decode()


def test_out_of_date_notice_lists_changes_grouped_by_area(leader_client, partnership, monkeypatch):
    _version(partnership, number=1, snapshot={"schema": 1, "old": True})
    monkeypatch.setattr(
        "agreements.snapshot.build_snapshot", lambda *, partnership: {"schema": 1, "new": True}
    )
    monkeypatch.setattr(
        "agreements.changes.changes_since",
        lambda old, new: [
            Change("texts", "Artikel 3 gewijzigd"),
            Change("parties", "Nieuwe partij: Smederij Oost"),
            Change("parties", "Vertrokken: Lasbedrijf West"),
        ],
    )
    response = leader_client.get(_url("agreement-list", partnership))
    groups = response.context["changes"]
    assert [(g.area, [c.text for c in g.changes]) for g in groups] == [
        ("parties", ["Nieuwe partij: Smederij Oost", "Vertrokken: Lasbedrijf West"]),
        ("texts", ["Artikel 3 gewijzigd"]),
    ]
    assert "Artikel 3 gewijzigd" in response.content.decode()


def test_no_out_of_date_notice_when_the_data_matches_the_latest_version(leader_client, partnership):
    from agreements.snapshot import build_snapshot

    with scopes_disabled():
        current = build_snapshot(partnership=partnership)
    _version(partnership, number=1, snapshot=current, snapshot_sha256=snapshot_hash(current))
    response = leader_client.get(_url("agreement-list", partnership))
    assert response.context["changes"] is None


def test_out_of_date_notice_appears_after_a_real_change(leader_client, partnership):
    from agreements.snapshot import build_snapshot

    with scopes_disabled():
        organisation = OrganisationFactory(partnership=partnership, name="Smederij Oost")
        ParticipantFactory(
            activity=ActivityFactory(partnership=partnership), organisation=organisation
        )
        current = build_snapshot(partnership=partnership)
        _version(partnership, number=1, snapshot=current, snapshot_sha256=snapshot_hash(current))
        organisation.name = "Smederij Oost-Twente"
        organisation.save()
    response = leader_client.get(_url("agreement-list", partnership))
    assert response.context["changes"] is not None
    assert sum(len(g.changes) for g in response.context["changes"]) >= 1


def test_signing_and_later_work_do_not_make_the_version_out_of_date(leader_client, partnership):
    """Signing moves parties to "signed"; later a contribution is realised. Neither changes
    what the agreement says, so the version in force is not "out of date"."""
    from agreements.snapshot import build_snapshot
    from partners.models import Stage

    with scopes_disabled():
        organisation = OrganisationFactory(
            partnership=partnership, name="Smederij Oost", stage=Stage.COMMITTED
        )
        ParticipantFactory(
            activity=ActivityFactory(partnership=partnership), organisation=organisation
        )
        contribution = ContributionFactory(organisation=organisation, status="pledged")
        current = build_snapshot(partnership=partnership)
        _version(partnership, number=1, snapshot=current, snapshot_sha256=snapshot_hash(current))
        type(organisation).objects.filter(pk=organisation.pk).update(stage=Stage.SIGNED)
        type(contribution).objects.filter(pk=contribution.pk).update(status="realised")
        assert snapshot_hash(build_snapshot(partnership=partnership)) != snapshot_hash(current)
    response = leader_client.get(_url("agreement-list", partnership))
    assert response.context["changes"] is None
    with scopes_disabled():
        type(contribution).objects.filter(pk=contribution.pk).update(value="750.00")
    response = leader_client.get(_url("agreement-list", partnership))
    assert response.context["changes"] is not None


def test_hostile_texts_on_the_agreement_page_are_escaped(leader_client, partnership, monkeypatch):
    monkeypatch.setattr(
        "agreements.readiness.readiness_from_data",
        lambda data: Readiness(False, [Item("x", True, HOSTILE, "/fix/")]),
    )
    with scopes_disabled():
        organisation = OrganisationFactory(partnership=partnership, name=HOSTILE)
        Agreement.objects.create(partnership=partnership, penvoerder=organisation)
    content = leader_client.get(_url("agreement-list", partnership)).content.decode()
    assert HOSTILE not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def _parties(partnership, count):
    with scopes_disabled():
        activity = ActivityFactory(partnership=partnership)
        for _ in range(count):
            organisation = OrganisationFactory(partnership=partnership)
            SignatoryFactory(contact__organisation=organisation)
            ParticipantFactory(activity=activity, organisation=organisation)
            ContributionFactory(organisation=organisation, activity=activity)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("pages", ["agreement-list", "version-detail"])
def test_pages_run_a_fixed_number_of_queries_for_5_and_150_parties(
    leader_client, partnership, other_partnership, pages
):
    _parties(partnership, 5)
    for number in range(1, 4):
        version = _version(partnership, number=number)
    url = _url(pages, partnership, version if pages == "version-detail" else None)
    few = _count_queries(leader_client, url)
    _parties(partnership, 145)
    for number in range(4, 30):
        version = _version(partnership, number=number)
    url = _url(pages, partnership, version if pages == "version-detail" else None)
    with scopes_disabled():
        assert Agreement.objects.get(partnership=partnership).versions.count() == 29
    assert _count_queries(leader_client, url) == few


# Settings


def test_leader_chooses_the_penvoerder(leader_client, partnership):
    with scopes_disabled():
        organisation = OrganisationFactory(partnership=partnership)
    response = leader_client.post(
        _url("agreement-settings", partnership), {"penvoerder": organisation.pk}
    )
    assert response.status_code == 302
    assert response.url == _url("agreement-list", partnership)
    with scopes_disabled():
        assert Agreement.objects.get(partnership=partnership).penvoerder == organisation
    assert organisation.name in leader_client.get(response.url).content.decode()


@pytest.mark.parametrize(
    "value",
    ["forged", "999999", "", "x" * 10_000, HOSTILE],
    ids=["other", "unknown", "empty", "huge", "hostile"],
)
def test_settings_refuse_a_penvoerder_outside_the_partnership(
    leader_client, partnership, other_partnership, value
):
    with scopes_disabled():
        stranger = OrganisationFactory(partnership=other_partnership)
        own = OrganisationFactory(partnership=partnership)
        Agreement.objects.create(partnership=partnership, penvoerder=own)
    posted = stranger.pk if value == "forged" else value
    response = leader_client.post(_url("agreement-settings", partnership), {"penvoerder": posted})
    if value == "":
        # Empty is allowed: the penvoerder is not chosen yet.
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert "penvoerder" in response.context["form"].errors
    assert HOSTILE not in response.content.decode()
    with scopes_disabled():
        assert Agreement.objects.get(partnership=partnership).penvoerder == own


def test_settings_offer_only_the_partnerships_organisations(
    leader_client, partnership, other_partnership
):
    with scopes_disabled():
        own = OrganisationFactory(partnership=partnership)
        stranger = OrganisationFactory(partnership=other_partnership)
    response = leader_client.get(_url("agreement-settings", partnership))
    choices = list(response.context["form"].fields["penvoerder"].queryset)
    assert own in choices
    assert stranger not in choices


# Making a version


def test_version_create_refused_redirects_back_and_makes_nothing(
    leader_client, partnership, monkeypatch
):
    def refuse(*, partnership, user, after=None):
        raise ValidationError({"readiness": "Niet klaar"})

    monkeypatch.setattr("agreements.services.version_create", refuse)
    response = leader_client.post(_url("version-create", partnership))
    assert response.status_code == 302
    assert response.url == _url("agreement-list", partnership)
    with scopes_disabled():
        assert not AgreementVersion.objects.filter(partnership=partnership).exists()


def test_version_create_redirects_to_the_new_version(
    leader_client, leader, partnership, monkeypatch
):
    made = {}

    def create(*, partnership, user, after=None):
        made["user"] = user
        with scopes_disabled():
            return VersionFactory(partnership=partnership, number=7)

    monkeypatch.setattr("agreements.services.version_create", create)
    response = leader_client.post(_url("version-create", partnership))
    with scopes_disabled():
        version = AgreementVersion.objects.get(partnership=partnership)
    assert response.status_code == 302
    assert response.url == _url("version-detail", partnership, version)
    assert made["user"] == leader


def test_version_create_with_the_real_service_when_not_ready_makes_nothing(
    leader_client, partnership
):
    with scopes_disabled():
        organisation = OrganisationFactory(partnership=partnership)
        # A participant without signatory is blocking.
        ParticipantFactory(
            activity=ActivityFactory(partnership=partnership), organisation=organisation
        )
    response = leader_client.post(_url("version-create", partnership))
    assert response.status_code == 302
    assert response.url == _url("agreement-list", partnership)
    with scopes_disabled():
        assert not AgreementVersion.objects.filter(partnership=partnership).exists()


def test_version_create_needs_post(leader_client, partnership):
    assert leader_client.get(_url("version-create", partnership)).status_code == 405


# Version detail


def test_rendering_version_polls_with_htmx(leader_client, partnership):
    version = _rendering(partnership, number=1)
    url = _url("version-detail", partnership, version)
    response = leader_client.get(url)
    content = response.content.decode()
    assert f'hx-get="{url}"' in content
    assert 'hx-trigger="every 2s"' in content
    assert "<iframe" not in content
    assert _url("version-download", partnership, version) not in content


def test_htmx_request_gets_the_progress_partial_only(leader_client, partnership):
    version = _rendering(partnership, number=1)
    response = leader_client.get(
        _url("version-detail", partnership, version), HTTP_HX_REQUEST="true"
    )
    assert [t.name for t in response.templates][0] == "agreements/partials/version_progress.html"
    assert "agreements/version_detail.html" not in [t.name for t in response.templates]
    assert "<html" not in response.content.decode()


def test_ready_version_embeds_the_preview_and_stops_polling(leader_client, partnership):
    version = _version(partnership, number=1)
    content = leader_client.get(_url("version-detail", partnership, version)).content.decode()
    assert "hx-trigger" not in content
    assert "<iframe" in content and " title=" in content
    assert f'src="{_url("version-preview", partnership, version)}"' in content
    assert _url("version-download", partnership, version) in content
    assert version.snapshot_sha256 in content and version.pdf_sha256 in content


def test_failed_version_shows_its_error_escaped(leader_client, partnership):
    version = _rendering(partnership, number=1, render_error=f"Fout: {HOSTILE}")
    response = leader_client.get(_url("version-detail", partnership, version))
    content = response.content.decode()
    assert response.context["status"] == "failed"
    assert "Fout: &lt;script&gt;" in content
    assert HOSTILE not in content
    assert "hx-trigger" not in content


# Preview and download


def test_preview_is_inline_pdf_frameable_from_the_same_origin(leader_client, partnership):
    version = _version(partnership, number=3)
    response = leader_client.get(_url("version-preview", partnership, version))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_download_is_an_attachment_with_the_stored_bytes(client, viewer, partnership):
    version = _version(partnership, number=3)
    client.force_login(viewer)
    response = client.get(_url("version-download", partnership, version))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="samenwerkingsovereenkomst-twente-v3.pdf"'
    )
    body = b"".join(response.streaming_content)
    with scopes_disabled():
        version.refresh_from_db()
        with version.pdf.open("rb") as stored:
            assert body == stored.read()
    assert body == PDF_BYTES


@pytest.mark.parametrize("name", ["version-preview", "version-download"])
def test_pdf_is_404_until_it_is_rendered(leader_client, partnership, name):
    version = _rendering(partnership, number=1)
    assert leader_client.get(_url(name, partnership, version)).status_code == 404


@pytest.mark.parametrize("name", ["version-detail", "version-preview", "version-download"])
def test_version_of_another_partnership_is_404_even_for_its_own_leader(
    client, partnership, other_partnership, leader, name
):
    # The leader of twente is also a member of zeeland; zeeland's version asked through
    # twente's address must not be found.
    with scopes_disabled():
        MembershipFactory(partnership=other_partnership, user=leader, role="leader")
    foreign = _version(other_partnership, number=1)
    client.force_login(leader)
    assert client.get(_url(name, partnership, foreign)).status_code == 404
    assert client.get(_url(name, other_partnership, foreign)).status_code == 200


@pytest.mark.parametrize("name", ["version-detail", "version-preview", "version-download"])
def test_leader_of_other_partnership_gets_404(client, partnership, other_partnership, name):
    version = _version(partnership, number=1)
    with scopes_disabled():
        outsider = MembershipFactory(partnership=other_partnership, role="leader").user
    client.force_login(outsider)
    assert client.get(_url(name, partnership, version)).status_code == 404


def test_the_agreement_page_loads_the_agreement_data_once(leader_client, partnership, monkeypatch):
    """Readiness and the out-of-date check share one load (it was two before)."""
    from agreements.views import pages

    _parties(partnership, 3)
    _version(partnership, number=1)
    calls = []
    real = pages.load_agreement_data

    def counted(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(pages, "load_agreement_data", counted)
    monkeypatch.setattr("agreements.data.load_agreement_data", counted)
    monkeypatch.setattr("agreements.snapshot.load_agreement_data", counted)
    monkeypatch.setattr("agreements.readiness.load_agreement_data", counted)
    assert leader_client.get(_url("agreement-list", partnership)).status_code == 200
    assert len(calls) == 1
