"""The demo region has one completed, sealed agreement and one round in progress (docs/rules.md §13)."""

import pytest
from django.core.management import call_command

from agreements.demo import seed_signing
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

    completed, in_progress = SigningRound.objects.filter(partnership=partnership).order_by(
        "sent_at", "pk"
    )
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

    seed_signing(partnership)
    assert SigningRound.objects.filter(partnership=partnership).count() == 2
