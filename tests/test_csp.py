"""The Content-Security-Policy header (django-csp, sterk/settings.py) and the templates that
must live with it: scripts only from static files with the request's nonce, no inline style,
nothing that needs eval. tests/e2e/ fails on any violation in a real browser."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from signing import services as signing
from signing.models import AuditEvent, SignatureRequest
from sterk.templatetags.bars import bar_width
from tests.factories import PASSWORD, send_round, signing_version

NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def assert_strict(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, header
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    return directives


def assert_page(response) -> None:
    """A page: the strict policy with this response's nonce on every script, no inline style."""
    directives = assert_strict(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["script-src"][0] == "'self'"
    (nonce,) = NONCE.findall(" ".join(directives["script-src"]))
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    code = [tag for tag in scripts if 'type="application/json"' not in tag]
    assert code, "a page loads its scripts"
    assert all(f'nonce="{nonce}"' in tag and " src=" in tag for tag in code), code
    assert not re.search(r"<style\b|\sstyle\s*=", html)
    # htmx reads the first htmx-config only; it must keep htmx's inline indicator style off.
    configs = re.findall(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert len(configs) == 1, configs
    assert json.loads(configs[0])["includeIndicatorStyles"] is False


@pytest.fixture
def leader_client(client, leader):
    client.post("/accounts/login/", {"username": "leider@twente.nl", "password": PASSWORD})
    return client


def test_the_sign_in_page_has_the_policy_with_a_fresh_nonce(client, db):
    first, second = client.get("/accounts/login/"), client.get("/accounts/login/")
    assert_page(first)
    assert_page(second)
    assert policy(first)["script-src"] != policy(second)["script-src"]


@pytest.mark.parametrize(
    "path",
    [
        "/p/twente/",
        "/p/twente/partners/",
        "/p/twente/partners/board/",
        "/p/twente/search/?q=twente",
        "/p/twente/activities/",
        "/p/twente/cofinancing/",
        "/p/twente/cofinancing/contributions/new/",
        "/p/twente/cofinancing/evidence/missing/",
        "/p/twente/agreements/",
        "/p/twente/members/",
    ],
)
def test_partnership_pages_have_the_policy(leader_client, path):
    response = leader_client.get(path)
    assert response.status_code == 200, path
    assert_page(response)


def test_the_locked_out_page_and_a_404_have_the_policy(client, leader, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post("/accounts/login/", {"username": "leider@twente.nl", "password": "x"})
    assert locked.status_code == 429
    assert_page(locked)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_page(missing)


@pytest.fixture
def sign_link(partnership, leader, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with scopes_disabled():
        version = signing_version(partnership, parties=1)
        signing_round = send_round(version, leader)
        sig = SignatureRequest.objects.filter(round=signing_round).first()
    return reverse("sign:page", kwargs={"token": signing.token_for(sig)})


def test_the_public_signing_page_has_the_policy(sign_link):
    response = Client().get(sign_link)
    assert response.status_code == 200
    assert_page(response)
    assert "signature-pad.js" in response.content.decode()


def test_the_document_may_be_framed_by_our_own_pages_only(sign_link):
    response = Client().get(sign_link + "document/")
    assert response.status_code == 200
    directives = assert_strict(response)
    assert directives["frame-ancestors"] == ["'self'"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_the_admin_has_the_policy_too(admin_client):
    response = admin_client.get("/admin/partners/organisation/")
    assert response.status_code == 200
    directives = assert_strict(response)
    assert directives["frame-ancestors"] == ["'none'"]


PNG_URL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def test_our_admin_pages_use_classes_not_style_attributes(admin_client, partnership, leader):
    with scopes_disabled():
        version = signing_version(partnership, parties=1)
        signing_round = send_round(version, leader)
        sig = SignatureRequest.objects.filter(round=signing_round).first()
        SignatureRequest.objects.filter(pk=sig.pk).update(signature_image=PNG_URL)
        event = AuditEvent.objects.filter(chain=signing_round.chain).first()
    pages = [
        f"/admin/agreements/agreementversion/{version.pk}/change/",
        f"/admin/signing/document/{signing_round.document.pk}/change/",
        f"/admin/signing/signaturerequest/{sig.pk}/change/",
        f"/admin/signing/signinground/{signing_round.pk}/change/",
        f"/admin/signing/auditevent/{event.pk}/change/",
    ]
    for path in pages:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert not re.search(r"<style\b|\sstyle\s*=", html), path
        assert "css/admin.css" in html, path
    assert 'class="sterk-signature-preview"' in admin_client.get(pages[2]).content.decode()


def test_the_500_page_needs_no_inline_style():
    html = get_template("500.html").render({}, HttpRequest())
    assert not re.search(r"<style\b|\sstyle\s*=", html)
    assert "css/error.css" in html


# Every template served to a browser (not the PDFs WeasyPrint renders, which no browser
# loads): no style attribute or <style>, no inline script or event handler, no htmx feature
# that compiles code with eval (hx-on, an event filter in brackets, js: values).
FORBIDDEN = {
    "style attribute": re.compile(r"\sstyle\s*="),
    "<style>": re.compile(r"<style\b"),
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>"),
    "script without the nonce": re.compile(
        r"<script\b(?![^>]*\bnonce=\"\{\{ request\.csp_nonce \}\}\")[^>]*>"
    ),
    "event handler": re.compile(r"\son[a-z]+\s*=\s*[\"']"),
    "hx-on (eval)": re.compile(r"\bhx-on\b"),
    "htmx event filter (eval)": re.compile(r"hx-trigger=\"[^\"]*\["),
    "js: value (eval)": re.compile(r"[\"']js:"),
}


def browser_templates():
    root = Path(settings.BASE_DIR) / "templates"
    return sorted(
        path for path in root.rglob("*.html") if path.relative_to(root).parts[0] not in {"pdf"}
    )


def test_templates_need_no_unsafe_inline_or_eval():
    problems = [
        f"{path.relative_to(settings.BASE_DIR)}: {name}"
        for path in browser_templates()
        for name, pattern in FORBIDDEN.items()
        if pattern.search(path.read_text())
    ]
    assert len(browser_templates()) > 50
    assert not problems, problems


def test_the_template_check_finds_what_it_looks_for():
    for bad in [
        '<div style="width: 5%">',
        "<style>p{}</style>",
        "<script>alert(1)</script>",
        '<script src="/static/x.js"></script>',
        '<button onclick="go()">',
        '<div hx-on:click="x()">',
        '<div hx-trigger="every 1s [ok()]">',
        "<div hx-vals='js:{a: 1}'>",
    ]:
        assert any(pattern.search(bad) for pattern in FORBIDDEN.values()), bad
    good = '<script src="{% static \'x.js\' %}" nonce="{{ request.csp_nonce }}" defer></script>'
    assert not any(pattern.search(good) for pattern in FORBIDDEN.values())


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (0, 100, "bar-w-0"),
        ("33.4", 100, "bar-w-33"),
        ("66.5", 100, "bar-w-67"),
        (1500, 1075, "bar-w-100"),
        (-5, 100, "bar-w-0"),
        (3, 0, "bar-w-0"),
        (None, 100, "bar-w-0"),
        ("", 100, "bar-w-0"),
        (1, 3, "bar-w-33"),
    ],
)
def test_bar_width_is_a_whole_percent_from_0_to_100(part, whole, expected):
    assert bar_width(part, whole) == expected


def test_every_bar_width_has_a_rule_in_the_stylesheet():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "sterk.css").read_text()
    for percent in range(101):
        assert f".bar-w-{percent} {{ width: {percent}%; }}" in css
