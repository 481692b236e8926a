"""The demo region shows a believable partner landscape."""

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Max
from django.utils import timezone
from django_scopes import scopes_disabled

from partners import demo
from partners.models import (
    ACTIVE_STAGES,
    SCHOOL_KINDS,
    Authority,
    Contact,
    Interaction,
    Network,
    NetworkMember,
    Organisation,
    OrganisationKind,
    Partnership,
    Signatory,
    Stage,
)

LEADER_EMAIL = demo.DEMO_ACCOUNTS[0][0]


def seed_demo():
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def region(db, settings, no_scopes):
    settings.DEBUG = True
    seed_demo()
    return Partnership.objects.get(slug=demo.DEMO_SLUG)


def row_counts():
    with scopes_disabled():
        return {
            model._meta.label: model._default_manager.count()
            for model in apps.get_models(include_auto_created=True)
        }


def test_region_has_about_forty_organisations_of_every_kind_and_sector(region):
    organisations = Organisation.objects.filter(partnership=region)
    assert organisations.count() >= 35
    kinds = set(organisations.values_list("kind", flat=True))
    assert kinds >= set(OrganisationKind.values) - {OrganisationKind.OTHER}
    companies = organisations.filter(kind=OrganisationKind.COMPANY).count()
    assert companies > organisations.count() / 2
    sectors = set(organisations.values_list("sector", flat=True))
    for sector in ["metal", "construction", "installation", "technology_industry", "ict"]:
        assert sector in sectors
    for sector in ["healthcare", "green", "mobility", "maritime", "energy"]:
        assert sector in sectors


def test_every_organisation_passes_the_model_validators(region):
    organisations = list(Organisation.objects.filter(partnership=region))
    for organisation in organisations:
        organisation.full_clean()
        assert organisation.website.startswith("https://www.")
        assert organisation.website.endswith(".example/")
        assert organisation.relationship_owner.email.endswith("@demo.sterk.test")
        if organisation.is_school:
            assert organisation.brin_code and not organisation.kvk_number
        elif organisation.kind not in ("municipality", "province"):
            assert organisation.kvk_number and not organisation.brin_code
    kvk_numbers = [o.kvk_number for o in organisations if o.kvk_number]
    assert len(set(kvk_numbers)) == len(kvk_numbers)


def test_stages_span_the_pipeline_and_every_move_is_recorded(region):
    organisations = Organisation.objects.filter(partnership=region)
    stages = set(organisations.values_list("stage", flat=True))
    assert stages == set(Stage.values)
    for organisation in organisations.prefetch_related("stage_changes"):
        moves = sorted(organisation.stage_changes.all(), key=lambda move: move.changed_at)
        assert moves[0].from_stage == "" and moves[0].to_stage == Stage.PROSPECT
        assert moves[-1].to_stage == organisation.stage
        assert organisation.stage_changed_at == moves[-1].changed_at
        assert all(a.to_stage == b.from_stage for a, b in zip(moves, moves[1:], strict=False))
        assert all(move.partnership_id == region.pk for move in moves)


def test_the_oo_fund_counts_as_business_and_one_company_does_not_with_a_justification(region):
    overridden = Organisation.objects.filter(partnership=region, business_override__isnull=False)
    by_kind = {o.kind: o for o in overridden}
    assert by_kind[OrganisationKind.OO_FUND].counts_as_business is True
    assert by_kind[OrganisationKind.COMPANY].counts_as_business is False
    assert all(len(o.business_justification) > 40 for o in overridden)
    school = Organisation.objects.get(partnership=region, name="ROC Voorbeeldstad")
    assert school.counts_as_business is False


def test_every_organisation_has_one_to_three_contacts_and_one_primary(region):
    organisations = Organisation.objects.filter(partnership=region).annotate(
        contact_count=Count("contacts")
    )
    for organisation in organisations:
        assert 1 <= organisation.contact_count <= 3, organisation.name
    contacts = Contact.objects.filter(partnership=region)
    assert contacts.filter(is_primary=True).count() == organisations.count()
    for contact in contacts:
        contact.full_clean()
        assert contact.email.endswith(".example") and contact.job_title


def test_signatories_of_every_authority_with_their_evidence(region):
    signatories = Signatory.objects.filter(partnership=region).select_related("contact")
    assert set(signatories.values_list("authority", flat=True)) == set(Authority.values)
    for signatory in signatories:
        signatory.full_clean()
    checked = signatories.exclude(checked_at=None)
    assert checked.count() > signatories.count() / 2
    assert set(checked.values_list("checked_by__email", flat=True)) == {LEADER_EMAIL}
    assert signatories.filter(checked_at=None).exists()
    assert not checked.filter(evidence_reference="").exists()


def test_joint_directors_point_at_each_other_and_one_lacks_a_co_signatory(region):
    joint = Signatory.objects.filter(partnership=region, authority=Authority.JOINT_DIRECTOR)
    paired = [s for s in joint if s.co_signatory_id]
    assert len(paired) == 2
    first, second = paired
    assert first.co_signatory == second and second.co_signatory == first
    assert first.contact.organisation_id == second.contact.organisation_id
    assert joint.filter(co_signatory=None).count() == 1


def test_proxies_have_a_decimal_limit(region):
    proxies = Signatory.objects.filter(partnership=region, authority=Authority.PROXY)
    assert proxies.exists()
    for proxy in proxies:
        assert proxy.proxy_limit == proxy.proxy_limit.quantize(demo.Decimal("0.01"))
        assert proxy.proxy_limit > 0


def test_schools_and_municipality_have_fitting_signatories(region):
    board = Signatory.objects.filter(partnership=region, authority=Authority.SCHOOL_BOARD)
    organisations = [s.contact.organisation for s in board]
    assert all(o.is_school or o.kind == OrganisationKind.SCHOOL_BOARD for o in organisations)
    # The schools of the agreement sign through their boards (docs/rules.md §11).
    assert {o.name for o in organisations if o.kind == OrganisationKind.SCHOOL_BOARD} >= {
        "Stichting Voortgezet Onderwijs Voorbeeldregio",
        "Stichting Regionaal Opleidingencentrum Voorbeeldstad",
    }


def test_the_schools_belong_to_their_boards_with_kvk_numbers(region):
    college = Organisation.objects.select_related("belongs_to").get(
        partnership=region, name="Technisch College Voorbeeldstad"
    )
    board = college.belongs_to
    assert board.kind == OrganisationKind.SCHOOL_BOARD and len(board.kvk_number) == 8
    assert {o.name for o in board.locations.all()} == {
        "Technisch College Voorbeeldstad",
        "Vakcollege Havenmond",
    }
    schools = Organisation.objects.filter(partnership=region, kind__in=SCHOOL_KINDS)
    assert set(schools.filter(belongs_to=None).values_list("kind", flat=True)) == {"hbo"}
    mandate = Signatory.objects.get(
        partnership=region,
        authority=Authority.MUNICIPAL_MANDATE,
        contact__organisation__name="Gemeente Voorbeeldstad",
    )
    assert mandate.checked_at is not None


def test_five_networks_with_members_and_roles(region):
    networks = Network.objects.filter(partnership=region).annotate(size=Count("memberships"))
    assert networks.count() == 5
    assert len(set(networks.values_list("kind", flat=True))) == 5
    assert all(network.size >= 4 for network in networks)
    members = NetworkMember.objects.filter(partnership=region)
    assert not members.filter(role="").exists()
    assert all(m.organisation.partnership_id == region.pk for m in members)


def test_contact_moments_fill_the_last_six_months(region):
    today = timezone.localdate()
    moments = Interaction.objects.filter(partnership=region)
    assert moments.count() >= 50
    dates = list(moments.values_list("date", flat=True))
    assert min(dates) >= today - datetime.timedelta(days=186)
    assert max(dates) <= today
    months = {(d.year, d.month) for d in dates}
    assert len(months) >= 6
    for moment in moments.prefetch_related("contacts", "members"):
        moment.full_clean()
        assert moment.members.exists()
        assert moment.contacts.exists()
        assert all(c.organisation_id == moment.organisation_id for c in moment.contacts.all())


def test_next_steps_are_overdue_due_this_week_later_and_done(region):
    today = timezone.localdate()
    steps = Interaction.objects.filter(partnership=region).exclude(next_step="")
    open_steps = steps.filter(next_step_done_at=None)
    assert open_steps.filter(next_step_due__lt=today).exists()
    assert open_steps.filter(
        next_step_due__gte=today, next_step_due__lte=today + datetime.timedelta(days=7)
    ).exists()
    assert open_steps.filter(next_step_due__gt=today + datetime.timedelta(days=7)).exists()
    done = steps.exclude(next_step_done_at=None)
    assert done.exists()
    assert all(s.next_step_done_by_id and s.next_step_done_at <= timezone.now() for s in done)
    assert not open_steps.filter(next_step_owner=None).exists()


def test_a_few_active_organisations_have_gone_quiet(region):
    since = timezone.localdate() - datetime.timedelta(days=region.quiet_after_days)
    active = Organisation.objects.filter(partnership=region, stage__in=ACTIVE_STAGES).annotate(
        last_contact=Max("interactions__date")
    )
    quiet = [o for o in active if o.last_contact is None or o.last_contact < since]
    assert 2 <= len(quiet) <= 6
    assert all(o.last_contact is not None for o in quiet)


def test_seeding_twice_changes_no_row_counts(region):
    before = row_counts()
    seed_demo()
    assert row_counts() == before


def test_seeding_again_on_a_later_day_creates_nothing_new(region, monkeypatch):
    before = row_counts()
    later = timezone.localdate() + datetime.timedelta(days=40)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    seed_demo()
    assert row_counts() == before


def test_demo_leader_can_open_every_partner_page(region, client):
    login = {"username": LEADER_EMAIL, "password": demo.DEMO_PASSWORD}
    assert client.post("/accounts/login/", login).status_code == 302
    base = f"/p/{demo.DEMO_SLUG}/"
    for path in [
        "",
        "partners/",
        "partners/board/",
        "contacts/",
        "networks/",
        "follow-up/",
        "gone-quiet/",
        "partners/?quiet=yes",
        "partners/export/",
    ]:
        assert client.get(base + path).status_code == 200, path
    with scopes_disabled():
        organisations = list(Organisation.objects.filter(partnership__slug=demo.DEMO_SLUG))
    for organisation in organisations:
        response = client.get(f"{base}partners/{organisation.code}/")
        assert response.status_code == 200, organisation.name
