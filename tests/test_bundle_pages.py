"""The accountant's bundle on the site and from the command (docs/rules.md §24): a leader
builds and downloads it from the settlement page, every build is recorded and listed, a
year without data is refused with a message, and nothing half-written is left."""

import hashlib
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_scopes import scopes_disabled

from bundle.models import BuildStatus, BuildVia, BundleBuild
from bundle.recovery import recover_stuck_builds
from tests.bundle_data import bundle_region, manifest, ready_build
from tests.commit_hooks import task_enqueues
from tests.factories import BudgetFactory


@pytest.fixture(autouse=True)
def english(client, settings):
    """English chosen in the language switch, to check the wording (msgids)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def data(partnership, leader):
    with scopes_disabled():
        return bundle_region(partnership, leader)


def settlement_url(year=None):
    url = reverse("cofinancing:settlement", kwargs={"slug": "twente"})
    return f"{url}?year={year}" if year else url


def build(client, year="2025"):
    return client.post(reverse("bundle:build-create", kwargs={"slug": "twente"}), {"year": year})


def test_a_leader_builds_the_bundle_from_the_settlement_page_and_downloads_it(
    leader_client, leader, data
):
    page = leader_client.get(settlement_url(2025)).content.decode()
    assert "Build the accountant's bundle of 2025" in page

    response = build(leader_client)
    with scopes_disabled():
        made = BundleBuild.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "bundle:build-detail", kwargs={"slug": "twente", "code": made.code}
    )
    assert made.status == BuildStatus.READY and made.built_by == leader and made.year == 2025
    assert made.via == BuildVia.PAGE and made.file_count > 3 and made.missing_count == 0

    detail = leader_client.get(response["Location"]).content.decode()
    assert made.manifest_sha256 in detail
    download = leader_client.get(
        reverse("bundle:build-download", kwargs={"slug": "twente", "code": made.code})
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert "accountantsdossier-twente-2025-" in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert len(content) == made.size
    assert hashlib.sha256(archive.read("MANIFEST.csv")).hexdigest() == made.manifest_sha256

    # Listed on the settlement page and on the page of every build.
    for url in (settlement_url(2025), reverse("bundle:build-list", kwargs={"slug": "twente"})):
        assert str(made.code) in leader_client.get(url).content.decode()


def test_a_newer_build_of_the_same_year_replaces_the_file_and_keeps_the_record(leader_client, data):
    build(leader_client)
    build(leader_client)
    with scopes_disabled():
        newer, older = BundleBuild.objects.all()
    assert newer.file and not older.file
    assert newer.manifest_sha256 == older.manifest_sha256
    older_url = reverse("bundle:build-download", kwargs={"slug": "twente", "code": older.code})
    assert leader_client.get(older_url).status_code == 404
    detail = reverse("bundle:build-detail", kwargs={"slug": "twente", "code": older.code})
    assert "replaced by a newer build" in leader_client.get(detail).content.decode()


def test_a_year_without_data_is_refused_with_a_message_and_nothing_is_recorded(
    leader_client, partnership
):
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
    response = build(leader_client, "2027")

    assert response.status_code == 302 and response["Location"] == settlement_url(2027)
    page = leader_client.get(response["Location"]).content.decode()
    assert "There is nothing to account for in 2027" in page
    with scopes_disabled():
        assert not BundleBuild.objects.exists()


def test_a_year_outside_the_scheme_or_garbage_is_refused(leader_client, data):
    assert "is not a year of" in (
        leader_client.get(build(leader_client, "2031")["Location"]).content.decode()
    )
    assert build(leader_client, "twintig")["Location"] == settlement_url()
    with scopes_disabled():
        assert not BundleBuild.objects.exists()


def test_editors_and_viewers_see_the_builds_and_why_they_cannot_download(
    client, editor, viewer, leader, partnership
):
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
        made = ready_build(partnership, leader)
    for user in (editor, viewer):
        client.force_login(user)
        page = client.get(settlement_url()).content.decode()
        assert 'data-figure="bundle-leaders-only"' in page
        assert reverse("bundle:build-create", kwargs={"slug": "twente"}) not in page
        assert str(made.code) in page
        detail = client.get(
            reverse("bundle:build-detail", kwargs={"slug": "twente", "code": made.code})
        ).content.decode()
        assert "Only project leaders build and download the bundle" in detail
        assert "/download/" not in detail


def test_a_large_bundle_is_built_in_the_background_and_the_page_polls(
    leader_client, data, settings, django_capture_on_commit_callbacks
):
    settings.BUNDLE_INLINE_MAX_BYTES = 0
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = build(leader_client)
    with scopes_disabled():
        made = BundleBuild.objects.get()
    tasks = task_enqueues(callbacks)
    assert made.status == BuildStatus.BUILDING and len(tasks) == 1
    detail = leader_client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in detail

    tasks[0]()  # the task (the Immediate backend runs it at once)
    partial = leader_client.get(response["Location"], headers={"HX-Request": "true"})
    assert "Download the bundle (ZIP)" in partial.content.decode()
    with scopes_disabled():
        made.refresh_from_db()
    assert made.status == BuildStatus.READY and made.done_count == made.planned_count > 3


def test_a_failed_build_records_its_error_and_offers_to_build_again(
    leader_client, data, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr("bundle.building.bundle_contents", broken)
    response = build(leader_client)
    with scopes_disabled():
        made = BundleBuild.objects.get()
    assert made.status == BuildStatus.FAILED and "schijf vol" in made.error
    page = leader_client.get(response["Location"]).content.decode()
    assert "could not be built" in page and "Build again" in page


def test_a_build_stuck_past_its_time_limit_is_marked_failed(partnership, leader, settings):
    import datetime

    from django.utils import timezone

    with scopes_disabled():
        made = BundleBuild.objects.create(partnership=partnership, via=BuildVia.PAGE)
        later = timezone.now() + datetime.timedelta(seconds=settings.TASK_TIME_LIMIT + 1)
        assert recover_stuck_builds(now=timezone.now()) == []
        assert len(recover_stuck_builds(now=later)) == 1
        made.refresh_from_db()
    assert made.status == BuildStatus.FAILED and "build again" in made.error
    assert recover_stuck_builds(now=later) == []


# --- The command ------------------------------------------------------------------------


def test_the_command_writes_the_bundle_and_records_a_build_without_a_user(data, tmp_path, capsys):
    output = tmp_path / "dossier-2025.zip"
    call_command("accountant_bundle", "twente", "--year", "2025", "--output", str(output))

    with scopes_disabled():
        made = BundleBuild.objects.get()
    archive = zipfile.ZipFile(output)
    assert made.via == BuildVia.COMMAND and made.built_by is None and not made.file
    assert made.status == BuildStatus.READY and made.year == 2025
    assert hashlib.sha256(archive.read("MANIFEST.csv")).hexdigest() == made.manifest_sha256
    assert {row["path"] for row in manifest(archive)} == set(archive.namelist()) - {"MANIFEST.csv"}
    assert made.manifest_sha256 in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["dossier-2025.zip"]


def test_the_command_without_a_year_builds_the_period(data, tmp_path):
    output = tmp_path / "periode.zip"
    call_command("accountant_bundle", "twente", "--output", str(output))
    with scopes_disabled():
        assert BundleBuild.objects.get().year is None
    text = zipfile.ZipFile(output).read("LEESMIJ.txt").decode()
    assert "de hele periode 2025–2028" in text


def test_the_command_refuses_a_year_without_data_and_writes_nothing(partnership, tmp_path):
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
    output = tmp_path / "leeg.zip"
    with pytest.raises(CommandError, match="2027") as error:
        call_command("accountant_bundle", "twente", "--year", "2027", "--output", str(output))
    assert error.value.returncode == 1
    assert list(tmp_path.iterdir()) == []
    with scopes_disabled():
        assert not BundleBuild.objects.exists()


def test_the_command_refuses_an_unknown_partnership(db, tmp_path):
    with pytest.raises(CommandError, match="No partnership"):
        call_command("accountant_bundle", "nergens", "--output", str(tmp_path / "x.zip"))


def test_the_command_leaves_no_partial_file_when_building_fails(data, tmp_path, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr("bundle.building.bundle_contents", broken)
    with pytest.raises(RuntimeError):
        call_command(
            "accountant_bundle", "twente", "--year", "2025", "--output", str(tmp_path / "x.zip")
        )
    assert list(tmp_path.iterdir()) == []
    with scopes_disabled():
        assert BundleBuild.objects.get().status == BuildStatus.FAILED
