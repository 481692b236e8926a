"""Demo data of the agreements app (issue 6, item 8): the demo region has a version.

Runs after the partners, activities and cofinancing demos. Chooses the penvoerder (the
mbo college of the demo region, else the first school by name) and makes version 1
when there is no version yet and the readiness check passes; otherwise it makes nothing and
returns the blocking items, so the command can say why. Seeding twice changes nothing.
"""

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from agreements.models import AgreementVersion
from agreements.readiness import Readiness, check_readiness
from agreements.services import agreement_for, version_create, warning_acknowledge
from partners.models import (
    SCHOOL_KINDS,
    Membership,
    Organisation,
    OrganisationKind,
    Partnership,
    Role,
    Signatory,
)


def _penvoerder(partnership: Partnership) -> Organisation | None:
    schools = Organisation.objects.filter(partnership=partnership, kind__in=SCHOOL_KINDS)
    return (
        schools.filter(kind=OrganisationKind.MBO).order_by("name").first()
        or schools.order_by("name").first()
    )


def _prepare(partnership: Partnership, leader) -> None:
    """What the demo leader did before the first version: checked the evidence of the
    signatories of the parties, and acknowledged the cofinancing warning (the lathe that two
    companies depreciate, shared under a written arrangement)."""
    Signatory.objects.filter(partnership=partnership, checked_at=None).exclude(
        evidence_source=""
    ).exclude(evidence_reference="").exclude(evidence_date=None).update(
        checked_by=leader, checked_at=timezone.now()
    )
    for item in check_readiness(partnership=partnership).items:
        if item.blocking and item.key.startswith("warning:"):
            with scope(partnership=partnership):
                warning_acknowledge(partnership=partnership, key=item.key, user=leader)


def seed(partnership: Partnership) -> AgreementVersion | Readiness | None:
    """Version 1 of the demo agreement, made once. Returns the version (new or existing), or
    the readiness result when the demo data is not ready."""
    with scopes_disabled():
        agreement = agreement_for(partnership)
        if agreement.penvoerder_id is None:
            agreement.penvoerder = _penvoerder(partnership)
            agreement.save(update_fields=["penvoerder"])
        existing = (
            AgreementVersion.objects.filter(partnership=partnership).order_by("number").first()
        )
        if existing is not None:
            return existing
        leader = (
            Membership.objects.filter(partnership=partnership, role=Role.LEADER)
            .select_related("user")
            .order_by("user__email")
            .first()
        )
        _prepare(partnership, leader.user if leader else None)
        readiness = check_readiness(partnership=partnership)
        if not readiness.ready:
            return readiness
    with scope(partnership=partnership):
        return version_create(partnership=partnership, user=leader.user if leader else None)
