"""Renewal for the next scheme period (docs/rules.md §26): the partnership of the next
period with copies of what carries over; the old one read-only history; the notice 90 days
before the end."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from activities.models import Goal
from agreements import renewal
from agreements.clauses import article_add
from agreements.models import Agreement, AgreementArticle, ClauseText
from cofinancing.models import Budget, Scheme
from governance import services as governance
from governance.models import Action, Body, BodyMember, Decision, Meeting
from outbox.models import Message
from partners.models import (
    Contact,
    Membership,
    Network,
    NetworkMember,
    Organisation,
    Partnership,
    Signatory,
    Stage,
)
from tests.factories import (
    BudgetFactory,
    ContactFactory,
    GoalFactory,
    InteractionFactory,
    NetworkFactory,
    NetworkMemberFactory,
    OrganisationFactory,
    PartnershipFactory,
    SignatoryFactory,
)

pytestmark = pytest.mark.usefixtures("no_scopes")


@pytest.fixture
def next_scheme(db):
    return Scheme.objects.create(
        code="sto-2029-2032",
        name="STO 2029-2032",
        start_year=2029,
        end_year=2032,
        share=Decimal("0.1000"),
        base="total_costs",
        default_hourly_rate=Decimal("55.00"),
    )


def _region(partnership, count=3):
    BudgetFactory(partnership=partnership)
    organisations = []
    body = governance.body_create(partnership=partnership, kind="steering_group", name="SG")
    seats = []
    for index in range(count):
        organisation = OrganisationFactory(
            partnership=partnership, name=f"Bedrijf {index}", stage=Stage.SIGNED
        )
        contact = ContactFactory(organisation=organisation, name=f"Directeur {index}")
        SignatoryFactory(contact=contact)
        seats.append(governance.member_add(body=body, contact=contact))
        NetworkMemberFactory(
            organisation=organisation, network=NetworkFactory(partnership=partnership)
        )
        organisations.append(organisation)
    governance.body_update(
        body=body, kind="steering_group", name="SG", chair=seats[0], secretary=seats[-1]
    )
    GoalFactory(partnership=partnership, title="Meer instroom techniek")
    InteractionFactory(organisation=organisations[0], partnership=partnership)
    Agreement.objects.create(partnership=partnership, penvoerder=organisations[0])
    ClauseText.objects.create(partnership=partnership, key="purpose", text="Eigen doel.")
    article_add(
        partnership=partnership, title="Eigen artikel", text="Voor {partnership}.", user=None
    )
    school = OrganisationFactory(
        partnership=partnership, name="Vmbo Locatie Oost", kind="vmbo", brin_code="12AB"
    )
    board = OrganisationFactory(
        partnership=partnership,
        name="Stichting Voortgezet",
        kind="school_board",
        kvk_number="41000001",
    )
    Organisation.objects.filter(pk=school.pk).update(belongs_to=board)
    return organisations


def _renew(partnership, scheme, leader, slug="twente-2029-2032"):
    return renewal.partnership_renew(
        partnership=partnership, scheme=scheme, slug=slug, name="Twente Techniek", user=leader
    )


def test_renewal_copies_what_carries_over_and_the_old_one_becomes_history(
    partnership, leader, next_scheme
):
    old_orgs = _region(partnership)
    new, counts = _renew(partnership, next_scheme, leader)
    partnership.refresh_from_db()
    assert partnership.renewed_into == new and partnership.is_history
    assert (new.start_year, new.end_year, new.region) == (2029, 2032, partnership.region)
    assert Budget.objects.get(partnership=new).scheme == next_scheme
    assert counts.organisations == 5 and counts.members == 1
    copied = Organisation.objects.filter(partnership=new).order_by("name")
    assert {o.name for o in old_orgs} <= {o.name for o in copied}
    # Nobody signed the new period's agreement yet.
    assert {o.stage for o in copied if o.name.startswith("Bedrijf")} == {Stage.COMMITTED}
    assert {o.code for o in copied}.isdisjoint({o.code for o in old_orgs})
    contacts = Contact.objects.filter(partnership=new)
    assert {c.organisation.partnership_id for c in contacts} == {new.pk}
    signatories = Signatory.objects.filter(partnership=new).select_related("contact")
    assert {s.contact.partnership_id for s in signatories} == {new.pk}
    assert Network.objects.filter(partnership=new).count() == 3
    members = NetworkMember.objects.filter(partnership=new).select_related(
        "organisation", "network"
    )
    assert {(m.organisation.partnership_id, m.network.partnership_id) for m in members} == {
        (new.pk, new.pk)
    }
    assert Goal.objects.filter(partnership=new).get().title == "Meer instroom techniek"
    assert Membership.objects.get(partnership=new).user == leader
    agreement = Agreement.objects.get(partnership=new)
    assert agreement.penvoerder.partnership_id == new.pk
    assert agreement.penvoerder.name == old_orgs[0].name
    assert ClauseText.objects.get(partnership=new).text == "Eigen doel."
    own = AgreementArticle.objects.get(partnership=new, is_own=True)
    assert own.title == "Eigen artikel"
    location = Organisation.objects.get(partnership=new, name="Vmbo Locatie Oost")
    assert location.belongs_to.name == "Stichting Voortgezet"
    assert location.belongs_to.partnership_id == new.pk
    # Contact moments stay with the old period.
    from partners.models import Interaction

    assert not Interaction.objects.filter(partnership=new).exists()


def test_renewal_runs_a_fixed_number_of_queries(partnership, leader, next_scheme):
    counts = []
    for size in (1, 2, 12):  # the first warms the caches (content types)
        region = PartnershipFactory()
        Membership.objects.create(partnership=region, user=leader, role="leader")
        _region(region, count=size)
        with CaptureQueriesContext(connection) as queries:
            _renew(region, next_scheme, leader, slug=f"{region.slug}-2029-2032")
        counts.append(len(queries))
    assert counts[1] == counts[2]


def test_renewal_copies_the_bodies_with_members_chair_and_secretary_not_meetings(
    partnership, leader, next_scheme
):
    _region(partnership)
    old = Body.objects.get(partnership=partnership)
    own = governance.member_add(body=old, user=leader)
    group = governance.body_create(partnership=partnership, kind="working_group", name="WG")
    meeting = governance.meeting_create(
        body=old, date=datetime.date.today() - datetime.timedelta(days=1)
    )
    governance.decision_add(meeting=meeting, title="Plan", text="Vastgesteld")
    governance.action_add(meeting=meeting, description="Bellen", owner=own, due=meeting.date)
    new, _counts = _renew(partnership, next_scheme, leader)
    bodies = {b.name: b for b in Body.objects.filter(partnership=new)}
    assert set(bodies) == {"SG", "WG"}
    copy = bodies["SG"]
    assert copy.pk != old.pk and copy.code != old.code and copy.kind == "steering_group"
    assert copy.last_decision_number == 0  # the decisions stay with the old period
    members = BodyMember.objects.filter(body=copy).select_related("contact")
    assert {m.partnership_id for m in members} == {new.pk}
    assert {m.contact.partnership_id for m in members if m.contact_id} == {new.pk}
    assert sorted(m.contact.name for m in members if m.contact_id) == [
        "Directeur 0",
        "Directeur 1",
        "Directeur 2",
    ]
    assert [m.user for m in members if m.user_id] == [leader]
    assert copy.chair.body_id == copy.pk and copy.chair.contact.name == "Directeur 0"
    assert copy.secretary.body_id == copy.pk and copy.secretary.contact.name == "Directeur 2"
    assert not BodyMember.objects.filter(body=bodies["WG"]).exists()
    for model in (Meeting, Decision, Action):
        assert not model.objects.filter(partnership=new).exists()
    # The old bodies keep their own members and record.
    old.refresh_from_db()
    assert old.chair.contact.partnership_id == partnership.pk
    assert Decision.objects.filter(body=old).count() == 1
    assert group.partnership_id == partnership.pk
    # A new decision in the new period starts at 1.
    fresh = governance.meeting_create(body=copy, date=datetime.date.today())
    assert governance.decision_add(meeting=fresh, title="Start", text="Start").number == 1


@pytest.mark.parametrize(
    "field, slug, name, message",
    [
        ("slug", "twente", "Twente", "taken"),
        ("slug", "Niet Goed!", "Twente", "hyphens"),
        ("slug", "x" * 61, "Twente", "hyphens"),
        ("name", "twente-nieuw", "  ", "name"),
        ("name", "twente-nieuw", "Twee\nregels", "one line"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_made(
    partnership, leader, next_scheme, field, slug, name, message
):
    _region(partnership)
    before = Partnership.objects.count()
    with pytest.raises(ValidationError) as error, translation.override("en"):
        renewal.partnership_renew(
            partnership=partnership, scheme=next_scheme, slug=slug, name=name, user=leader
        )
    assert message in " ".join(error.value.message_dict[field])
    assert Partnership.objects.count() == before
    partnership.refresh_from_db()
    assert not partnership.is_history


def test_a_scheme_that_does_not_follow_is_refused_with_the_years(partnership, leader):
    _region(partnership)
    before = Partnership.objects.count()
    same = Scheme.objects.get(code="sto-2025-2028")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        _renew(partnership, same, leader)
    text = " ".join(error.value.message_dict["scheme"])
    assert "does not follow" in text and "2029" in text
    assert Partnership.objects.count() == before


def test_a_partnership_is_renewed_once(partnership, leader, next_scheme):
    _region(partnership)
    _renew(partnership, next_scheme, leader)
    partnership.refresh_from_db()
    with pytest.raises(ValidationError):
        _renew(partnership, next_scheme, leader, slug="twente-tweede")


def test_history_is_read_only_for_everyone_but_still_readable(
    partnership, leader, client, next_scheme
):
    organisation = _region(partnership)[0]
    new, _counts = _renew(partnership, next_scheme, leader)
    client.force_login(leader)
    slug = partnership.slug
    page = client.get(reverse("dashboard", kwargs={"slug": slug}))
    assert page.status_code == 200 and "data-history" in page.content.decode()
    assert reverse("dashboard", kwargs={"slug": new.slug}) in page.content.decode()
    detail = client.get(
        reverse("partners:organisation-detail", kwargs={"slug": slug, "code": organisation.code})
    )
    assert detail.status_code == 200
    edit = reverse("partners:organisation-update", kwargs={"slug": slug, "code": organisation.code})
    assert client.get(edit).status_code == 403
    response = client.post(edit, {"name": "Gewijzigd", "kind": "company", "stage": "signed"})
    assert (
        response.status_code == 403
        and "read-only" in response.content.decode()
        or ("alleen" in response.content.decode())
    )
    organisation.refresh_from_db()
    assert organisation.name == "Bedrijf 0"
    assert client.get(reverse("agreements:renewal", kwargs={"slug": slug})).status_code == 403
    # The new one is writable.
    assert client.get(reverse("agreements:renewal", kwargs={"slug": new.slug})).status_code == 200


def test_the_renewal_page_makes_the_new_partnership(partnership, leader, client, next_scheme):
    _region(partnership)
    client.force_login(leader)
    url = reverse("agreements:renewal", kwargs={"slug": partnership.slug})
    page = client.get(url).content.decode()
    assert "twente-2029-2032" in page
    response = client.post(
        url, {"scheme": next_scheme.pk, "name": "Twente 2029", "slug": "twente-2029-2032"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard", kwargs={"slug": "twente-2029-2032"})
    forged = client.post(url, {"scheme": 999999, "name": "X", "slug": "x-y"})
    assert forged.status_code == 403  # history now


def test_the_dashboard_and_the_cron_say_so_90_days_before_the_end(
    partnership, leader, client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _region(partnership)
    end = datetime.date(partnership.end_year, 12, 31)
    assert renewal.ending_soon(partnership, end - datetime.timedelta(days=91)) is None
    assert renewal.ending_soon(partnership, end - datetime.timedelta(days=90)) == 90
    assert renewal.ending_soon(partnership, end + datetime.timedelta(days=1)) is None

    day = end - datetime.timedelta(days=30)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)
    client.force_login(leader)
    page = client.get(reverse("dashboard", kwargs={"slug": partnership.slug})).content.decode()
    assert "data-renewal-notice" in page
    for _run in range(2):  # the cron runs twice: one notice
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_signing_reminders", stdout=io.StringIO())
    notices = Message.objects.filter(kind="renewal_notice")
    assert notices.count() == 1 and notices.get().to == leader.email
    assert "31 december" in notices.get().subject
    assert any("31 december" in m.body for m in mail.outbox)
