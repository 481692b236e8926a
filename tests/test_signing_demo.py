"""The demo region has one completed, sealed agreement and one round in progress (issue 7)."""

import pytest
from django.core.management import call_command

from agreements import sealing
from agreements.audit import chain_of, verify_chain
from agreements.demo import seed_signing
from agreements.models import RequestStatus, RoundStatus, SigningRound
from partners import demo
from partners.models import Partnership


@pytest.mark.django_db
def test_demo_has_a_sealed_agreement_and_a_round_in_progress(settings, no_scopes, mailoutbox):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    partnership = Partnership.objects.get(slug=demo.DEMO_SLUG)
    # Seeding in a test transaction leaves the signing (after commit) to us.
    assert not SigningRound.objects.filter(partnership=partnership).exists()
    seed_signing(partnership)

    completed, in_progress = SigningRound.objects.filter(partnership=partnership).order_by(
        "version__number"
    )
    assert completed.status == RoundStatus.COMPLETED
    assert completed.final_pdf_sha256
    with completed.final_pdf.open("rb") as handle:
        assert sealing.check_seal(handle.read()).status == "sealed"
    statuses = list(in_progress.requests.values_list("status", flat=True))
    assert in_progress.status == RoundStatus.OPEN
    assert in_progress.version.number == completed.version.number + 1
    assert RequestStatus.SIGNED in statuses and RequestStatus.PENDING in statuses
    assert verify_chain(chain_of(completed.agreement_id)) is None
    # Fictitious people get no e-mail.
    assert mailoutbox == []

    seed_signing(partnership)
    assert SigningRound.objects.filter(partnership=partnership).count() == 2
