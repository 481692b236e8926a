"""Demo data of the agreements app (docs/rules.md §12): the demo region has a version.

Runs after the partners, activities and cofinancing demos. Chooses the penvoerder (the
board of the demo region's vmbo schools, else the first school by name) and makes version 1
when there is no version yet and the readiness check passes; otherwise it makes nothing and
returns the blocking items, so the command can say why. Seeding twice changes nothing.
"""

import datetime

from django.db import transaction
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
    """The board (bevoegd gezag) of a vmbo school, as the regulation asks (docs/rules.md
    §11); else the first school that is its own legal entity."""
    legal_entities = Organisation.objects.filter(partnership=partnership, belongs_to=None)
    return (
        legal_entities.filter(locations__kind=OrganisationKind.VMBO)
        .distinct()
        .order_by("name")
        .first()
        or legal_entities.filter(kind__in=SCHOOL_KINDS).order_by("name").first()
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


OWN_ARTICLE_TITLE = "Zichtbaarheid en communicatie"
OWN_ARTICLE_TEXT = (
    "Partijen vermelden bij publicaties, open dagen en op hun website dat de activiteiten "
    "deel uitmaken van {partnership} en de regeling {scheme}.\n\n"
    "De penvoerder stelt daarvoor een logo en een korte tekst beschikbaar. Een partij "
    "gebruikt de naam of het logo van een andere partij alleen met diens toestemming."
)


def _own_article(partnership: Partnership, user) -> None:
    """The demo leader added one article of the region's own (before the signatures)."""
    from agreements.clauses import article_add, effective_clauses

    if any(c["title"] == OWN_ARTICLE_TITLE for c in effective_clauses(partnership=partnership)):
        return
    with scope(partnership=partnership):
        article_add(
            partnership=partnership, title=OWN_ARTICLE_TITLE, text=OWN_ARTICLE_TEXT, user=user
        )


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
        _own_article(partnership, leader.user if leader else None)
        readiness = check_readiness(partnership=partnership)
        if not readiness.ready:
            return readiness
    with scope(partnership=partnership):
        return version_create(partnership=partnership, user=leader.user if leader else None)


DEMO_CLIENT_UA = "Sterk-demo (fictieve handtekening)"
AMENDED_CLAUSE = "joining"
AMENDMENT = (
    "\n\nAanvulling (versie 2): een organisatie die later toetreedt, ondertekent een "
    "toetredingsverklaring; de penvoerder meldt de toetreding binnen vier weken aan alle "
    "partijen."
)


def seed_signing(partnership: Partnership) -> None:
    """The demo region has one completed, sealed agreement (version 1,
    signed by everyone), a company that joined later by a signed deed of accession, and one
    round in progress (version 2, with an amended clause, some
    parties signed). Runs once: a partnership that has a signing round is left alone.

    The signatures go through the real services (code, statement, typed name) with e-mail
    switched off, since the signatories are fictitious; their evidence names the demo as the
    browser, so nobody mistakes them for real ones."""
    from agreements.clauses import DEFAULT_BY_KEY, clause_save
    from agreements.signing import version_send
    from agreements.tasks import render_version
    from signing import mail
    from signing.models import SignatureRequest, SigningRound
    from signing.tasks import seal_round

    with scopes_disabled(), transaction.atomic():
        if SigningRound.objects.filter(partnership=partnership).exists():
            return
        leader = (
            Membership.objects.filter(partnership=partnership, role=Role.LEADER)
            .select_related("user")
            .order_by("user__email")
            .first()
        )
        user = leader.user if leader else None
        first = AgreementVersion.objects.filter(partnership=partnership, number=1).first()
        if first is None:
            return
        with scope(partnership=partnership), mail.quiet():
            render_version.call(first.pk)
            first.refresh_from_db()
            deadline = timezone.now() + datetime.timedelta(days=21)
            completed = version_send(version=first, user=user, deadline=deadline)
            for item in SignatureRequest.objects.filter(round=completed).order_by("step", "pk"):
                _demo_sign(item, first)
            seal_round.call(completed.pk)

            # A company joined after version 1 was signed: it accedes by a deed.
            from agreements.demo_accession import seed_accession

            seed_accession(partnership, user, _demo_sign_pdf)

            clause_save(
                partnership=partnership,
                key=AMENDED_CLAUSE,
                text=DEFAULT_BY_KEY[AMENDED_CLAUSE][1] + AMENDMENT,
                user=user,
            )
            second = version_create(partnership=partnership, user=user)
            render_version.call(second.pk)
            second.refresh_from_db()
            in_progress = version_send(version=second, user=user, deadline=deadline)
            pending = list(
                SignatureRequest.objects.filter(round=in_progress).order_by("step", "pk")
            )
            for item in pending[: len(pending) // 2]:
                _demo_sign(item, second)


def _demo_sign(signature_request, version) -> None:
    _demo_sign_pdf(signature_request, version.pdf_sha256)


def _demo_sign_pdf(signature_request, pdf_sha256: str) -> None:
    from signing import services as signing

    client = signing.Client("192.0.2.10", DEMO_CLIENT_UA)
    signing.code_send(signature_request, client=client)
    # The code went nowhere (e-mail is off for the demo): give the request a known one.
    code = "246810"
    type(signature_request).objects.filter(pk=signature_request.pk).update(
        code_hash=signing.code_hash(signature_request, code)
    )
    signing.code_verify(signature_request, code, client=client)
    signing.request_sign(
        signature_request,
        typed_name=signature_request.name,
        statement_confirmed=True,
        shown_pdf_sha256=pdf_sha256,
        client=client,
    )
