from django.urls import path

from cofinancing.views import (
    budget,
    contributions,
    evidence,
    overview,
    realisation,
    reports,
    settlement,
    statements,
    transfer,
)

app_name = "cofinancing"

# Mounted under /p/<slug>/.
urlpatterns = [
    path("cofinancing/", overview.overview, name="overview"),
    path(
        "cofinancing/organisations/",
        overview.overview_organisations,
        name="overview-organisations",
    ),
    path("cofinancing/scheme/", overview.budget_scheme, name="budget-scheme"),
    # Contributions, valued by the rules
    path("cofinancing/contributions/", contributions.contribution_list, name="contribution-list"),
    path(
        "cofinancing/contributions/new/",
        contributions.contribution_create,
        name="contribution-create",
    ),
    path(
        "cofinancing/contributions/preview/",
        contributions.contribution_preview,
        name="contribution-preview",
    ),
    path(
        "cofinancing/contributions/<uuid:code>/",
        contributions.contribution_detail,
        name="contribution-detail",
    ),
    path(
        "cofinancing/contributions/<uuid:code>/edit/",
        contributions.contribution_update,
        name="contribution-update",
    ),
    path(
        "cofinancing/contributions/<uuid:code>/delete/",
        contributions.contribution_delete,
        name="contribution-delete",
    ),
    path(
        "cofinancing/contributions/<uuid:code>/evidence/add/",
        evidence.contribution_evidence_add,
        name="contribution-evidence-add",
    ),
    path(
        "cofinancing/contributions/<uuid:code>/realise/",
        realisation.contribution_realise,
        name="contribution-realise",
    ),
    path(
        "cofinancing/contributions/<uuid:code>/unrealise/",
        realisation.contribution_unrealise,
        name="contribution-unrealise",
    ),
    path(
        "cofinancing/contributions/<uuid:code>/reinstate/",
        realisation.contribution_reinstate,
        name="contribution-reinstate",
    ),
    path(
        "cofinancing/contributions/<uuid:code>/cancel/",
        realisation.contribution_cancel,
        name="contribution-cancel",
    ),
    # Settlement: realised against budget, and the forecast
    path("cofinancing/settlement/", settlement.settlement, name="settlement"),
    # The multi-year budget
    path("cofinancing/budget/", budget.budget, name="budget"),
    path("cofinancing/budget/costs/new/", budget.cost_line_create, name="cost-line-create"),
    path(
        "cofinancing/budget/costs/<uuid:code>/edit/",
        budget.cost_line_update,
        name="cost-line-update",
    ),
    path(
        "cofinancing/budget/costs/<uuid:code>/delete/",
        budget.cost_line_delete,
        name="cost-line-delete",
    ),
    path(
        "cofinancing/budget/costs/<uuid:code>/evidence/",
        evidence.cost_line_evidence,
        name="cost-line-evidence",
    ),
    path(
        "cofinancing/budget/costs/<uuid:code>/evidence/add/",
        evidence.cost_line_evidence_add,
        name="cost-line-evidence-add",
    ),
    path("cofinancing/budget/funding/new/", budget.funding_line_create, name="funding-line-create"),
    path(
        "cofinancing/budget/funding/<uuid:code>/edit/",
        budget.funding_line_update,
        name="funding-line-update",
    ),
    path(
        "cofinancing/budget/funding/<uuid:code>/delete/",
        budget.funding_line_delete,
        name="funding-line-delete",
    ),
    # Evidence files: served to members only, never from MEDIA_URL
    path("cofinancing/evidence/missing/", evidence.evidence_missing, name="evidence-missing"),
    path(
        "cofinancing/evidence/missing.xlsx",
        evidence.evidence_missing_export,
        name="evidence-missing-export",
    ),
    path(
        "cofinancing/evidence/<uuid:code>/download/",
        evidence.evidence_download,
        name="evidence-download",
    ),
    path(
        "cofinancing/evidence/<uuid:code>/delete/",
        evidence.evidence_delete,
        name="evidence-delete",
    ),
    # Excel in and out
    path("cofinancing/import/", transfer.import_upload, name="import-upload"),
    path("cofinancing/import/confirm/", transfer.import_confirm, name="import-confirm"),
    path("cofinancing/import/template/", transfer.import_template, name="import-template"),
    path("cofinancing/export/", transfer.export, name="export"),
]

# The reports a region hands in (docs/rules.md §22)
urlpatterns += [
    path("cofinancing/reports/", reports.reports, name="reports"),
    path("cofinancing/reports/plan/<str:block>.xlsx", reports.plan_download, name="plan-download"),
    path(
        "cofinancing/reports/progress.pdf",
        reports.progress_download_pdf,
        name="progress-download-pdf",
    ),
    path(
        "cofinancing/reports/progress.html",
        reports.progress_download_html,
        name="progress-download-html",
    ),
    path("cofinancing/reports/statements/new/", reports.statement_create, name="statement-create"),
    path(
        "cofinancing/reports/statements/<uuid:code>/",
        reports.statement_detail,
        name="statement-detail",
    ),
    path(
        "cofinancing/reports/statements/<uuid:code>/render/",
        reports.statement_render,
        name="statement-render",
    ),
    path(
        "cofinancing/reports/statements/<uuid:code>/statement.pdf",
        reports.statement_pdf,
        name="statement-pdf",
    ),
    path(
        "cofinancing/reports/statements/<uuid:code>/ledger.xlsx",
        reports.statement_ledger,
        name="statement-ledger",
    ),
]

# Company statements (docs/rules.md §23)
urlpatterns += [
    path(
        "cofinancing/company-statements/",
        statements.statement_index,
        name="company-statement-index",
    ),
    path(
        "cofinancing/company-statements/<str:year>/",
        statements.statement_board,
        name="company-statements",
    ),
    path(
        "cofinancing/company-statements/<str:year>/send/",
        statements.statement_send,
        name="company-statements-send",
    ),
    path(
        "cofinancing/company-statement/<uuid:code>/",
        statements.statement_detail,
        name="company-statement-detail",
    ),
    path(
        "cofinancing/company-statement/<uuid:code>/statement.pdf",
        statements.statement_pdf,
        name="company-statement-pdf",
    ),
    path(
        "cofinancing/company-statement/<uuid:code>/render/",
        statements.statement_render,
        name="company-statement-render",
    ),
    path(
        "cofinancing/company-statement/<uuid:code>/void/",
        statements.statement_void,
        name="company-statement-void",
    ),
    path(
        "cofinancing/company-statement/<uuid:code>/correct/",
        statements.statement_correct,
        name="company-statement-correct",
    ),
]
