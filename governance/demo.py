"""The demo region's governance: a steering group and two working groups with their members,
chair and secretary, a few meetings with decisions and actions (one overdue, one planned
meeting ahead) and who decides, does and is involved for every activity and goal."""

import datetime

from django.utils import timezone
from django_scopes import scopes_disabled

from activities.models import Activity, Goal
from governance import services
from governance.models import Body, BodyKind
from partners.models import Contact, Membership, OrganisationKind, Partnership, Role

STEERING = "Stuurgroep Sterk Techniek Voorbeeldregio"
WORKING_GROUPS = ("Werkgroep Gastlessen en stages", "Werkgroep Docent in het bedrijf")


def seed(partnership: Partnership) -> None:
    """Once: a second run (also on a later day) changes nothing."""
    with scopes_disabled():
        if Body.objects.filter(partnership=partnership).exists():
            return
        _Governance(partnership, timezone.localdate()).seed()


class _Governance:
    def __init__(self, partnership: Partnership, today: datetime.date):
        self.partnership, self.today = partnership, today
        self.users = {}
        for membership in (
            Membership.objects.filter(partnership=partnership)
            .select_related("user")
            .order_by("user__email")
        ):
            self.users.setdefault(membership.role, membership.user)
        contacts = (
            Contact.objects.filter(partnership=partnership, is_primary=True)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        self.by_kind: dict[str, list[Contact]] = {}
        for contact in contacts:
            self.by_kind.setdefault(contact.organisation.kind, []).append(contact)

    def contact(self, kind: str, index: int = 0) -> Contact | None:
        found = self.by_kind.get(kind) or []
        return found[index % len(found)] if found else None

    def day(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def body(self, kind, name, decides_on, people, chair=0, secretary=-1):
        body = services.body_create(
            partnership=self.partnership, kind=kind, name=name, decides_on=decides_on
        )
        members = []
        for person in people:
            if person is None:
                continue
            if isinstance(person, Contact):
                members.append(services.member_add(body=body, contact=person))
            else:
                members.append(services.member_add(body=body, user=person))
        services.body_update(
            body=body,
            kind=kind,
            name=name,
            decides_on=decides_on,
            chair=members[chair],
            secretary=members[secretary],
        )
        return body, members

    def seed(self):
        leader, editor = self.users.get(Role.LEADER), self.users.get(Role.EDITOR)
        steering, sg = self.body(
            BodyKind.STEERING_GROUP,
            STEERING,
            "Het activiteitenplan, de begroting, de inzet van de middelen, nieuwe partners "
            "en de rapportages aan de regeling.",
            [
                self.contact(OrganisationKind.SCHOOL_BOARD),
                self.contact(OrganisationKind.COMPANY),
                self.contact(OrganisationKind.MUNICIPALITY),
                self.contact(OrganisationKind.MBO),
                leader,
            ],
        )
        guest, wg1 = self.body(
            BodyKind.WORKING_GROUP,
            WORKING_GROUPS[0],
            "Het rooster van gastlessen en de stageplaatsen per schooljaar.",
            [
                self.contact(OrganisationKind.VMBO),
                self.contact(OrganisationKind.COMPANY, 1),
                editor,
            ],
        )
        teachers, wg2 = self.body(
            BodyKind.WORKING_GROUP,
            WORKING_GROUPS[1],
            "Welke docenten welk bedrijf bezoeken en wat ze meenemen naar de les.",
            [
                self.contact(OrganisationKind.VMBO, 1),
                self.contact(OrganisationKind.COMPANY, 2),
                editor,
            ],
        )
        self.meetings(steering, sg, guest, wg1, teachers, wg2)
        self.matrix(steering, guest, teachers)

    def meetings(self, steering, sg, guest, wg1, teachers, wg2):
        first = services.meeting_create(
            body=steering,
            date=self.day(-70),
            agenda="1. Opening\n2. Activiteitenplan 2025–2026\n3. Begroting\n4. Rondvraag",
            minutes="De stuurgroep besprak het activiteitenplan en de begroting. De scholen "
            "en bedrijven zijn positief over de gastlessen; de gemeente wil aansluiten bij "
            "de week van de techniek.",
            attendees=sg,
        )
        services.decision_add(
            meeting=first,
            title="Activiteitenplan vastgesteld",
            text="De stuurgroep stelt het activiteitenplan 2025–2026 vast.",
        )
        services.decision_add(
            meeting=first,
            title="Begroting vastgesteld",
            text="De begroting wordt vastgesteld; de penvoerder dient de aanvraag in.",
        )
        sent = services.action_add(
            meeting=first,
            description="Samenwerkingsovereenkomst ter ondertekening rondsturen",
            owner=sg[-1],
            due=self.day(-40),
        )
        second = services.meeting_create(
            body=steering,
            date=self.day(-14),
            agenda="1. Voortgang cofinanciering\n2. Nieuwe partners\n3. Rondvraag",
            minutes="Het aandeel bedrijfsleven ligt op koers. Twee bedrijven zijn benaderd.",
            attendees=sg[:4],
        )
        services.decision_add(
            meeting=second,
            title="Twee nieuwe partners uitnodigen",
            text="De projectleider nodigt de twee benaderde bedrijven uit voor een bezoek.",
        )
        overdue = services.action_add(
            meeting=second,
            description="Bezoek plannen bij de twee benaderde bedrijven",
            owner=sg[-1],
            due=self.day(-3),
        )
        services.action_add(
            meeting=second,
            description="Succesverhaal gastlessen voor de nieuwsbrief schrijven",
            owner=sg[0],
            due=self.day(10),
        )
        services.meeting_create(
            body=steering,
            date=self.day(21),
            agenda="1. Evaluatie eerste halfjaar\n2. Begroting 2027",
            attendees=sg,
        )
        done = services.action_add(
            meeting=first,
            description="Agenda stuurgroep delen met alle partners",
            owner=sg[-1],
            due=self.day(-60),
        )
        for finished in (sent, done):
            services.action_mark_done(action=finished, user=self.users.get(Role.LEADER))
        assert overdue.done_at is None
        for body, members, title in (
            (guest, wg1, "Rooster gastlessen voorjaar"),
            (teachers, wg2, "Drie docentstages in het najaar"),
        ):
            meeting = services.meeting_create(
                body=body,
                date=self.day(-30),
                agenda="1. Planning\n2. Afspraken",
                minutes="De werkgroep maakte de planning voor het komende halfjaar.",
                attendees=members,
            )
            services.decision_add(meeting=meeting, title=title, text=f"{title} vastgesteld.")
            services.action_add(
                meeting=meeting,
                description=f"{title}: afspraken bevestigen per mail",
                owner=members[-1],
                due=self.day(7),
            )

    def matrix(self, steering, guest, teachers):
        activities = list(
            Activity.objects.filter(partnership=self.partnership)
            .select_related("lead_organisation")
            .order_by("sort_key", "pk")
        )
        primary = {
            c.organisation_id: c
            for c in Contact.objects.filter(partnership=self.partnership, is_primary=True)
        }
        for index, activity in enumerate(activities):
            lead = primary.get(activity.lead_organisation_id)
            holders = {
                "decides": steering,
                "does": guest if index % 2 == 0 else teachers,
                "involved": lead,
            }
            services.responsibilities_set(
                partnership=self.partnership, subject=activity, holders=holders
            )
        for goal in Goal.objects.filter(partnership=self.partnership).order_by("title"):
            services.responsibilities_set(
                partnership=self.partnership,
                subject=goal,
                holders={"decides": steering, "does": guest, "involved": teachers},
            )
