"""Clause texts of the agreement: read by every member, edited and restored by a leader."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from agreements.clauses import (
    DEFAULT_BY_KEY,
    DEFAULT_CLAUSES,
    clause_save,
    effective_clauses,
    unknown_placeholders,
)
from agreements.models import ClauseText

HOSTILE = "<script>alert(1)</script>"


def _edit_url(key="purpose"):
    return reverse("agreements:clause-edit", kwargs={"slug": "twente", "key": key})


def _restore_url(key="purpose"):
    return reverse("agreements:clause-restore", kwargs={"slug": "twente", "key": key})


LIST_URL = "/p/twente/agreements/clauses/"


def _overrides(partnership):
    with scopes_disabled():
        return dict(ClauseText.objects.filter(partnership=partnership).values_list("key", "text"))


@pytest.fixture
def client_of(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_list_url_is_the_clause_list():
    assert reverse("agreements:clause-list", kwargs={"slug": "twente"}) == LIST_URL


def test_every_member_reads_each_clause_title_and_text(client_of, viewer):
    response = client_of(viewer).get(LIST_URL)
    assert response.status_code == 200
    content = response.content.decode()
    for _key, title, _text in DEFAULT_CLAUSES:
        assert title in content
    assert [c["key"] for c in response.context["clauses"]] == [k for k, _t, _x in DEFAULT_CLAUSES]
    assert all(c["is_default"] for c in response.context["clauses"])


def test_leader_saves_own_text_of_a_clause(client_of, leader, partnership):
    response = client_of(leader).post(_edit_url(), {"text": "Ons doel: {partnership} sterk."})
    assert response.status_code == 302
    assert response.url == LIST_URL
    assert _overrides(partnership) == {"purpose": "Ons doel: {partnership} sterk."}
    listed = client_of(leader).get(LIST_URL).context["clauses"]
    purpose = next(c for c in listed if c["key"] == "purpose")
    assert {k: purpose[k] for k in purpose if k not in ("number", "is_first", "is_last")} == {
        "key": "purpose",
        "title": DEFAULT_BY_KEY["purpose"][0],
        "text": "Ons doel: {partnership} sterk.",
        "is_default": False,
        "is_own": False,
        "is_required": False,
        "is_removed": False,
    }


def test_edit_form_starts_with_the_current_text_and_lists_the_placeholders(client_of, leader):
    response = client_of(leader).get(_edit_url())
    assert response.status_code == 200
    assert response.context["form"].initial["text"] == DEFAULT_BY_KEY["purpose"][1]
    content = response.content.decode()
    for name in ("partnership", "region", "business_total", "required", "penvoerder"):
        assert "{" + name + "}" in content


def test_leader_restores_the_default_text(client_of, leader, partnership):
    client = client_of(leader)
    client.post(_edit_url(), {"text": "Eigen tekst."})
    response = client.post(_restore_url())
    assert response.status_code == 302
    assert response.url == LIST_URL
    assert _overrides(partnership) == {}
    # one message for saving, one for restoring
    assert len(list(client.get(LIST_URL).context["messages"])) == 2


def test_saving_the_default_text_again_removes_the_override(leader, partnership):
    with scopes_disabled():
        clause_save(partnership=partnership, key="term", text="Anders.", user=leader)
        clause_save(
            partnership=partnership, key="term", text=DEFAULT_BY_KEY["term"][1], user=leader
        )
    assert _overrides(partnership) == {}


def test_editor_may_not_edit_or_restore(client_of, editor, partnership, leader):
    with scopes_disabled():
        clause_save(partnership=partnership, key="purpose", text="Van de leider.", user=leader)
    client = client_of(editor)
    assert client.get(_edit_url()).status_code == 403
    assert client.post(_edit_url(), {"text": "Van de redacteur."}).status_code == 403
    assert client.post(_restore_url()).status_code == 403
    assert _overrides(partnership) == {"purpose": "Van de leider."}


def test_unknown_placeholder_is_a_form_error_naming_it(client_of, leader, partnership):
    response = client_of(leader).post(
        _edit_url(), {"text": "Voor {partnership} en {bestaatniet} en {ook_niet}."}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["text"]
    assert "{bestaatniet}" in errors["text"][0]
    assert "{ook_niet}" in errors["text"][0]
    assert _overrides(partnership) == {}


def test_unknown_placeholders_are_found_once_in_order():
    assert unknown_placeholders("{a} {region} { b } {a}") == ["a", "b"]
    assert unknown_placeholders("{partnership} {share}") == []


@pytest.mark.parametrize(
    ("text", "saved"),
    [("x" * 20000, True), ("x" * 20001, False), ("", False), ("   ", False)],
    ids=["20000", "20001", "empty", "blank"],
)
def test_clause_length_is_limited(client_of, leader, partnership, text, saved):
    response = client_of(leader).post(_edit_url(), {"text": text})
    assert (response.status_code == 302) is saved
    if not saved:
        assert list(response.context["form"].errors) == ["text"]
    assert ("purpose" in _overrides(partnership)) is saved


def test_html_in_a_clause_is_shown_escaped(client_of, leader):
    client = client_of(leader)
    assert client.post(_edit_url(), {"text": HOSTILE}).status_code == 302
    for url in (LIST_URL, _edit_url()):
        content = client.get(url).content.decode()
        assert HOSTILE not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_hostile_text_with_unknown_placeholder_is_escaped_in_the_error(client_of, leader):
    response = client_of(leader).post(_edit_url(), {"text": "{<script>alert(1)</script>}"})
    assert response.status_code == 200
    assert HOSTILE not in response.content.decode()


def test_unknown_clause_key_is_404(client_of, leader):
    client = client_of(leader)
    assert client.get(_edit_url("bestaat-niet")).status_code == 404
    assert client.post(_restore_url("bestaat-niet")).status_code == 404


def test_other_partnerships_text_does_not_leak(leader, partnership, other_partnership):
    with scopes_disabled():
        clause_save(partnership=other_partnership, key="purpose", text="Zeeuws.", user=None)
        clauses = effective_clauses(partnership=partnership)
    purpose = next(c for c in clauses if c["key"] == "purpose")
    assert purpose["is_default"] is True
    assert purpose["text"] == DEFAULT_BY_KEY["purpose"][1]


def test_clause_list_runs_the_same_number_of_queries_with_every_clause_changed(
    client_of, leader, partnership
):
    client = client_of(leader)
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as defaults:
        client.get(LIST_URL)
    with scopes_disabled():
        for key, _title, _text in DEFAULT_CLAUSES:
            clause_save(partnership=partnership, key=key, text=f"Eigen {key}.", user=leader)
    with CaptureQueriesContext(connection) as changed:
        response = client.get(LIST_URL)
    assert not any(c["is_default"] for c in response.context["clauses"])
    assert len(changed) == len(defaults)
