"""The demo's company statements (issue 14 §3): 2025 signed by its companies (one declined
with its reason and disputed lines), 2026 out for signing; seeded once, without e-mail."""

import pytest
from django.core.management import call_command

from agreements.demo import seed_signing
from cofinancing.demo_statements import DECLINED, seed_statements
from cofinancing.models import CompanyStatement, Contribution, ContributionStatus, StatementStatus
from partners import demo
from partners.models import Partnership
from signing.models import RoundStatus, SigningRound


@pytest.mark.django_db
def test_demo_statements_2025_signed_one_declined_and_2026_out(
    settings, no_scopes, mailoutbox, tmp_path
):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    settings.SEAL_DEV_DIR = tmp_path / "seal"
    call_command("seed_demo", stdout=None)
    partnership = Partnership.objects.get(slug=demo.DEMO_SLUG)
    seed_signing(partnership)
    seed_statements(partnership)

    of_2025 = CompanyStatement.objects.filter(partnership=partnership, year=2025)
    statuses = sorted(of_2025.values_list("status", flat=True))
    assert statuses.count(StatementStatus.DECLINED) == 1
    assert statuses.count(StatementStatus.SIGNED) >= 2
    declined = of_2025.get(status=StatementStatus.DECLINED)
    assert declined.organisation.name.startswith(DECLINED[0])
    assert declined.decline_reason == DECLINED[1] and declined.disputed.count() == 1
    for statement in of_2025.filter(status=StatementStatus.SIGNED):
        assert set(statement.certified.values_list("status", flat=True)) == {
            ContributionStatus.CERTIFIED
        }
        signing_round = SigningRound.objects.get(document=statement.document)
        assert signing_round.final_pdf_sha256 and signing_round.status == RoundStatus.COMPLETED
    of_2026 = CompanyStatement.objects.filter(partnership=partnership, year=2026)
    assert of_2026.exists()
    assert set(of_2026.values_list("status", flat=True)) == {StatementStatus.SENT}
    assert Contribution.objects.filter(
        partnership=partnership, status=ContributionStatus.CERTIFIED, year=2025
    ).exists()
    assert mailoutbox == []

    count = CompanyStatement.objects.count()
    seed_statements(partnership)
    assert CompanyStatement.objects.count() == count
