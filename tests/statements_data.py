"""Companies with realised contributions and authorised signatories, for the company
statement tests (docs/rules.md §23). Call without scopes."""

import datetime
from decimal import Decimal as D

from django.utils import timezone

from cofinancing.models import ContributionStatus
from signing import services as signing
from signing.models import SignatureRequest
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContactFactory,
    ContributionFactory,
    OrganisationFactory,
    SignatoryFactory,
)

CLIENT = signing.Client("192.0.2.1", "pytest")
DEADLINE_DAYS = 21


def deadline():
    return timezone.now() + datetime.timedelta(days=DEADLINE_DAYS)


def signatory(organisation, *, name="Directeur Jansen", checked_by=None, **kwargs):
    return SignatoryFactory(
        contact=ContactFactory(
            organisation=organisation,
            name=name,
            email=kwargs.pop("email", f"{name.split()[-1].lower()}@{organisation.pk}.example.nl"),
        ),
        checked_at=kwargs.pop("checked_at", timezone.now()),
        checked_by=checked_by,
        **kwargs,
    )


def realised(organisation, *, activity=None, year=2025, hours="10", rate="50.00", **kwargs):
    hours, rate = D(hours), D(rate)
    value = (hours * rate).quantize(D("0.01"))
    return ContributionFactory(
        organisation=organisation,
        activity=activity,
        year=year,
        hours=hours,
        hourly_rate=rate,
        value=value,
        status=ContributionStatus.REALISED,
        realised_on=kwargs.pop("realised_on", datetime.date(year, 6, 15)),
        realised_quantity=hours,
        realised_value=value,
        **kwargs,
    )


def region(partnership, *, companies=2, year=2025):
    """A budget, an activity, and `companies` companies each with a sole director and two
    realised labour contributions of `year`."""
    budget = BudgetFactory(partnership=partnership)
    activity = ActivityFactory(partnership=partnership, short_code="A1", title="Gastlessen CNC")
    organisations = []
    for index in range(companies):
        organisation = OrganisationFactory(
            partnership=partnership, name=f"Metaalbedrijf {index + 1:03d} B.V."
        )
        signatory(organisation, name=f"Directeur Jansen{index + 1}")
        realised(organisation, activity=activity, year=year, hours="12.5", description="Gastles")
        realised(
            organisation,
            activity=activity,
            year=year,
            hours="40",
            rate="62.50",
            rate_justification="Gespecialiseerde CNC-programmeur",
            description="Begeleiding stagiairs",
            realised_on=datetime.date(year, 9, 1),
        )
        organisations.append(organisation)
    return budget, organisations


def sign(request: SignatureRequest, *, capture):
    """Sign `request` online as its signer, with the real services."""
    with capture(execute=True):
        signing.code_send(request, client=CLIENT)
    code = "135790"
    SignatureRequest.objects.filter(pk=request.pk).update(
        code_hash=signing.code_hash(request, code)
    )
    fresh = SignatureRequest.objects.get(pk=request.pk)
    with capture(execute=True):
        signing.code_verify(fresh, code, client=CLIENT)
    fresh = SignatureRequest.objects.get(pk=request.pk)
    with capture(execute=True):
        signing.request_sign(
            fresh,
            typed_name=fresh.name,
            statement_confirmed=True,
            shown_pdf_sha256=fresh.round.document.pdf_sha256,
            client=CLIENT,
        )


def decline(request: SignatureRequest, *, reason: str, disputed: str, capture):
    SignatureRequest.objects.filter(pk=request.pk).update(code_verified_at=timezone.now())
    fresh = SignatureRequest.objects.get(pk=request.pk)
    with capture(execute=True):
        signing.request_decline(fresh, reason=reason, client=CLIENT, details={"disputed": disputed})


def sent_statement(partnership, leader):
    """A company with a realised contribution of 2025 and its statement, rendered and out
    for signing (the budget must exist)."""
    from django.test import TestCase

    from cofinancing.models import Budget
    from cofinancing.statements import services

    organisation = OrganisationFactory(partnership=partnership, name="Verklaarder B.V.")
    signatory(organisation, name="Directeur Verklaarder")
    realised(organisation, year=2025)
    budget = Budget.objects.get(partnership=partnership)
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = services.statements_send(
            budget=budget, year=2025, user=leader, deadline=deadline()
        )
    return result.made[0]
