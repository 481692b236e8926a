"""Evidence files (docs/rules.md §21): upload of every accepted type, decided by content;
refusals of lying, empty, huge and forged uploads with nothing left on disk; download to
members only, as an attachment; delete with confirmation, the file going after commit; the
pages that show them; hostile names and notes."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from cofinancing.models import Contribution, CostLine, Evidence
from cofinancing.services import evidence as services
from tests.evidence_files import (
    ALLOWED,
    CSV,
    LYING,
    PDF,
    media_files,
    png,
    upload,
)
from tests.factories import (
    BudgetFactory,
    ContributionFactory,
    CostLineFactory,
    OrganisationFactory,
)
from tests.test_csp import assert_page

pytestmark = pytest.mark.usefixtures("no_scopes")


def url(name, slug="twente", **kwargs):
    return reverse(f"cofinancing:{name}", kwargs={"slug": slug, **kwargs})


@pytest.fixture
def contribution(partnership):
    BudgetFactory(partnership=partnership)
    company = OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")
    return ContributionFactory(organisation=company, status="realised")


@pytest.fixture
def cost_line(partnership):
    return CostLineFactory(partnership=partnership, realised_amount="4000.00")


@pytest.fixture
def foreign_contribution(other_partnership):
    return ContributionFactory(organisation=OrganisationFactory(partnership=other_partnership))


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def add(client, target, name="urenstaat.pdf", data=PDF, kind="hours_statement", note="", **extra):
    """Post an upload to a contribution (or, given a CostLine, a cost line)."""
    view = "cost-line-evidence-add" if isinstance(target, CostLine) else "contribution-evidence-add"
    return client.post(
        url(view, code=target.code),
        {"kind": kind, "note": note, "file": upload(name, data), **extra},
    )


def error_codes(response, field="file") -> list[str]:
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


def add_evidence(partnership, user, target, name="urenstaat.pdf", data=PDF, **kwargs):
    key = "cost_line" if isinstance(target, CostLine) else "contribution"
    return services.evidence_add(
        partnership=partnership,
        user=user,
        kind=kwargs.pop("kind", "hours_statement"),
        file=upload(name, data),
        **{key: target},
        **kwargs,
    )


# --- Uploading --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "make", "content_type"), ALLOWED, ids=[a[0] for a in ALLOWED])
def test_each_accepted_type_is_kept_with_hash_size_and_the_type_its_content_has(
    editor_client, contribution, editor, settings, name, make, content_type
):
    data = make()
    # The browser's claimed type is ignored: it says PDF for every file here.
    response = add(editor_client, contribution, name=name, data=data)
    assert response.status_code == 302
    assert response["Location"].endswith(
        url("contribution-detail", code=contribution.code) + "#evidence"
    )
    evidence = Evidence.objects.get()
    assert evidence.contribution == contribution and evidence.cost_line is None
    assert evidence.partnership == contribution.partnership
    assert evidence.content_type == content_type
    assert evidence.name == name
    assert evidence.size == len(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.uploaded_by == editor
    # The stored path comes from the code, never from the upload's name.
    assert evidence.file.name == f"evidence/{contribution.partnership_id}/{evidence.code}"
    with evidence.file.open("rb") as stored:
        assert stored.read() == data


def test_a_cost_line_takes_evidence_too(editor_client, cost_line):
    response = add(editor_client, cost_line, name="factuur.pdf", kind="invoice")
    assert response.status_code == 302
    assert response["Location"].endswith(
        url("cost-line-evidence", code=cost_line.code) + "#evidence"
    )
    evidence = Evidence.objects.get()
    assert evidence.cost_line == cost_line and evidence.contribution is None
    assert evidence.kind == "invoice"


def test_a_csv_in_utf8_is_text_too(editor_client, contribution):
    data = "Datum;Uren\n2026-01-05;4\nJosé;ü\n".encode()
    assert add(editor_client, contribution, name="uren.csv", data=data).status_code == 302
    assert Evidence.objects.get().content_type == "text/csv"


@pytest.mark.parametrize(
    ("name", "data"), LYING, ids=[f"{n}-{i}" for i, (n, _d) in enumerate(LYING)]
)
def test_a_file_that_is_none_of_the_accepted_types_is_refused_whatever_its_name(
    editor_client, contribution, settings, name, data
):
    before = media_files(settings)
    response = add(editor_client, contribution, name=name, data=data)
    assert response.status_code == 400
    assert error_codes(response) == ["type"]
    with translation.override("nl"):
        assert escape(services.allowed_types_message()) in response.content.decode()
    assert not Evidence.objects.exists()
    assert media_files(settings) == before


def test_the_refusal_names_the_accepted_types(editor_client, contribution):
    response = add(editor_client, contribution, name="evil.pdf", data=b"<html></html>")
    page = response.content.decode()
    for label in ("PDF", "PNG", "JPEG", "XLSX", "DOCX", "ODT", "CSV"):
        assert label in page


@pytest.mark.parametrize(
    ("name", "data"),
    [("factuur.pdf", png()), ("bon.png", PDF), ("uren.xlsx", CSV), ("urenstaat.exe", PDF)],
)
def test_a_name_that_claims_another_type_is_refused(editor_client, contribution, name, data):
    response = add(editor_client, contribution, name=name, data=data)
    assert response.status_code == 400
    assert error_codes(response) == ["extension"]
    assert not Evidence.objects.exists()


def test_a_name_without_extension_gets_the_one_of_its_content(editor_client, contribution):
    assert add(editor_client, contribution, name="factuur", data=png()).status_code == 302
    assert Evidence.objects.get().name == "factuur.png"


def test_an_empty_file_is_refused(editor_client, contribution, settings):
    before = media_files(settings)
    response = add(editor_client, contribution, data=b"")
    assert response.status_code == 400
    assert error_codes(response) == ["empty"]
    assert not Evidence.objects.exists()
    assert media_files(settings) == before


def test_no_file_is_refused(editor_client, contribution):
    response = editor_client.post(
        url("contribution-evidence-add", code=contribution.code), {"kind": "invoice"}
    )
    assert response.status_code == 400
    assert error_codes(response) == ["required"]


def test_a_50_mb_upload_is_refused_while_uploading_and_leaves_nothing_on_disk(
    editor_client, contribution, settings, tmp_path
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    before = media_files(settings)
    response = add(editor_client, contribution, data=PDF + bytes(50 * 1024 * 1024))
    assert response.status_code == 400
    assert error_codes(response) == ["too_large"]
    with translation.override("nl"):
        assert escape(services.too_large_message()) in response.content.decode()
    assert list(tmp_path.iterdir()) == []
    assert media_files(settings) == before
    assert not Evidence.objects.exists()


def test_the_service_refuses_a_file_over_20_mb_by_its_size(partnership, editor, contribution):
    class Huge:
        name = "groot.pdf"
        size = 20 * 1024 * 1024 + 1

        def read(self, *args):
            raise AssertionError("a file over the limit must not be read")

    with pytest.raises(ValidationError) as refused:
        services.evidence_add(
            partnership=partnership,
            user=editor,
            contribution=contribution,
            kind="invoice",
            file=Huge(),
        )
    assert refused.value.error_dict["file"][0].code == "too_large"


def test_a_forged_post_with_another_partnerships_contribution_is_404_and_saves_nothing(
    editor_client, contribution, foreign_contribution, settings
):
    before = media_files(settings)
    response = add(editor_client, foreign_contribution)
    assert response.status_code == 404
    assert not Evidence.objects.exists()
    assert media_files(settings) == before


def test_the_service_refuses_another_partnerships_contribution(
    partnership, editor, foreign_contribution, settings
):
    before = media_files(settings)
    with pytest.raises(ValidationError):
        add_evidence(partnership, editor, foreign_contribution)
    assert not Evidence.objects.exists()
    assert media_files(settings) == before


def test_a_failed_database_write_leaves_no_file(
    partnership, editor, contribution, settings, monkeypatch
):
    def fail(self, *args, **kwargs):
        raise DatabaseError("the disk of the database is full")

    before = media_files(settings)
    monkeypatch.setattr(Evidence, "save", fail)
    with pytest.raises(DatabaseError):
        add_evidence(partnership, editor, contribution)
    assert media_files(settings) == before


def test_a_viewer_cannot_upload(client, viewer, contribution):
    client.force_login(viewer)
    assert add(client, contribution).status_code == 403
    assert not Evidence.objects.exists()


def test_the_csrf_token_is_still_checked(editor, contribution):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    assert add(browser, contribution).status_code == 403
    assert not Evidence.objects.exists()
    page = browser.get(url("contribution-evidence-add", code=contribution.code))
    token = page.cookies["csrftoken"].value
    response = add(browser, contribution, csrfmiddlewaretoken=token)
    assert response.status_code == 302
    assert Evidence.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
        (b"anything", "multipart/form-data"),
        (b"anything", "multipart/form-data; boundary=" + "x" * 100),
        (b"\xff\xfe\x00", "application/octet-stream"),
    ],
    ids=["truncated", "no-boundary", "bad-boundary", "binary"],
)
def test_a_malformed_body_gets_a_clear_answer_never_a_500(
    editor_client, contribution, body, content_type
):
    target = url("contribution-evidence-add", code=contribution.code)
    response = editor_client.generic("POST", target, body, content_type=content_type)
    if response.status_code == 302:  # the body could not be read at all: back, with a message
        assert response["Location"] == target
    else:  # it was read, but holds no file: the form says so
        assert response.status_code == 400 and error_codes(response) == ["required"]
    assert not Evidence.objects.exists()


def test_a_body_that_cannot_be_read_sends_the_member_back_to_the_form(editor_client, contribution):
    target = url("contribution-evidence-add", code=contribution.code)
    response = editor_client.generic(
        "POST", target, b"anything", content_type="multipart/form-data"
    )
    assert response.status_code == 302 and response["Location"] == target
    assert editor_client.get(target).context["messages"]


# --- Hostile values -----------------------------------------------------------------------


def test_a_very_long_note_is_refused_with_a_clear_error(editor_client, contribution):
    response = add(editor_client, contribution, note="x" * 5000)
    assert response.status_code == 400
    assert error_codes(response, "note") == ["max_length"]
    assert not Evidence.objects.exists()


def test_a_note_with_a_line_break_is_refused(editor_client, contribution):
    response = add(editor_client, contribution, note="Periode januari\nSet-Cookie: x=1")
    assert response.status_code == 400
    assert error_codes(response, "note") == ["line_break"]


def test_the_service_refuses_a_note_with_a_line_break_or_over_300_characters(
    partnership, editor, contribution
):
    for note in ["a\u2028b", "x" * 301]:
        with pytest.raises(ValidationError) as refused:
            add_evidence(partnership, editor, contribution, note=note)
        assert "note" in refused.value.error_dict
    assert not Evidence.objects.exists()


def test_a_script_in_the_file_name_is_shown_escaped(editor_client, contribution):
    name = '<script>alert("x")</script>.pdf'
    assert add(editor_client, contribution, name=name).status_code == 302
    page = editor_client.get(url("contribution-detail", code=contribution.code)).content.decode()
    assert "<script>alert" not in page
    assert escape(Evidence.objects.get().name) in page


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\piet\\factuur.pdf", "factuur.pdf"),
        ("fact\u202euur.pdf", "fact uur.pdf"),
        ("  ..factuur.pdf.  ", "factuur.pdf"),
        ("x" * 400 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_the_kept_name_is_one_clean_line_of_at_most_255_characters(
    partnership, editor, contribution, sent, kept
):
    evidence = add_evidence(partnership, editor, contribution, name=sent)
    assert evidence.name == kept
    assert evidence.file.name == f"evidence/{partnership.pk}/{evidence.code}"


# --- Downloading ------------------------------------------------------------------------


@pytest.fixture
def evidence(partnership, leader, contribution):
    return add_evidence(partnership, leader, contribution, name='Urenstaat "jan" é.pdf')


def test_a_member_downloads_the_file_as_an_attachment_with_its_name(client, viewer, evidence):
    client.force_login(viewer)
    response = client.get(url("evidence-download", code=evidence.code))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Urenstaat%20%22jan%22%20%C3%A9.pdf" in disposition
    assert "no-store" in response["Cache-Control"]


def test_a_non_member_gets_404(client, outsider, evidence):
    client.force_login(outsider)
    assert client.get(url("evidence-download", code=evidence.code)).status_code == 404
    assert (
        client.get(url("evidence-download", slug="zeeland", code=evidence.code)).status_code == 404
    )


def test_anonymous_is_sent_to_sign_in(client, evidence):
    response = client.get(url("evidence-download", code=evidence.code))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_another_partnerships_evidence_is_404_for_a_leader_here(
    client, leader, other_partnership, outsider, foreign_contribution
):
    foreign = add_evidence(other_partnership, outsider, foreign_contribution)
    client.force_login(leader)
    assert client.get(url("evidence-download", code=foreign.code)).status_code == 404
    assert client.get(url("evidence-delete", code=foreign.code)).status_code == 404
    assert client.post(url("evidence-delete", code=foreign.code)).status_code == 404
    assert Evidence.objects.filter(pk=foreign.pk).exists()


def test_a_file_missing_on_disk_is_404_not_500(client, leader, evidence):
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(leader)
    assert client.get(url("evidence-download", code=evidence.code)).status_code == 404


def test_the_file_is_not_reachable_under_media_url(client, leader, evidence, settings):
    client.force_login(leader)
    assert client.get(f"/{settings.MEDIA_URL}{evidence.file.name}").status_code == 404


# --- Deleting ---------------------------------------------------------------------------


def test_delete_asks_first_then_deletes_the_row_and_after_commit_the_file(
    editor_client, evidence, contribution, django_capture_on_commit_callbacks
):
    delete = url("evidence-delete", code=evidence.code)
    page = editor_client.get(delete)
    assert page.status_code == 200
    assert escape(evidence.name) in page.content.decode()
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    storage, stored = evidence.file.storage, evidence.file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = editor_client.post(delete)
    assert response.status_code == 302
    assert response["Location"].endswith(
        url("contribution-detail", code=contribution.code) + "#evidence"
    )
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert storage.exists(stored), "the file stays until the deletion has committed"
    for callback in callbacks:
        callback()
    assert not storage.exists(stored)


def test_a_viewer_cannot_delete(client, viewer, evidence):
    client.force_login(viewer)
    assert client.get(url("evidence-delete", code=evidence.code)).status_code == 403
    assert client.post(url("evidence-delete", code=evidence.code)).status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_a_contribution_with_evidence_is_not_deleted(editor_client, evidence, contribution):
    response = editor_client.post(url("contribution-delete", code=contribution.code))
    assert response.status_code == 302
    assert Contribution.objects.filter(pk=contribution.pk).exists()
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_a_cost_line_with_evidence_is_not_deleted(partnership, leader, editor_client, cost_line):
    BudgetFactory(partnership=partnership)
    add_evidence(partnership, leader, cost_line, kind="invoice")
    response = editor_client.post(url("cost-line-delete", code=cost_line.code))
    assert response.status_code == 302
    assert CostLine.objects.filter(pk=cost_line.pk).exists()


# --- The pages ------------------------------------------------------------------------------


def test_the_contribution_page_shows_what_is_missing_and_an_empty_state(
    editor_client, contribution
):
    page = editor_client.get(url("contribution-detail", code=contribution.code))
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["evidence"].missing == ("hours_statement",)
    assert 'data-evidence="empty"' in html
    assert 'data-evidence="missing"' in html
    assert 'data-evidence="upload"' in html
    assert page.context["evidence_form"]["kind"].initial == "hours_statement"


def test_the_contribution_page_lists_the_files_with_download_links(client, viewer, evidence):
    client.force_login(viewer)
    page = client.get(url("contribution-detail", code=evidence.contribution.code))
    html = page.content.decode()
    assert url("evidence-download", code=evidence.code) in html
    assert 'data-evidence="complete"' in html
    # A viewer sees and downloads, but neither uploads nor deletes.
    assert 'data-evidence="upload"' not in html
    assert url("evidence-delete", code=evidence.code) not in html


def test_the_cost_line_page_and_the_budget_count_its_evidence(
    partnership, leader, client, viewer, cost_line
):
    BudgetFactory(partnership=partnership)
    client.force_login(viewer)
    empty = client.get(url("cost-line-evidence", code=cost_line.code))
    assert empty.status_code == 200
    assert 'data-evidence="empty"' in empty.content.decode()
    assert empty.context["state"].missing == ("hours_statement",)
    evidence = add_evidence(partnership, leader, cost_line)
    page = client.get(url("cost-line-evidence", code=cost_line.code)).content.decode()
    assert url("evidence-download", code=evidence.code) in page
    budget = client.get(url("budget")).content.decode()
    assert 'data-evidence-count="1"' in budget
    assert url("cost-line-evidence", code=cost_line.code) in budget


def test_the_evidence_pages_keep_the_content_security_policy(editor_client, evidence, cost_line):
    for path in [
        url("contribution-detail", code=evidence.contribution.code),
        url("contribution-evidence-add", code=evidence.contribution.code),
        url("cost-line-evidence", code=cost_line.code),
        url("evidence-delete", code=evidence.code),
    ]:
        assert_page(editor_client.get(path))


def test_a_failed_upload_shows_the_form_again_with_what_is_needed(editor_client, cost_line):
    response = add(editor_client, cost_line, data=b"")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-evidence="missing"' in html
    assert 'enctype="multipart/form-data"' in html


def test_the_admin_lists_evidence_and_cannot_add_or_replace_files(
    client, evidence, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    admin = UserFactory(email="beheer@sterk.test", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("admin:cofinancing_evidence_changelist")).status_code == 200
    change = client.get(reverse("admin:cofinancing_evidence_change", args=[evidence.pk]))
    assert change.status_code == 200
    assert 'type="file"' not in change.content.decode()
    assert client.get(reverse("admin:cofinancing_evidence_add")).status_code == 403
    storage, stored = evidence.file.storage, evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:cofinancing_evidence_delete", args=[evidence.pk]), {"post": "yes"}
        )
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not storage.exists(stored)


def test_the_same_file_is_attached_once(partnership, leader):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_scopes import scopes_disabled

    from cofinancing.models import Evidence
    from cofinancing.services.evidence import evidence_add
    from tests.factories import ContributionFactory

    with scopes_disabled():
        contribution = ContributionFactory(organisation__partnership=partnership, status="realised")
        data = b"datum;uren\r\n2026-03-01;4\r\n"
        evidence_add(partnership=partnership, user=leader, contribution=contribution,
                     kind="hours_statement", file=SimpleUploadedFile("uren.csv", data))  # fmt: skip
        with pytest.raises(ValidationError) as error:
            evidence_add(partnership=partnership, user=leader, contribution=contribution,
                         kind="hours_statement",
                         file=SimpleUploadedFile("uren-kopie.csv", data))  # fmt: skip
        assert "uren.csv" in error.value.message_dict["file"][0]
        assert Evidence.objects.filter(contribution=contribution).count() == 1
