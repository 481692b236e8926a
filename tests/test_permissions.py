"""The URL × role matrix: who may open or post to which page.

Every named URL pattern (except the Django admin) must appear here; a new view without a
row fails `test_every_url_pattern_is_in_the_matrix`.
"""

import datetime
import uuid
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_scopes import scopes_disabled

from agreements.clauses import article_add
from agreements.models import Accession
from cofinancing.services.evidence import evidence_add
from governance import services as governance
from outbox.models import Message
from outreach.texts import DEFAULTS as PACK_DEFAULTS
from partners.models import Invitation, Membership, Role
from partners.services import members as services
from signing import services as signing
from tests.bundle_data import ready_build
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContactFactory,
    ContributionFactory,
    CostLineFactory,
    EvaluationFactory,
    FundingLineFactory,
    GoalFactory,
    InteractionFactory,
    MembershipFactory,
    NetworkFactory,
    NetworkMemberFactory,
    OrganisationFactory,
    ParticipantFactory,
    ResultFactory,
    SignatoryFactory,
    UserFactory,
    VersionFactory,
    send_round,
    signing_version,
)
from tests.reports_data import rendered_statement
from tests.statements_data import sent_statement
from updates.services import unsubscribe_token, update_create

ROLES = ["anonymous", "viewer", "editor", "leader", "outsider"]
MINIMAL_PDF = b"%PDF-1.4\n%%EOF\n"

# Expected status per role for pages inside a partnership.
READ = {"anonymous": 302, "outsider": 404, "viewer": 200, "editor": 200, "leader": 200}
WRITE = {"anonymous": 302, "outsider": 404, "viewer": 403, "editor": 200, "leader": 200}
LEAD = {"anonymous": 302, "outsider": 404, "viewer": 403, "editor": 403, "leader": 200}
LEAD_POST = {**LEAD, "leader": 302}
WRITE_POST = {**WRITE, "editor": 302, "leader": 302}


def everyone(status):
    return dict.fromkeys(ROLES, status)


@dataclass
class Case:
    name: str
    expected: dict
    method: str = "get"
    # URL kwargs from the context: "slug" takes context["slug"]; "code:network" puts
    # context["network"] in the kwarg `code`.
    kwargs: tuple = ()
    data: dict = field(default_factory=dict)

    def __str__(self):
        return f"{self.method}-{self.name}"


MATRIX = [
    Case("home", {**everyone(302), "anonymous": 302}),
    Case("dashboard", READ, kwargs=("slug",)),
    Case("search", READ, kwargs=("slug",), data={"q": "las"}),
    Case("partners:organisation-list", READ, kwargs=("slug",)),
    Case("partners:organisation-options", READ, kwargs=("slug",)),
    Case("partners:member-list", READ, kwargs=("slug",)),
    Case("partners:invitation-create", LEAD, kwargs=("slug",)),
    Case(
        "partners:invitation-create",
        LEAD_POST,
        method="post",
        kwargs=("slug",),
        data={"email": "nieuw@example.nl", "role": "editor"},
    ),
    Case(
        "partners:invitation-revoke", LEAD_POST, method="post", kwargs=("slug", "code:invitation")
    ),
    Case("partners:mail-retry", LEAD_POST, method="post", kwargs=("slug", "code:mail")),
    Case("partners:membership-update", LEAD, kwargs=("slug", "code:membership")),
    Case(
        "partners:membership-update",
        LEAD_POST,
        method="post",
        kwargs=("slug", "code:membership"),
        data={"role": "viewer"},
    ),
    Case("partners:membership-delete", LEAD, kwargs=("slug", "code:membership")),
    Case(
        "partners:membership-delete", LEAD_POST, method="post", kwargs=("slug", "code:membership")
    ),
    # Organisations and the pipeline
    Case("partners:organisation-export", READ, kwargs=("slug",)),
    Case("partners:organisation-board", READ, kwargs=("slug",)),
    Case("partners:organisation-create", WRITE, kwargs=("slug",)),
    Case(
        "partners:organisation-create",
        WRITE_POST,
        method="post",
        kwargs=("slug",),
        data={"name": "Nieuwbouw Oost B.V.", "kind": "company", "stage": "prospect"},
    ),
    Case("partners:organisation-detail", READ, kwargs=("slug", "code:organisation")),
    Case("partners:organisation-update", WRITE, kwargs=("slug", "code:organisation")),
    Case("partners:organisation-delete", WRITE, kwargs=("slug", "code:organisation")),
    Case(
        "partners:organisation-move",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:organisation"),
        data={"stage": "committed"},
    ),
    Case("partners:partnership-settings", LEAD, kwargs=("slug",)),
    Case(
        "partners:partnership-settings",
        LEAD_POST,
        method="post",
        kwargs=("slug",),
        data={
            "name": "Regio Twente Techniek",
            "region": "Twente",
            "start_year": 2025,
            "end_year": 2028,
            "quiet_after_days": 60,
        },
    ),
    # Contacts and signatories
    Case("partners:contact-list", READ, kwargs=("slug",)),
    Case("partners:contact-export", READ, kwargs=("slug",)),
    Case("partners:contact-create", WRITE, kwargs=("slug", "code:organisation")),
    Case("partners:contact-update", WRITE, kwargs=("slug", "code:contact")),
    Case("partners:contact-delete", WRITE, kwargs=("slug", "code:contact")),
    Case("partners:contact-delete", WRITE_POST, method="post", kwargs=("slug", "code:contact")),
    Case("partners:signatory-edit", WRITE, kwargs=("slug", "code:signed_contact")),
    Case(
        "partners:signatory-check",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:signed_contact"),
    ),
    Case(
        "partners:signatory-delete",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:signed_contact"),
    ),
    # Networks
    Case("partners:network-list", READ, kwargs=("slug",)),
    Case("partners:network-export", READ, kwargs=("slug",)),
    Case("partners:network-create", WRITE, kwargs=("slug",)),
    Case("partners:network-detail", READ, kwargs=("slug", "code:network")),
    Case("partners:network-update", WRITE, kwargs=("slug", "code:network")),
    Case("partners:network-member-add", WRITE, kwargs=("slug", "code:network")),
    Case(
        "partners:network-member-remove",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:network", "member:network_member"),
    ),
    # Contact moments
    Case("partners:interaction-create", WRITE, kwargs=("slug", "code:organisation")),
    Case("partners:interaction-update", WRITE, kwargs=("slug", "code:interaction")),
    Case("partners:interaction-delete", WRITE, kwargs=("slug", "code:interaction")),
    # Ticking off a next step: leaders and editors any, a viewer only one they own.
    Case("partners:next-step-done", WRITE_POST, method="post", kwargs=("slug", "code:interaction")),
    Case(
        "partners:next-step-done",
        {**WRITE_POST, "viewer": 302},
        method="post",
        kwargs=("slug", "code:viewers_step"),
    ),
    Case("partners:next-step-plan", WRITE, kwargs=("slug", "code:viewers_step")),
    Case(
        "partners:next-step-plan",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:viewers_step"),
        data={
            "outcome": "Offerte verstuurd.",
            "kind": "email",
            "next_step": "Nabellen over de offerte",
            "next_step_due": "__deadline__",
        },
    ),
    Case("partners:follow-up", READ, kwargs=("slug",)),
    Case("partners:gone-quiet", READ, kwargs=("slug",)),
    # Activities, results, goals and evaluations
    Case("activities:activity-list", READ, kwargs=("slug",)),
    Case("activities:activity-options", READ, kwargs=("slug",)),
    Case("activities:activity-export", READ, kwargs=("slug",)),
    Case("activities:activity-create", WRITE, kwargs=("slug",)),
    Case(
        "activities:participant-row",
        WRITE,
        kwargs=("slug",),
        data={"participants-TOTAL_FORMS": "2"},
    ),
    Case("activities:activity-detail", READ, kwargs=("slug", "code:activity")),
    Case("activities:activity-update", WRITE, kwargs=("slug", "code:activity")),
    Case("activities:activity-delete", WRITE, kwargs=("slug", "code:activity")),
    Case("activities:activity-delete", WRITE_POST, method="post", kwargs=("slug", "code:activity")),
    Case("activities:result-create", WRITE, kwargs=("slug", "code:activity")),
    Case("activities:result-update", WRITE, kwargs=("slug", "code:result")),
    Case("activities:result-delete", WRITE, kwargs=("slug", "code:result")),
    Case("activities:result-delete", WRITE_POST, method="post", kwargs=("slug", "code:result")),
    Case("activities:goal-list", READ, kwargs=("slug",)),
    Case("activities:goal-create", WRITE, kwargs=("slug",)),
    Case(
        "activities:goal-create",
        WRITE_POST,
        method="post",
        kwargs=("slug",),
        data={"title": "Meer technici in de regio", "horizon": "long"},
    ),
    Case("activities:goal-detail", READ, kwargs=("slug", "code:goal")),
    Case("activities:goal-update", WRITE, kwargs=("slug", "code:goal")),
    Case("activities:goal-delete", WRITE, kwargs=("slug", "code:goal")),
    # Governance: bodies (leaders write), meetings, decisions and actions (editors too)
    Case("governance:body-list", READ, kwargs=("slug",)),
    Case("governance:body-create", LEAD, kwargs=("slug",)),
    Case(
        "governance:body-create",
        LEAD_POST,
        method="post",
        kwargs=("slug",),
        data={"kind": "working_group", "name": "Werkgroep techniek"},
    ),
    Case("governance:body-detail", READ, kwargs=("slug", "code:body")),
    Case("governance:body-update", LEAD, kwargs=("slug", "code:body")),
    Case("governance:body-delete", LEAD, kwargs=("slug", "code:body")),
    Case(
        "governance:body-delete",
        {**LEAD, "leader": 400},
        method="post",
        kwargs=("slug", "code:body"),
    ),
    Case("governance:member-add", LEAD, kwargs=("slug", "code:body")),
    Case(
        "governance:member-add",
        LEAD_POST,
        method="post",
        kwargs=("slug", "code:body"),
        data={"person": "__context:newcomer__"},
    ),
    Case(
        "governance:member-remove",
        LEAD_POST,
        method="post",
        kwargs=("slug", "code:body", "member:body_member"),
    ),
    Case("governance:meeting-create", WRITE, kwargs=("slug", "code:body")),
    Case(
        "governance:meeting-create",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:body"),
        data={"date": "2025-03-01", "agenda": "Opening"},
    ),
    Case("governance:meeting-detail", READ, kwargs=("slug", "code:meeting")),
    Case("governance:meeting-update", WRITE, kwargs=("slug", "code:meeting")),
    Case("governance:meeting-pdf", READ, kwargs=("slug", "code:meeting")),
    Case("governance:meeting-delete", WRITE, kwargs=("slug", "code:meeting")),
    Case("governance:meeting-delete", WRITE_POST, method="post", kwargs=("slug", "code:meeting")),
    Case(
        "governance:decision-add",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:meeting"),
        data={"title": "Plan", "text": "Het plan is vastgesteld."},
    ),
    Case(
        "governance:action-add",
        {**WRITE, "editor": 400, "leader": 400},
        method="post",
        kwargs=("slug", "code:meeting"),
    ),
    Case(
        "governance:action-add",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:meeting"),
        data={"description": "Mailen", "owner": "__context:owner__", "due": "__deadline__"},
    ),
    Case("governance:action-done", WRITE_POST, method="post", kwargs=("slug", "code:gov_action")),
    Case("governance:decision-update", WRITE, kwargs=("slug", "code:decision")),
    Case(
        "governance:decision-update",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:decision"),
        data={"title": "Plan", "text": "Het plan is bijgesteld."},
    ),
    Case("governance:decision-delete", WRITE, kwargs=("slug", "code:decision")),
    Case("governance:decision-delete", WRITE_POST, method="post", kwargs=("slug", "code:decision")),
    Case("governance:decision-list", READ, kwargs=("slug",)),
    Case("governance:decision-pdf", READ, kwargs=("slug",)),
    Case("governance:matrix", READ, kwargs=("slug",)),
    Case("governance:activity-responsibilities", WRITE, kwargs=("slug", "code:activity")),
    Case("governance:goal-responsibilities", WRITE, kwargs=("slug", "code:goal")),
    Case(
        "governance:goal-responsibilities",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:goal"),
        data={"decides": ""},
    ),
    Case("activities:evaluation-list", READ, kwargs=("slug",)),
    Case("activities:evaluation-create", WRITE, kwargs=("slug",)),
    Case("activities:evaluation-detail", READ, kwargs=("slug", "code:evaluation")),
    Case("activities:evaluation-update", WRITE, kwargs=("slug", "code:evaluation")),
    Case("activities:evaluation-delete", WRITE, kwargs=("slug", "code:evaluation")),
    Case(
        "activities:evaluation-delete",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:evaluation"),
    ),
    # Cofinancing
    Case("cofinancing:overview", READ, kwargs=("slug",)),
    Case("cofinancing:overview-organisations", READ, kwargs=("slug",)),
    Case("cofinancing:budget-scheme", LEAD, kwargs=("slug",)),
    Case(
        "cofinancing:budget-scheme",
        LEAD_POST,
        method="post",
        kwargs=("slug",),
        data={"scheme": "sto-2024"},
    ),
    Case("cofinancing:contribution-list", READ, kwargs=("slug",)),
    Case("cofinancing:contribution-create", WRITE, kwargs=("slug",)),
    Case(
        "cofinancing:contribution-preview",
        WRITE,
        method="post",
        kwargs=("slug",),
        data={"kind": "labour", "hours": "12", "year": "2026"},
    ),
    Case("cofinancing:contribution-detail", READ, kwargs=("slug", "code:contribution")),
    Case("cofinancing:contribution-update", WRITE, kwargs=("slug", "code:contribution")),
    Case("cofinancing:contribution-delete", WRITE, kwargs=("slug", "code:contribution")),
    Case(
        "cofinancing:contribution-delete",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:contribution"),
    ),
    Case("cofinancing:contribution-realise", WRITE, kwargs=("slug", "code:contribution")),
    Case(
        "cofinancing:contribution-realise",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:contribution"),
        data={"realised_on": "2026-03-02", "realised_quantity": "8"},
    ),
    Case("cofinancing:contribution-unrealise", WRITE, kwargs=("slug", "code:contribution")),
    Case(
        "cofinancing:contribution-unrealise",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:contribution"),
    ),
    Case(
        "cofinancing:contribution-reinstate",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:contribution"),
    ),
    Case("cofinancing:contribution-cancel", WRITE, kwargs=("slug", "code:contribution")),
    Case(
        "cofinancing:contribution-cancel",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:contribution"),
        data={"reason": "Het bedrijf trekt de toezegging in na de reorganisatie."},
    ),
    Case("cofinancing:settlement", READ, kwargs=("slug",)),
    Case("cofinancing:budget", READ, kwargs=("slug",)),
    Case("cofinancing:cost-line-create", WRITE, kwargs=("slug",)),
    Case(
        "cofinancing:cost-line-create",
        WRITE_POST,
        method="post",
        kwargs=("slug",),
        data={
            "year": "2026",
            "category": "material",
            "description": "Lasapparatuur",
            "unit_price": "1250,00",
            "quantity": "2",
        },
    ),
    Case("cofinancing:cost-line-update", WRITE, kwargs=("slug", "code:cost_line")),
    Case("cofinancing:cost-line-delete", WRITE, kwargs=("slug", "code:cost_line")),
    Case(
        "cofinancing:cost-line-delete", WRITE_POST, method="post", kwargs=("slug", "code:cost_line")
    ),
    Case("cofinancing:funding-line-create", WRITE, kwargs=("slug",)),
    Case("cofinancing:funding-line-update", WRITE, kwargs=("slug", "code:funding_line")),
    Case("cofinancing:funding-line-delete", WRITE, kwargs=("slug", "code:funding_line")),
    Case(
        "cofinancing:funding-line-delete",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:funding_line"),
    ),
    # Evidence files. The upload posts a real PDF (the "__pdf__" placeholder).
    Case("cofinancing:contribution-evidence-add", WRITE, kwargs=("slug", "code:contribution")),
    Case(
        "cofinancing:contribution-evidence-add",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:contribution"),
        data={"kind": "hours_statement", "file": "__pdf__"},
    ),
    Case("cofinancing:cost-line-evidence", READ, kwargs=("slug", "code:cost_line")),
    Case("cofinancing:cost-line-evidence-add", WRITE, kwargs=("slug", "code:cost_line")),
    Case(
        "cofinancing:cost-line-evidence-add",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:cost_line"),
        data={"kind": "invoice", "file": "__pdf__"},
    ),
    Case("cofinancing:evidence-download", READ, kwargs=("slug", "code:evidence")),
    Case("cofinancing:evidence-delete", WRITE, kwargs=("slug", "code:evidence")),
    Case(
        "cofinancing:evidence-delete", WRITE_POST, method="post", kwargs=("slug", "code:evidence")
    ),
    Case("cofinancing:evidence-missing", READ, kwargs=("slug",)),
    Case("cofinancing:evidence-missing-export", READ, kwargs=("slug",)),
    Case("cofinancing:import-upload", READ, kwargs=("slug",)),
    Case("cofinancing:import-upload", LEAD, method="post", kwargs=("slug",)),
    Case("cofinancing:import-confirm", {**LEAD, "leader": 302}, method="post", kwargs=("slug",)),
    Case("cofinancing:import-template", READ, kwargs=("slug",)),
    Case("cofinancing:export", READ, kwargs=("slug",)),
    # Reports (docs/rules.md §22). The context's statement has its files: asking to make it
    # again tells the leader so and makes nothing.
    Case("cofinancing:reports", READ, kwargs=("slug",)),
    Case("cofinancing:plan-download", READ, kwargs=("slug", "block")),
    Case("cofinancing:progress-download-pdf", READ, kwargs=("slug",)),
    Case("cofinancing:progress-download-html", READ, kwargs=("slug",)),
    Case(
        "cofinancing:statement-create",
        LEAD_POST,
        method="post",
        kwargs=("slug",),
        data={"year": "2026"},
    ),
    Case("cofinancing:statement-detail", READ, kwargs=("slug", "code:statement")),
    Case("cofinancing:statement-pdf", READ, kwargs=("slug", "code:statement")),
    Case("cofinancing:statement-ledger", READ, kwargs=("slug", "code:statement")),
    Case(
        "cofinancing:statement-render", LEAD_POST, method="post", kwargs=("slug", "code:statement")
    ),
    # Company statements (docs/rules.md §23). The context's statement is out for signing:
    # voiding it or correcting it takes a reason (and a deadline); sending for 2025 again
    # makes nothing new.
    Case(
        "cofinancing:company-statement-index",
        {**READ, "viewer": 302, "editor": 302, "leader": 302},
        kwargs=("slug",),
    ),
    Case("cofinancing:company-statements", READ, kwargs=("slug", "year:statement_year")),
    Case(
        "cofinancing:company-statements-send",
        LEAD_POST,
        method="post",
        kwargs=("slug", "year:statement_year"),
        data={"deadline": "__deadline__"},
    ),
    Case("cofinancing:company-statement-detail", READ, kwargs=("slug", "code:company_statement")),
    Case("cofinancing:company-statement-pdf", READ, kwargs=("slug", "code:company_statement")),
    Case(
        "cofinancing:company-statement-render",
        LEAD_POST,
        method="post",
        kwargs=("slug", "code:company_statement"),
    ),
    Case(
        "cofinancing:company-statement-void",
        LEAD_POST,
        method="post",
        kwargs=("slug", "code:company_statement"),
        data={"reason": ""},
    ),
    Case(
        "cofinancing:company-statement-correct",
        LEAD_POST,
        method="post",
        kwargs=("slug", "code:company_statement"),
        data={"reason": "", "deadline": "__deadline__"},
    ),
    # The accountant's bundle (docs/rules.md §24): every member sees the builds, only
    # leaders build and download (the ZIP gathers every evidence file). The context's build
    # is ready with a (tiny) file.
    Case("bundle:build-list", READ, kwargs=("slug",)),
    Case("bundle:build-create", LEAD_POST, method="post", kwargs=("slug",), data={"year": "2026"}),
    Case("bundle:build-detail", READ, kwargs=("slug", "code:build")),
    Case("bundle:build-download", LEAD, kwargs=("slug", "code:build")),
    # Agreements
    Case("agreements:agreement-list", READ, kwargs=("slug",)),
    Case("agreements:agreement-settings", LEAD, kwargs=("slug",)),
    # Confirmed: the context's round is open, and without `confirm` the leader is asked first.
    Case(
        "agreements:version-create",
        LEAD_POST,
        method="post",
        kwargs=("slug",),
        data={"confirm": "1"},
    ),
    Case(
        "agreements:warning-acknowledge",
        LEAD_POST,
        method="post",
        kwargs=("slug", "key:warning"),
    ),
    # Refused as the condition does not apply here (no budget): the leader is sent back.
    Case(
        "agreements:condition-exception",
        LEAD_POST,
        method="post",
        kwargs=("slug", "key:condition"),
        data={"reason": "Afgesproken met DUS-I in het vooroverleg van maart."},
    ),
    Case(
        "agreements:condition-exception-withdraw",
        LEAD_POST,
        method="post",
        kwargs=("slug", "key:condition"),
    ),
    Case("agreements:version-detail", READ, kwargs=("slug", "code:version")),
    Case("agreements:version-preview", READ, kwargs=("slug", "code:version")),
    Case("agreements:version-download", READ, kwargs=("slug", "code:version")),
    # The context's version has its PDF: the leader is told so, nothing is made again.
    Case("agreements:version-render", LEAD_POST, method="post", kwargs=("slug", "code:version")),
    Case("agreements:clause-list", READ, kwargs=("slug",)),
    Case("agreements:clause-edit", LEAD, kwargs=("slug", "key:clause")),
    Case("agreements:clause-restore", LEAD_POST, method="post", kwargs=("slug", "key:clause")),
    # Deeds of accession; the context's deed is not rendered and nothing is in force yet, so
    # those downloads answer 404 to every member.
    Case("agreements:renewal", LEAD, kwargs=("slug",)),
    Case("agreements:renewal", LEAD, method="post", kwargs=("slug",), data={"name": ""}),
    Case("agreements:accession-create", LEAD, kwargs=("slug",)),
    Case("agreements:accession-create", LEAD, method="post", kwargs=("slug",)),
    Case("agreements:accession-detail", READ, kwargs=("slug", "code:accession")),
    Case(
        "agreements:accession-download",
        {**READ, "viewer": 404, "editor": 404, "leader": 404},
        kwargs=("slug", "code:accession"),
    ),
    Case("agreements:accession-void", LEAD, kwargs=("slug", "code:accession")),
    Case(
        "agreements:accession-void",
        LEAD_POST,
        method="post",
        kwargs=("slug", "code:accession"),
        data={"reason": "Verkeerde partij."},
    ),
    Case(
        "agreements:accession-render", LEAD_POST, method="post", kwargs=("slug", "code:accession")
    ),
    Case(
        "agreements:in-force-download",
        {**READ, "viewer": 404, "editor": 404, "leader": 404},
        kwargs=("slug",),
    ),
    Case("agreements:clause-add", LEAD, kwargs=("slug",)),
    Case(
        "agreements:clause-add",
        LEAD_POST,
        method="post",
        kwargs=("slug",),
        data={"title": "Eigen artikel", "text": "Voor {partnership}."},
    ),
    Case(
        "agreements:clause-move",
        LEAD_POST,
        method="post",
        kwargs=("slug", "key:clause"),
        data={"direction": "up"},
    ),
    # The context's clause ("purpose") is optional: asked first, then removed.
    Case("agreements:clause-remove", LEAD, kwargs=("slug", "key:clause")),
    Case("agreements:clause-remove", LEAD_POST, method="post", kwargs=("slug", "key:clause")),
    Case("agreements:clause-reinstate", LEAD_POST, method="post", kwargs=("slug", "key:clause")),
    Case("agreements:clause-edit", LEAD, kwargs=("slug", "key:own_clause")),
    Case("agreements:clause-delete", LEAD, kwargs=("slug", "key:own_clause")),
    Case("agreements:clause-delete", LEAD_POST, method="post", kwargs=("slug", "key:own_clause")),
    # Signing rounds. The context's round is open and not sealed, and its request
    # has no scan: those downloads answer 404 to every member.
    Case("agreements:round-send", LEAD, kwargs=("slug", "code:signing_version")),
    Case(
        "agreements:round-send",
        LEAD_POST,
        method="post",
        kwargs=("slug", "code:signing_version"),
        data={"deadline": "__deadline__", "order": "parallel"},
    ),
    Case("signing:round-detail", READ, kwargs=("slug", "code:round")),
    Case(
        "signing:round-pdf",
        {**READ, "viewer": 404, "editor": 404, "leader": 404},
        kwargs=("slug", "code:round"),
    ),
    Case("signing:round-document", READ, kwargs=("slug", "code:round")),
    Case("signing:round-page-image", READ, kwargs=("slug", "code:round", "number:page")),
    Case("signing:round-extend", LEAD, kwargs=("slug", "code:round")),
    Case("signing:round-void", LEAD, kwargs=("slug", "code:round")),
    Case("signing:round-together", LEAD, kwargs=("slug", "code:round")),
    Case("signing:together-sign", LEAD, kwargs=("slug", "code:round", "request_code:sig")),
    Case("signing:request-remind", LEAD_POST, method="post", kwargs=("slug", "code:sig")),
    Case("signing:request-revoke", LEAD, kwargs=("slug", "code:sig")),
    Case("signing:request-reissue", LEAD, kwargs=("slug", "code:sig")),
    Case("signing:request-reissue", LEAD_POST, method="post", kwargs=("slug", "code:sig")),
    Case("signing:request-paper", LEAD, kwargs=("slug", "code:sig")),
    Case(
        "signing:request-scan",
        {**READ, "viewer": 404, "editor": 404, "leader": 404},
        kwargs=("slug", "code:sig"),
    ),
    # The network map and the approach pack (the context's organisation is in conversation).
    Case("outreach:map", READ, kwargs=("slug",)),
    Case("outreach:map-table", READ, kwargs=("slug",)),
    Case("outreach:map-arrange", LEAD_POST, method="post", kwargs=("slug",)),
    Case("outreach:pack", READ, kwargs=("slug", "code:organisation")),
    Case("outreach:pack-letter", READ, kwargs=("slug", "code:organisation")),
    Case("outreach:pack-flyer", READ, kwargs=("slug", "code:organisation")),
    Case("outreach:pack-texts", WRITE, kwargs=("slug", "code:organisation")),
    Case(
        "outreach:pack-texts",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:organisation"),
        data=PACK_DEFAULTS,
    ),
    Case(
        "outreach:step-tick",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:organisation"),
        data={"step": "first_visit"},
    ),
    Case(
        "outreach:step-untick",
        WRITE_POST,
        method="post",
        kwargs=("slug", "code:organisation"),
        data={"step": "first_visit"},
    ),
    # Partner updates: members read, leaders write
    Case("updates:update-list", READ, kwargs=("slug",)),
    Case("updates:update-create", LEAD, kwargs=("slug",)),
    Case(
        "updates:update-create",
        LEAD_POST,
        method="post",
        kwargs=("slug",),
        data={"period_start": "2026-01-01", "period_end": "2026-06-30"},
    ),
    Case("updates:update-detail", READ, kwargs=("slug", "code:update")),
    Case("updates:update-pdf", READ, kwargs=("slug", "code:update")),
    Case("updates:update-edit", LEAD, kwargs=("slug", "code:update")),
    Case(
        "updates:update-edit",
        LEAD_POST,
        method="post",
        kwargs=("slug", "code:update"),
        data={"title": "Update", "intro": "Beste partners,"},
    ),
    Case("updates:update-recompose", LEAD_POST, method="post", kwargs=("slug", "code:update")),
    Case("updates:update-delete", LEAD_POST, method="post", kwargs=("slug", "code:update")),
    Case("updates:update-send", LEAD, kwargs=("slug", "code:update")),
    Case("updates:update-send", LEAD_POST, method="post", kwargs=("slug", "code:update")),
    # Public pages: reachable without an account.
    Case("update-unsubscribe", everyone(200), kwargs=("token:unsubscribe_token",)),
    Case("update-unsubscribe", everyone(302), method="post", kwargs=("token:unsubscribe_token",)),
    Case(
        "update-unsubscribe",
        everyone(200),
        method="post",
        kwargs=("token:unsubscribe_token",),
        data={"List-Unsubscribe": "One-Click"},
    ),
    Case("sign:page", everyone(200), kwargs=("token:sign_token",)),
    Case("sign:document", everyone(200), kwargs=("token:sign_token",)),
    Case("sign:page-image", everyone(200), kwargs=("token:sign_token", "number:page")),
    Case("verify:page", everyone(200)),
    Case("healthz", everyone(200)),
    Case("accounts:login", {**everyone(302), "anonymous": 200}),
    Case("accounts:logout", everyone(302), method="post"),
    Case("accounts:password_reset", everyone(200)),
    Case("accounts:password_reset_done", everyone(200)),
    Case(
        "accounts:password_reset_confirm",
        everyone(302),
        kwargs=("uidb64", "token:password_token"),
    ),
    Case("accounts:password_reset_complete", everyone(200)),
    Case("accounts:password_change", {**everyone(200), "anonymous": 302}),
    Case("accounts:password_change_done", {**everyone(200), "anonymous": 302}),
    # The invitation is for an address without an account: anyone may open the form.
    Case("invitation-accept", everyone(200), kwargs=("token",)),
    Case("set_language", everyone(302), method="post", data={"language": "en", "next": "/"}),
]


@pytest.fixture
def context(partnership, leader, editor, viewer, outsider):
    with scopes_disabled():
        target = MembershipFactory(
            partnership=partnership, role=Role.EDITOR, user=UserFactory(email="doel@twente.nl")
        )
        invitation, link = services.invitation_create(
            partnership=partnership, email="gast@example.nl", role=Role.VIEWER, invited_by=leader
        )
        organisation = OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")
        contact = ContactFactory(organisation=organisation, name="Piet Plain")
        signed = SignatoryFactory(contact=ContactFactory(organisation=organisation)).contact
        network_member = NetworkMemberFactory(
            network=NetworkFactory(partnership=partnership), organisation=organisation
        )
        interaction = InteractionFactory(
            organisation=organisation,
            next_step="Offerte gastlessen sturen",
            next_step_due=datetime.date.today(),
            next_step_owner=leader,
        )
        viewers_step = InteractionFactory(
            organisation=organisation,
            next_step="Jaarverslag lezen",
            next_step_due=datetime.date.today(),
            next_step_owner=viewer,
        )
        goal = GoalFactory(partnership=partnership)
        activity = ActivityFactory(partnership=partnership, lead_organisation=organisation)
        activity.goals.add(goal)
        ParticipantFactory(activity=activity, organisation=organisation)
        result = ResultFactory(activity=activity, goal=goal, value=5)
        evaluation = EvaluationFactory(partnership=partnership)
        BudgetFactory(partnership=partnership)
        contribution = ContributionFactory(organisation=organisation, activity=activity)
        cost_line = CostLineFactory(partnership=partnership)
        funding_line = FundingLineFactory(partnership=partnership)
        statement = rendered_statement(partnership)
        company_statement = sent_statement(partnership, leader)
        build = ready_build(partnership, leader)
        evidence = evidence_add(
            partnership=partnership,
            user=leader,
            contribution=contribution,
            kind="hours_statement",
            file=SimpleUploadedFile("urenstaat.pdf", MINIMAL_PDF),
        )
        version = VersionFactory(partnership=partnership)
        accession = Accession.objects.create(
            partnership=partnership,
            agreement=version.agreement,
            version=version,
            organisation=organisation,
            number=1,
            snapshot={"joining": {"name": organisation.name}, "penvoerder": {}, "agreement": {}},
            snapshot_sha256="0" * 64,
        )
        own_clause = article_add(
            partnership=partnership, title="Eigen artikel", text="Tekst.", user=leader
        )
        subscriber = ContactFactory(organisation=organisation, receives_updates=True)
        update = update_create(
            partnership=partnership,
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 6, 30),
            user=leader,
        )
        sendable = signing_version(partnership, parties=1, real_pdf=True)
        round = send_round(sendable, leader)
        sig = round.requests.get()
        body = governance.body_create(partnership=partnership, kind="steering_group", name="SG")
        # Its own contact: the context's contact is deleted by a case above.
        seat = ContactFactory(organisation=organisation, name="Saskia Stuurgroep")
        owner = governance.member_add(body=body, contact=seat)
        leaving = governance.member_add(body=body, user=viewer)
        meeting = governance.meeting_create(
            body=body, date=datetime.date.today() - datetime.timedelta(days=1)
        )
        gov_action = governance.action_add(
            meeting=meeting, description="Bellen", owner=owner, due=datetime.date.today()
        )
        # Decisions on a meeting of their own: the context's meeting can be deleted.
        decision = governance.decision_add(
            meeting=governance.meeting_create(
                body=body, date=datetime.date.today() - datetime.timedelta(days=2)
            ),
            title="Plan",
            text="Het plan is vastgesteld.",
        )
        newcomer = ContactFactory(organisation=organisation, name="Nina Nieuwkomer")
    return {
        "body": body.code,
        "body_member": leaving.code,
        "meeting": meeting.code,
        "gov_action": gov_action.code,
        "decision": decision.code,
        "newcomer": f"contact:{newcomer.code}",
        "owner": str(owner.pk),
        "update": update.code,
        "unsubscribe_token": unsubscribe_token(subscriber),
        "signing_version": sendable.code,
        "round": round.code,
        "sig": sig.code,
        "sign_token": signing.token_for(sig),
        "page": 1,
        "version": version.code,
        "accession": accession.code,
        "clause": "purpose",
        "own_clause": own_clause.key,
        "warning": "warning:0000000000000000",
        "condition": "condition:vmbo",
        "contribution": contribution.code,
        "cost_line": cost_line.code,
        "funding_line": funding_line.code,
        "statement": statement.code,
        "company_statement": company_statement.code,
        "statement_year": "2025",
        "build": build.code,
        "block": "2025-2026",
        "evidence": evidence.code,
        "goal": goal.code,
        "activity": activity.code,
        "result": result.code,
        "evaluation": evaluation.code,
        "organisation": organisation.code,
        "contact": contact.code,
        "signed_contact": signed.code,
        "network": network_member.network.code,
        "network_member": network_member.pk,
        "interaction": interaction.code,
        "viewers_step": viewers_step.code,
        "users": {"viewer": viewer, "editor": editor, "leader": leader, "outsider": outsider},
        "slug": partnership.slug,
        "membership": target.code,
        "invitation": invitation.code,
        "mail": Message.objects.get(object_id=invitation.pk, kind="member_invitation").code,
        "token": link.rstrip("/").rsplit("/", 1)[1],
        "uidb64": urlsafe_base64_encode(force_bytes(target.user.pk)),
        "password_token": default_token_generator.make_token(target.user),
    }


def _url(case, context):
    kwargs = {}
    for spec in case.kwargs:
        name, _, key = spec.partition(":")
        kwargs[name] = context[key or name]
    return reverse(case.name, kwargs=kwargs)


def _placeholder(value, context):
    """A fresh value for a placeholder in a case's data: a deadline, an uploaded PDF, a value
    from the context ("__context:<key>__")."""
    if isinstance(value, str) and value.startswith("__context:"):
        return context[value.removeprefix("__context:").removesuffix("__")]
    if value == "__deadline__":
        return (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    if value == "__pdf__":
        # Unique bytes: the same file is attached to a line only once.
        unique = MINIMAL_PDF + f"% {uuid.uuid4().hex}\n".encode()
        return SimpleUploadedFile("bewijs.pdf", unique, content_type="application/pdf")
    return value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_permission_matrix(client, context, case, role):
    if role != "anonymous":
        client.force_login(context["users"][role])
    data = {key: _placeholder(value, context) for key, value in case.data.items()}
    response = getattr(client, case.method)(_url(case, context), data)
    assert response.status_code == case.expected[role], f"{case} as {role}: {response.status_code}"


def _pattern_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _pattern_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_pattern_is_in_the_matrix():
    covered = {case.name for case in MATRIX}
    missing = set(_pattern_names()) - covered
    assert not missing, f"add these URL names to MATRIX: {sorted(missing)}"


def test_viewer_post_changes_nothing(client, context, partnership):
    client.force_login(context["users"]["viewer"])
    url = reverse(
        "partners:membership-delete", kwargs={"slug": "twente", "code": context["membership"]}
    )
    assert client.post(url).status_code == 403
    with scopes_disabled():
        assert Membership.objects.filter(code=context["membership"]).exists()
        assert Invitation.objects.filter(partnership=partnership).count() == 1


def test_unknown_slug_is_404(leader_client):
    assert leader_client.get("/p/bestaat-niet/").status_code == 404
