"""Add an article, make a version, have a new partner accede and see the agreement in force
(docs/rules.md §12, §25), axe on every page. In English (see test_activities.py)."""

import subprocess
from pathlib import Path

from django_scopes import scopes_disabled
from playwright.sync_api import expect

from tests.e2e.conftest import SLOW_WORK_MS, click_slow


def _sign_version_1():
    """Version 1 of the demo, rendered, signed by everyone and sealed, as the demo's own
    signing does (the `demo` fixture leaves that out)."""
    import datetime

    from django.utils import timezone

    from agreements.demo import _demo_sign_pdf
    from agreements.models import AgreementVersion
    from agreements.signing import version_send
    from agreements.tasks import render_version
    from partners.models import Membership, Partnership
    from signing import mail
    from signing.models import SignatureRequest
    from signing.tasks import seal_round

    with scopes_disabled(), mail.quiet():
        partnership = Partnership.objects.get(slug="demo")
        leader = Membership.objects.filter(partnership=partnership, role="leader").first().user
        first = AgreementVersion.objects.get(partnership=partnership, number=1)
        render_version.call(first.pk)
        first.refresh_from_db()
        signing_round = version_send(
            version=first, user=leader, deadline=timezone.now() + datetime.timedelta(days=21)
        )
        for request in SignatureRequest.objects.filter(round=signing_round).order_by("step"):
            _demo_sign_pdf(request, first.pdf_sha256)
        seal_round.call(signing_round.pk)
        return partnership, leader


def _sign_the_deed():
    from agreements.demo import _demo_sign_pdf
    from agreements.models import Accession
    from signing import mail
    from signing.models import SignatureRequest, SigningRound
    from signing.tasks import seal_round

    with scopes_disabled(), mail.quiet():
        accession = Accession.objects.get()
        signing_round = SigningRound.objects.get(document=accession.document)
        for request in SignatureRequest.objects.filter(round=signing_round).order_by("step"):
            _demo_sign_pdf(request, accession.pdf_sha256)
        seal_round.call(signing_round.pk)


def test_add_an_article_make_a_version_a_partner_accedes_and_the_agreement_in_force(
    live_server, page, a11y, demo, sign_in
):
    from agreements.demo_accession import NEWCOMER, _newcomer

    partnership, leader = _sign_version_1()
    with scopes_disabled():
        _newcomer(partnership, leader)

    sign_in()
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Agreements", exact=True
    ).click()
    a11y()

    # An article of the region's own.
    page.get_by_role("link", name="Clause texts").click()
    a11y()
    page.get_by_role("link", name="Add an article").click()
    a11y()
    page.get_by_label("Title").fill("Open dag")
    page.get_by_label("Text").fill("Partijen openen ieder jaar hun deuren voor {region}.")
    page.get_by_role("button", name="Add article").click()
    a11y()
    expect(page.get_by_role("heading", name="Open dag")).to_be_visible()

    # A new version, with the article in it.
    page.get_by_role("link", name="Back to the agreement").click()
    click_slow(page.get_by_role("button", name="Make a version"))
    expect(page.locator("iframe")).to_be_visible(timeout=SLOW_WORK_MS)
    a11y()
    with page.expect_download(timeout=SLOW_WORK_MS) as download:
        page.get_by_role("link", name="Download").first.click()
    text = _text(Path(download.value.path()).read_bytes())
    assert "Open dag" in text and "Bijlage 1" in text

    # The newcomer accedes to the agreement in force (version 1).
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Agreements", exact=True
    ).click()
    page.get_by_role("link", name="A partner joins").click()
    a11y()
    page.get_by_label("Joining party").select_option(label=NEWCOMER)
    click_slow(page.get_by_role("button", name="Make the deed and send it for signing"))
    a11y()
    expect(page.locator("[data-accession-status]")).to_have_attribute(
        "data-accession-status", "sent"
    )

    _sign_the_deed()
    page.get_by_role("link", name="Agreement", exact=True).click()
    a11y()
    in_force = page.locator("[data-in-force]")
    expect(in_force.get_by_text("Joined later by a deed of accession")).to_be_visible()
    expect(in_force.get_by_role("link", name=NEWCOMER)).to_be_visible()
    with page.expect_download(timeout=SLOW_WORK_MS) as download:
        in_force.get_by_role("link", name="Download the agreement in force with its deeds").click()
    whole = _text(Path(download.value.path()).read_bytes())
    assert "Samenwerkingsovereenkomst" in whole and "Toetredingsverklaring" in whole
    assert NEWCOMER in whole


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
