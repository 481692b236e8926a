"""Versions of the agreement (docs/rules.md §12): making one, numbering,
rendering once in a task, never changing afterwards, and what changed since."""

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from agreements import demo
from agreements.changes import AMOUNTS, PARTIES, SIGNATORIES, TEXTS, changes_since
from agreements.models import AgreementVersion
from agreements.readiness import Readiness
from agreements.services import agreement_for, version_create
from agreements.snapshot import build_snapshot
from agreements.tasks import render_version
from cofinancing.models import Contribution
from partners.models import Signatory
from sterk.canonical import bytes_hash, snapshot_hash
from tests.commit_hooks import task_enqueues
from tests.factories import UserFactory, VersionFactory
from tests.test_snapshot import ready_partnership

FAKE_PDF = b"%PDF-1.7 fake"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def renders(monkeypatch):
    """Replace the real renderer: count the calls and return a tiny fake PDF."""
    import agreements.pdf

    calls = []

    def fake(snapshot, *, number, snapshot_sha256):
        calls.append((number, snapshot_sha256))
        return FAKE_PDF

    monkeypatch.setattr(agreements.pdf, "render_pdf", fake)
    return calls


@pytest.fixture
def ready(partnership, no_scopes):
    return ready_partnership(partnership)


def make_version(partnership, user, capture):
    with capture(execute=True):
        return version_create(partnership=partnership, user=user)


# --- making a version ----------------------------------------------------------------------


def test_a_version_is_refused_when_the_agreement_is_not_ready(
    ready, leader, renders, django_capture_on_commit_callbacks
):
    Signatory.objects.filter(partnership=ready).delete()
    with pytest.raises(ValidationError) as refused:
        make_version(ready, leader, django_capture_on_commit_callbacks)
    assert "readiness" in refused.value.message_dict
    assert not AgreementVersion.objects.filter(partnership=ready).exists()
    assert renders == []


def test_a_version_stores_the_snapshot_and_its_hash(
    ready, leader, renders, django_capture_on_commit_callbacks
):
    version = make_version(ready, leader, django_capture_on_commit_callbacks)
    version.refresh_from_db()
    assert version.number == 1
    assert version.created_by == leader
    assert version.snapshot == build_snapshot(partnership=ready)
    assert version.snapshot_sha256 == snapshot_hash(version.snapshot)
    assert version.agreement == agreement_for(ready)


def test_versions_are_numbered_one_up_per_agreement(
    ready, leader, renders, django_capture_on_commit_callbacks, other_partnership
):
    VersionFactory(partnership=other_partnership, number=7)
    numbers = [
        make_version(ready, leader, django_capture_on_commit_callbacks).number for _ in "abc"
    ]
    assert numbers == [1, 2, 3]


def test_the_task_attaches_the_pdf_once_with_its_hash(
    ready, leader, renders, django_capture_on_commit_callbacks
):
    version = make_version(ready, leader, django_capture_on_commit_callbacks)
    version.refresh_from_db()
    assert renders == [(1, version.snapshot_sha256)]
    assert version.pdf_sha256 == bytes_hash(FAKE_PDF)
    assert version.rendered_at is not None
    assert version.render_error == ""
    with version.pdf.open("rb") as stored:
        assert stored.read() == FAKE_PDF
    pdf_name = version.pdf.name

    render_version.call(version.pk)
    version.refresh_from_db()
    assert len(renders) == 1
    assert version.pdf.name == pdf_name
    assert version.pdf_sha256 == bytes_hash(FAKE_PDF)


def test_the_rendering_waits_for_the_commit(
    ready, leader, renders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = version_create(partnership=ready, user=leader)
    version.refresh_from_db()
    assert renders == [] and version.pdf_sha256 == ""
    assert len(task_enqueues(callbacks)) == 1


def test_a_rendering_error_is_recorded_and_no_pdf_attached(
    ready, leader, monkeypatch, django_capture_on_commit_callbacks
):
    import agreements.pdf

    def broken(snapshot, *, number, snapshot_sha256):
        raise RuntimeError("font missing")

    monkeypatch.setattr(agreements.pdf, "render_pdf", broken)
    version = make_version(ready, leader, django_capture_on_commit_callbacks)
    version.refresh_from_db()
    assert "font missing" in version.render_error
    assert version.pdf_sha256 == ""
    assert not version.pdf


def test_the_real_renderer_gives_a_pdf(ready, leader, django_capture_on_commit_callbacks):
    version = make_version(ready, leader, django_capture_on_commit_callbacks)
    version.refresh_from_db()
    assert version.render_error == ""
    with version.pdf.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"%PDF")
    assert version.pdf_sha256 == bytes_hash(data)


# --- a version never changes ---------------------------------------------------------------


@pytest.fixture
def version(ready, leader, renders, django_capture_on_commit_callbacks):
    made = make_version(ready, leader, django_capture_on_commit_callbacks)
    made.refresh_from_db()
    return made


def stored(version):
    return AgreementVersion._base_manager.get(pk=version.pk)


def test_saving_a_changed_snapshot_is_refused(version):
    original = copy.deepcopy(version.snapshot)
    version.snapshot["partnership"]["name"] = "Vervalst"
    version.snapshot_sha256 = snapshot_hash(version.snapshot)
    with pytest.raises(ValidationError):
        version.save()
    assert stored(version).snapshot == original


def test_replacing_the_pdf_is_refused(version):
    version.pdf_sha256 = bytes_hash(b"%PDF-1.7 other")
    with pytest.raises(ValidationError):
        version.save()
    assert stored(version).pdf_sha256 == bytes_hash(FAKE_PDF)


def test_a_queryset_update_of_the_snapshot_is_refused(version):
    with pytest.raises(ValidationError):
        AgreementVersion.objects.filter(pk=version.pk).update(snapshot={"schema": 1})
    with pytest.raises(ValidationError):
        AgreementVersion.objects.filter(pk=version.pk).update(snapshot_sha256="0" * 64)
    assert stored(version).snapshot == version.snapshot


def test_deleting_a_version_is_refused(version):
    with pytest.raises(ValidationError):
        version.delete()
    with pytest.raises(ValidationError):
        AgreementVersion.objects.filter(pk=version.pk).delete()
    assert AgreementVersion._base_manager.filter(pk=version.pk).exists()


@pytest.fixture
def superuser_client(client, db):
    admin = UserFactory(email="beheer@sterk.test", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_the_admin_shows_a_version_read_only_with_its_snapshot(version, superuser_client):
    url = reverse("admin:agreements_agreementversion_change", args=[version.pk])
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert version.snapshot_sha256 in response.content.decode()
    assert not response.context["has_change_permission"]
    assert not response.context["has_delete_permission"]


def test_posting_the_admin_change_form_changes_nothing(version, superuser_client):
    url = reverse("admin:agreements_agreementversion_change", args=[version.pk])
    response = superuser_client.post(
        url, {"number": "99", "snapshot": '{"schema": 1}', "snapshot_sha256": "0" * 64}
    )
    assert response.status_code == 403
    again = stored(version)
    assert (again.number, again.snapshot, again.snapshot_sha256) == (
        version.number,
        version.snapshot,
        version.snapshot_sha256,
    )


def test_the_admin_cannot_delete_or_add_versions(version, superuser_client):
    delete = reverse("admin:agreements_agreementversion_delete", args=[version.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    add = reverse("admin:agreements_agreementversion_add")
    assert superuser_client.get(add).status_code == 403
    changelist = reverse("admin:agreements_agreementversion_changelist")
    response = superuser_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [version.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    assert AgreementVersion._base_manager.filter(pk=version.pk).exists()


# --- what changed since a version -----------------------------------------------------------


def areas(changes):
    return {change.area for change in changes}


def test_nothing_changed_gives_no_changes(ready):
    snapshot = build_snapshot(partnership=ready)
    assert changes_since(snapshot, build_snapshot(partnership=ready)) == []


def test_a_new_party_is_a_change_of_parties(ready):
    from tests.test_snapshot import company

    old = build_snapshot(partnership=ready)
    company(ready, "Nieuwkomer B.V.")
    changes = changes_since(old, build_snapshot(partnership=ready))
    assert PARTIES in areas(changes)
    assert any("Nieuwkomer B.V." in change.text for change in changes if change.area == PARTIES)


def test_a_changed_value_is_a_change_of_amounts(ready):
    old = build_snapshot(partnership=ready)
    Contribution.objects.filter(partnership=ready).update(value=Decimal("1500.00"))
    changes = changes_since(old, build_snapshot(partnership=ready))
    assert areas(changes) == {AMOUNTS}


def test_a_new_signatory_is_a_change_of_signatories(ready):
    old = build_snapshot(partnership=ready)
    Signatory.objects.filter(partnership=ready, contact__organisation__name="Bedrijf 000").update(
        evidence_reference="KvK 2026-99"
    )
    changes = changes_since(old, build_snapshot(partnership=ready))
    assert areas(changes) == {SIGNATORIES}


def test_a_changed_clause_is_a_change_of_texts(ready, leader):
    from agreements.models import ClauseText

    old = build_snapshot(partnership=ready)
    ClauseText.objects.create(partnership=ready, key="purpose", text="Een eigen doel.")
    changes = changes_since(old, build_snapshot(partnership=ready))
    assert areas(changes) == {TEXTS}


def test_an_old_tiny_snapshot_is_read_without_errors(ready):
    changes = changes_since({"schema": 1}, build_snapshot(partnership=ready))
    assert {PARTIES, TEXTS} <= areas(changes)


# --- demo ------------------------------------------------------------------------------------


def test_the_demo_makes_version_one_once_when_ready(ready, leader, renders, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    first = demo.seed(ready)
    second = demo.seed(ready)
    assert isinstance(first, AgreementVersion)
    assert first.number == 1
    assert second.pk == first.pk
    assert AgreementVersion.objects.filter(partnership=ready).count() == 1


def test_the_demo_makes_nothing_when_not_ready_and_says_why(ready):
    Signatory.objects.filter(partnership=ready).delete()
    result = demo.seed(ready)
    assert isinstance(result, Readiness)
    assert result.blocking
    with scopes_disabled():
        assert not AgreementVersion.objects.filter(partnership=ready).exists()
