"""The demo's company statements (issue 14 §3): the statements of 2025 signed by their
companies, so their 2025 contributions are certified, except one that a company declined
with its reason and the lines it disputes; the statements of 2026 out for signing. Runs after
commit, after the agreement's signing (sterk seed_demo), through the real services with
e-mail switched off, since the signatories are fictitious. Runs once: a partnership with a
company statement is left alone."""

import datetime

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cofinancing.models import Budget, CompanyStatement
from cofinancing.statements import services
from cofinancing.statements.tasks import render_company_statement
from partners.models import Membership, Role
from signing import mail
from signing import services as signing
from signing.models import SignatureRequest, SigningRound
from signing.tasks import seal_round

DEMO_CLIENT_UA = "Sterk-demo (fictieve handtekening)"
DECLINED = (
    "Bouwbedrijf Jansen",
    "De uren voor de gastlessen kloppen niet: het waren er minder dan hier staat.",
    "Regel 1: minder uren gegeven dan vermeld.",
)


def seed_statements(partnership) -> None:
    with scopes_disabled():
        budget = (
            Budget.objects.select_related("scheme", "partnership")
            .filter(partnership=partnership)
            .first()
        )
        if budget is None or CompanyStatement.objects.filter(partnership=partnership).exists():
            return
        leader = (
            Membership.objects.filter(partnership=partnership, role=Role.LEADER)
            .select_related("user")
            .order_by("user__email")
            .first()
        )
        user = leader.user if leader else None
        with scope(partnership=partnership), mail.quiet():
            deadline = timezone.now() + datetime.timedelta(days=21)
            for year in (2025, 2026):
                result = services.statements_send(
                    budget=budget, year=year, user=user, deadline=deadline
                )
                for statement in sorted(result.made, key=lambda s: s.organisation.name):
                    render_company_statement.call(statement.pk)
                    if year == 2025:
                        _answer(statement)


def _answer(statement: CompanyStatement) -> None:
    statement.refresh_from_db()
    requests = SignatureRequest.objects.filter(round__document=statement.document).order_by(
        "step", "pk"
    )
    name, reason, disputed = DECLINED
    for request in requests:
        client = signing.Client("192.0.2.10", DEMO_CLIENT_UA)
        signing.code_send(request, client=client)
        code = "246810"
        SignatureRequest.objects.filter(pk=request.pk).update(
            code_hash=signing.code_hash(request, code)
        )
        request.refresh_from_db()
        signing.code_verify(request, code, client=client)
        request.refresh_from_db()
        if statement.organisation.name.startswith(name):
            signing.request_decline(
                request, reason=reason, client=client, details={"disputed": disputed}
            )
            return
        signing.request_sign(
            request,
            typed_name=request.name,
            statement_confirmed=True,
            shown_pdf_sha256=statement.document.pdf_sha256,
            client=client,
        )
    signing_round = SigningRound.objects.filter(document=statement.document).first()
    if signing_round is not None:
        seal_round.call(signing_round.pk)  # certifies its contributions; idempotent
