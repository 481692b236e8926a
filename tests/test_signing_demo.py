"""The demo region has one completed, sealed agreement, a deed of accession signed by two, and
one round in progress (docs/rules.md §13, §25)."""

import pytest
from django.core.management import call_command

from agreements.accession.selectors import in_force
from agreements.demo import OWN_ARTICLE_TITLE, seed_signing
from agreements.demo_accession import NEWCOMER
from agreements.models import Accession, AccessionStatus
from partners import demo
from partners.models import Partnership
from signing import seal_check
from signing.audit import chain_of, verify_chain
from signing.models import RequestStatus, RoundStatus, SigningRound
from tests.factories import version_of


@pytest.mark.django_db
def test_demo_has_a_sealed_agreement_and_a_round_in_progress(settings, no_scopes, mailoutbox):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    partnership = Partnership.objects.get(slug=demo.DEMO_SLUG)
    # Seeding in a test transaction leaves the signing (after commit) to us.
    assert not SigningRound.objects.filter(partnership=partnership).exists()
    seed_signing(partnership)

    completed, in_progress = SigningRound.objects.filter(
        partnership=partnership, document__kind="agreement"
    ).order_by("sent_at", "pk")
    assert completed.status == RoundStatus.COMPLETED
    assert completed.final_pdf_sha256
    with completed.final_pdf.open("rb") as handle:
        assert seal_check.check_seal(handle.read()).status == "sealed"
    statuses = list(in_progress.requests.values_list("status", flat=True))
    assert in_progress.status == RoundStatus.OPEN
    assert version_of(in_progress).number == version_of(completed).number + 1
    assert RequestStatus.SIGNED in statuses and RequestStatus.PENDING in statuses
    assert verify_chain(chain_of(completed.chain)) is None
    # Fictitious people get no e-mail.
    assert mailoutbox == []

    # A company joined after version 1 by a deed of accession, signed by two and sealed;
    # the agreement in force is version 1 with that deed; version 2 names it itself.
    accession = Accession.objects.get(partnership=partnership)
    assert accession.status == AccessionStatus.SIGNED
    assert accession.organisation.name == NEWCOMER
    deed_round = SigningRound.objects.get(document=accession.document)
    assert deed_round.requests.count() == 2 and deed_round.final_pdf_sha256
    force = in_force(partnership)
    assert force.version == version_of(completed) and force.accessions == [accession]
    assert str(accession.organisation.code) in {
        p["key"] for p in version_of(in_progress).snapshot["parties"]
    }

    # Its parties are legal entities, its penvoerder a vmbo board, its agreement the full
    # set of articles with one of the region's own.
    first = version_of(completed).snapshot
    penvoerder = next(p for p in first["parties"] if p["key"] == first["penvoerder"])
    assert penvoerder["kind"] == "school_board" and penvoerder["locations"]
    keys = [clause["key"] for clause in first["clauses"]]
    assert {"definitions", "governance", "intellectual_property", "termination"} <= set(keys)
    assert [c["title"] for c in first["clauses"]].count(OWN_ARTICLE_TITLE) == 1

    seed_signing(partnership)
    assert SigningRound.objects.filter(partnership=partnership).count() == 3
