"""Stored files go through Django's STORAGES (issue 17 §4): the same round trips on the local
disk (the default) and on S3-compatible object storage, here a real S3 server on the
loopback (moto's server mode), switched on from the environment exactly as in production
(sterk.settings_servers.env_storages).

On S3 nothing may land under MEDIA_ROOT and no code may ask for a file's local path
(S3Storage.path raises NotImplementedError, so any such use fails here)."""

import os
import uuid
from datetime import timedelta

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled
from moto.server import ThreadedMotoServer

from agreements.services import version_create
from cofinancing.importer import pending
from cofinancing.models import Contribution, Evidence
from sterk.settings_servers import env_storages
from tests.evidence_files import PDF, upload
from tests.factories import BudgetFactory, ContributionFactory, OrganisationFactory
from tests.fixtures_xlsx import workbook
from tests.test_snapshot import ready_partnership

REGION = "eu-west-1"


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3 API (moto's server) on a free port of the loopback, for the session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


class Bucket:
    def __init__(self, endpoint):
        self.name = f"sterk-test-{uuid.uuid4().hex[:16]}"
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="test-key",
            aws_secret_access_key="test-secret",
        )
        self.client.create_bucket(
            Bucket=self.name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )

    def keys(self, prefix="") -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return sorted(entry["Key"] for entry in listed.get("Contents", []))

    def get(self, key) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


def s3_environ(endpoint, bucket_name) -> dict:
    return {
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket_name,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }


@pytest.fixture(params=["local", "s3"])
def backend(request, settings, tmp_path):
    """Each test runs on the local disk and on S3. Yields "local" or the S3 Bucket; MEDIA_ROOT
    is a fresh folder so the test can check what landed on the disk."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if request.param == "local":
        settings.STORAGES = {**settings.STORAGES, "default": env_storages(environ={})}
        yield "local"
        return
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = Bucket(endpoint)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": env_storages(environ=s3_environ(endpoint, bucket.name)),
    }
    yield bucket
    assert local_files(settings) == [], "a file went to the local disk instead of S3"


def local_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _dirs, names in os.walk(root)
        for name in names
    )


def stored(backend, settings, prefix) -> list[str]:
    """The names stored under `prefix`, wherever the backend keeps them."""
    if backend == "local":
        return [name for name in local_files(settings) if name.startswith(prefix)]
    return backend.keys(prefix)


def stored_bytes(backend, settings, name) -> bytes:
    if backend == "local":
        return (settings.MEDIA_ROOT / name).read_bytes()
    return backend.get(name)


# --- The switch ---------------------------------------------------------------------------


def test_without_settings_files_go_to_the_local_disk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": env_storages(environ={})}
    name = default_storage.save("probe/a.txt", ContentFile(b"hallo"))
    assert type(default_storage._wrapped) is FileSystemStorage
    assert (tmp_path / name).read_bytes() == b"hallo"


def test_with_s3_settings_files_go_to_the_bucket(settings, s3_endpoint, tmp_path):
    from storages.backends.s3 import S3Storage

    settings.MEDIA_ROOT = tmp_path
    bucket = Bucket(s3_endpoint)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": env_storages(environ=s3_environ(s3_endpoint, bucket.name)),
    }
    name = default_storage.save("probe/a.txt", ContentFile(b"hallo"))
    assert type(default_storage._wrapped) is S3Storage
    assert bucket.keys() == [name]
    assert bucket.get(name) == b"hallo"
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(NotImplementedError):
        default_storage.path(name)  # what no code of Sterk may use


def test_a_second_file_of_the_same_name_never_replaces_the_first(backend, settings):
    first = default_storage.save("agreements/v.pdf", ContentFile(b"%PDF- one"))
    second = default_storage.save("agreements/v.pdf", ContentFile(b"%PDF- two"))
    assert first != second
    assert stored_bytes(backend, settings, first) == b"%PDF- one"
    assert stored_bytes(backend, settings, second) == b"%PDF- two"


def test_a_key_prefix_keeps_every_file_under_it(settings, s3_endpoint):
    bucket = Bucket(s3_endpoint)
    environ = {**s3_environ(s3_endpoint, bucket.name), "AWS_LOCATION": "sterk/acceptatie"}
    settings.STORAGES = {**settings.STORAGES, "default": env_storages(environ=environ)}
    name = default_storage.save("probe/a.txt", ContentFile(b"hallo"))
    assert bucket.keys() == [f"sterk/acceptatie/{name}"]
    with default_storage.open(name) as handle:
        assert handle.read() == b"hallo"


# --- Evidence: upload and download --------------------------------------------------------


@pytest.fixture
def contribution(partnership, no_scopes):
    BudgetFactory(partnership=partnership)
    company = OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")
    return ContributionFactory(organisation=company, status="realised")


def test_evidence_is_uploaded_downloaded_and_deleted_through_the_storage(
    backend, settings, client, leader, contribution, django_capture_on_commit_callbacks
):
    client.force_login(leader)
    added = client.post(
        reverse(
            "cofinancing:contribution-evidence-add",
            kwargs={"slug": "twente", "code": contribution.code},
        ),
        {"kind": "hours_statement", "note": "", "file": upload("urenstaat.pdf", PDF)},
    )
    assert added.status_code == 302, (
        getattr(added, "context", None) and added.context["form"].errors
    )
    with scopes_disabled():
        evidence = Evidence.objects.get(contribution=contribution)
    assert stored(backend, settings, "evidence/") == [evidence.file.name]
    assert stored_bytes(backend, settings, evidence.file.name) == PDF

    download = client.get(
        reverse("cofinancing:evidence-download", kwargs={"slug": "twente", "code": evidence.code})
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")

    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.post(
            reverse("cofinancing:evidence-delete", kwargs={"slug": "twente", "code": evidence.code})
        )
    assert deleted.status_code == 302
    assert stored(backend, settings, "evidence/") == []


def test_evidence_gone_from_the_storage_is_404_not_500(backend, client, leader, contribution):
    from cofinancing.services import evidence as services

    with scopes_disabled():
        evidence = services.evidence_add(
            partnership=contribution.partnership,
            user=leader,
            contribution=contribution,
            kind="hours_statement",
            file=upload("urenstaat.pdf", PDF),
            note="",
        )
    default_storage.delete(evidence.file.name)
    client.force_login(leader)
    response = client.get(
        reverse("cofinancing:evidence-download", kwargs={"slug": "twente", "code": evidence.code})
    )
    assert response.status_code == 404


# --- A generated PDF: the agreement version ----------------------------------------------


def test_a_version_pdf_is_rendered_into_the_storage_and_downloaded(
    backend, settings, client, leader, partnership, django_capture_on_commit_callbacks
):
    ready_partnership(partnership)
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        version = version_create(partnership=partnership, user=leader)
    version.refresh_from_db()
    assert version.render_error == ""
    assert stored(backend, settings, "agreements/") == [version.pdf.name]

    client.force_login(leader)
    response = client.get(
        reverse("agreements:version-download", kwargs={"slug": "twente", "code": version.code})
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    assert body == stored_bytes(backend, settings, version.pdf.name)


# --- The pending import -------------------------------------------------------------------


def test_a_pending_import_is_kept_in_the_storage_until_it_is_confirmed(
    backend, settings, leader_client, partnership
):
    upload_url = reverse("cofinancing:import-upload", kwargs={"slug": "twente"})
    content = workbook(as_bytes=True)
    preview = leader_client.post(
        upload_url, {"workbook": SimpleUploadedFile("twente.xlsx", content)}
    )
    assert preview.status_code == 200 and preview.context["result"].ok
    kept = stored(backend, settings, "imports/")
    assert len(kept) == 1
    assert stored_bytes(backend, settings, kept[0]) == content

    confirmed = leader_client.post(reverse("cofinancing:import-confirm", kwargs={"slug": "twente"}))
    assert confirmed.status_code == 302
    assert confirmed.url == reverse("cofinancing:overview", kwargs={"slug": "twente"})
    with scopes_disabled():
        assert Contribution.objects.filter(partnership=partnership).count() == 7
    assert stored(backend, settings, "imports/") == []


def test_a_new_upload_replaces_the_pending_one(backend, settings, leader_client, partnership):
    upload_url = reverse("cofinancing:import-upload", kwargs={"slug": "twente"})
    leader_client.post(
        upload_url, {"workbook": SimpleUploadedFile("a.xlsx", workbook(as_bytes=True))}
    )
    first = stored(backend, settings, "imports/")
    leader_client.post(
        upload_url, {"workbook": SimpleUploadedFile("b.xlsx", workbook(as_bytes=True))}
    )
    second = stored(backend, settings, "imports/")
    assert len(first) == len(second) == 1
    assert first != second


def test_pending_imports_older_than_a_day_are_swept(backend, settings, monkeypatch):
    old = default_storage.save("imports/" + "a" * 32 + ".xlsx", ContentFile(b"old"))
    other = default_storage.save("imports/notes.txt", ContentFile(b"not ours"))
    real = default_storage.get_modified_time
    monkeypatch.setattr(
        default_storage._wrapped,
        "get_modified_time",
        lambda name: real(name) - timedelta(days=2) if name == old else real(name),
    )
    pending._sweep()
    assert stored(backend, settings, "imports/") == [other]


def test_sweeping_with_nothing_stored_yet_is_quiet(backend):
    pending._sweep()


# --- Health -------------------------------------------------------------------------------


def test_health_writes_and_deletes_a_probe_in_the_storage(backend, settings, client, db):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["storage"]["ok"] is True
    assert stored(backend, settings, "healthz/") == []


def test_health_answers_503_when_the_bucket_is_gone(settings, s3_endpoint, client, db):
    bucket = Bucket(s3_endpoint)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": env_storages(environ=s3_environ(s3_endpoint, bucket.name)),
    }
    bucket.client.delete_bucket(Bucket=bucket.name)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {
        "ok": False,
        "ms": response.json()["checks"]["storage"]["ms"],
    }


# --- No local paths -------------------------------------------------------------------------

APPS = ("sterk", "outbox", "accounts", "partners", "signing", "activities", "governance",
        "cofinancing", "outreach", "updates", "agreements", "bundle")  # fmt: skip


def test_no_app_code_reaches_stored_files_by_a_local_path():
    """MEDIA_ROOT is the local storage's business only (settings); a FieldFile's or a
    storage's .path() does not exist on object storage."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    local_path = re.compile(
        r"MEDIA_ROOT|storage\.path\(|\.(pdf|file|scan|final_pdf|ledger)\.path\b|"
        r"temporary_file_path\("
    )
    offenders = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for app in APPS
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts and not path.name.startswith("settings")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if local_path.search(line)
    ]
    assert offenders == []
