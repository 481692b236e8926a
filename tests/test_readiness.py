"""The readiness check before a version (docs/rules.md §11): every blocking case, and the
cases that are only shown."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement
from agreements.readiness import check_readiness
from cofinancing.models import Budget, Contribution
from partners.models import Authority, Organisation, OrganisationKind, Signatory, Stage
from tests.factories import (
    ActivityFactory,
    ContributionFactory,
    OrganisationFactory,
    ParticipantFactory,
    PartnershipFactory,
)
from tests.test_snapshot import ready_partnership, signatory


@pytest.fixture
def ready(partnership, no_scopes):
    return ready_partnership(partnership)


def the_company(partnership):
    return Organisation.objects.get(partnership=partnership, name="Bedrijf 000")


def readiness(partnership):
    return check_readiness(partnership=partnership)


def blocking_keys(partnership):
    return [item.key for item in readiness(partnership).items if item.blocking]


def test_the_prepared_partnership_is_ready_without_blocking_items(ready):
    result = readiness(ready)
    assert result.ready is True
    assert blocking_keys(ready) == []


def test_every_item_has_a_message_and_a_link_to_fix_it(ready):
    Signatory.objects.filter(partnership=ready).delete()
    result = readiness(ready)
    assert result.items
    for item in result.items:
        assert item.message
        assert item.url.startswith(f"/p/{ready.slug}/")


# --- blocking ------------------------------------------------------------------------------


def test_a_share_that_is_not_met_blocks(ready):
    Contribution.objects.filter(partnership=ready).update(value=Decimal("999.99"))
    assert not readiness(ready).ready
    assert blocking_keys(ready) == ["share"]


def test_no_budget_blocks_as_the_share_cannot_be_checked(partnership, no_scopes):
    OrganisationFactory(partnership=partnership)
    Agreement.objects.create(
        partnership=partnership, penvoerder=Organisation.objects.get(partnership=partnership)
    )
    result = readiness(partnership)
    assert not result.ready
    assert "share" in [item.key for item in result.items if item.blocking]


def test_a_party_without_a_signatory_blocks(ready):
    company = the_company(ready)
    Signatory.objects.filter(contact__organisation=company).delete()
    assert blocking_keys(ready) == [f"signatory:{company.code}"]
    assert not readiness(ready).ready


def test_a_signatory_whose_evidence_nobody_checked_blocks(ready):
    company = the_company(ready)
    Signatory.objects.filter(contact__organisation=company).update(checked_at=None)
    assert blocking_keys(ready) == [f"signatory:{company.code}"]


def test_a_signatory_whose_authority_does_not_fit_the_kind_of_organisation_blocks(ready):
    school = Organisation.objects.get(partnership=ready, kind=OrganisationKind.MBO)
    Signatory.objects.filter(contact__organisation=school).update(authority=Authority.SOLE_DIRECTOR)
    assert blocking_keys(ready) == [f"signatory:{school.code}"]


def test_a_jointly_authorised_director_without_a_co_signatory_blocks(ready):
    company = the_company(ready)
    joint = Signatory.objects.get(contact__organisation=company)
    joint.authority = Authority.JOINT_DIRECTOR
    joint.save()
    assert blocking_keys(ready) == [f"co-signatory:{joint.code}"]


def test_two_jointly_authorised_directors_signing_together_are_fine(ready):
    company = the_company(ready)
    first = Signatory.objects.get(contact__organisation=company)
    second = signatory(company, name="Tweede Directeur", authority=Authority.JOINT_DIRECTOR)
    first.authority = Authority.JOINT_DIRECTOR
    first.co_signatory = second
    first.save()
    second.co_signatory = first
    second.save()
    assert readiness(ready).ready


def test_a_proxy_whose_limit_is_below_the_contribution_blocks(ready):
    company = the_company(ready)
    proxy = Signatory.objects.get(contact__organisation=company)
    proxy.authority = Authority.PROXY
    proxy.proxy_limit = Decimal("999.99")
    proxy.save()
    assert blocking_keys(ready) == [f"proxy-limit:{proxy.code}"]


def test_a_proxy_whose_limit_covers_the_contribution_is_fine(ready):
    company = the_company(ready)
    proxy = Signatory.objects.get(contact__organisation=company)
    proxy.authority = Authority.PROXY
    proxy.proxy_limit = Decimal("1000.00")
    proxy.save()
    assert readiness(ready).ready


def test_a_low_proxy_does_not_block_when_a_director_can_sign(ready):
    company = the_company(ready)
    signatory(company, name="Gevolmachtigde", authority=Authority.PROXY, proxy_limit=Decimal("1"))
    assert readiness(ready).ready


def test_a_participant_without_tasks_blocks(ready):
    company = the_company(ready)
    activity = ActivityFactory(partnership=ready, short_code="A2", title="Stages")
    ParticipantFactory(activity=activity, partnership=ready, organisation=company, tasks="  \n")
    assert blocking_keys(ready) == [f"tasks:{company.code}:{activity.code}"]


def test_an_unacknowledged_cofinancing_warning_blocks(ready):
    company = the_company(ready)
    for description in ("Freesmachine gastles", "Freesmachine stage"):
        ContributionFactory(
            organisation=company,
            partnership=ready,
            kind="depreciation",
            description=description,
            machine_id="CNC-7",
            months_used=12,
            life_months=120,
            value=Decimal("10.00"),
            status="confirmed",
        )
    # The proxy and share checks are not what blocks here.
    keys = blocking_keys(ready)
    assert len(keys) == 1
    assert keys[0].startswith("warning:")
    [item] = [item for item in readiness(ready).items if item.blocking]
    assert "CNC-7" in item.message


# --- shown, not blocking ---------------------------------------------------------------------


def test_a_party_not_yet_committed_is_shown_but_does_not_block(ready):
    company = the_company(ready)
    Organisation.objects.filter(pk=company.pk).update(stage=Stage.IN_CONVERSATION)
    result = readiness(ready)
    assert result.ready
    [item] = [item for item in result.items if item.key == f"pipeline:{company.code}"]
    assert item.blocking is False


def test_contributions_only_pledged_are_shown_but_do_not_block(ready):
    company = the_company(ready)
    Contribution.objects.filter(organisation=company).update(status="pledged")
    result = readiness(ready)
    assert result.ready
    [item] = [item for item in result.items if item.key == f"pledged:{company.code}"]
    assert item.blocking is False


def test_no_penvoerder_is_shown_but_does_not_block(ready):
    Agreement.objects.filter(partnership=ready).update(penvoerder=None)
    result = readiness(ready)
    assert result.ready
    assert [item.blocking for item in result.items if item.key == "penvoerder"] == [False]


def test_another_partnerships_problems_do_not_count(ready):
    other = PartnershipFactory()
    Budget.objects.create(partnership=other, scheme=Budget.objects.get(partnership=ready).scheme)
    ContributionFactory(organisation=OrganisationFactory(partnership=other), partnership=other)
    assert readiness(ready).ready


def test_the_check_runs_the_same_number_of_queries_for_5_and_150_parties(
    db, no_scopes, django_assert_num_queries
):
    small = ready_partnership(PartnershipFactory(), companies=4)
    large = ready_partnership(PartnershipFactory(), companies=149)
    Signatory.objects.filter(partnership=large).update(checked_at=None)
    with CaptureQueriesContext(connection) as queries:
        check_readiness(partnership=small)
    with django_assert_num_queries(len(queries)):
        result = check_readiness(partnership=large)
    assert len(result.blocking) == 150
