"""The reports a region hands in (docs/rules.md §22): the reports page, the activity plan and
budget per two-year block, the progress report draft, and the annual statements (asked
for by a leader, rendered in the background, kept, downloaded by members)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cofinancing.models import AnnualStatement
from cofinancing.reports import services
from cofinancing.reports.blocks import find_block, scheme_blocks
from cofinancing.reports.plan import plan_filename, plan_workbook
from cofinancing.reports.progress import (
    progress_context,
    progress_filename,
    progress_html,
    progress_pdf,
)
from cofinancing.reports.recovery import is_stuck
from cofinancing.selectors.summary import partnership_budget
from partners.tenancy import partnership_view
from sterk.lists import paginate
from sterk.xlsx import XLSX_CONTENT_TYPE

PERIOD = "period"


def statement_status(statement: AnnualStatement) -> str:
    if statement.pdf_sha256:
        return "ready"
    if statement.render_error:
        return "failed"
    return "stuck" if is_stuck(statement) else "rendering"


def _statements(partnership):
    return AnnualStatement.objects.filter(partnership=partnership).select_related("created_by")


@partnership_view()
@require_GET
def reports(request, tenant):
    partnership = tenant.partnership
    budget = partnership_budget(partnership=partnership)
    page, query = paginate(request, _statements(partnership))
    return render(
        request,
        "cofinancing/reports/reports.html",
        {
            "tenant": tenant,
            "budget": budget,
            "blocks": scheme_blocks(budget.scheme) if budget else [],
            "years": budget.scheme.years if budget else [],
            "page": page,
            "query": query,
            "rows": [(statement, statement_status(statement)) for statement in page],
        },
    )


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@partnership_view()
@require_GET
def plan_download(request, tenant, block):
    budget = partnership_budget(partnership=tenant.partnership)
    found = find_block(budget.scheme, block) if budget else None
    if found is None:
        raise Http404
    data = plan_workbook(partnership=tenant.partnership, budget=budget, block=found)
    return _attachment(data, XLSX_CONTENT_TYPE, plan_filename(tenant.partnership, found))


def _progress(tenant, extension: str) -> HttpResponse:
    partnership = tenant.partnership
    today = timezone.localdate()
    context = progress_context(
        partnership=partnership, budget=partnership_budget(partnership=partnership), today=today
    )
    if extension == "pdf":
        content, content_type = progress_pdf(context), "application/pdf"
    else:
        content, content_type = progress_html(context).encode(), "text/html; charset=utf-8"
    return _attachment(content, content_type, progress_filename(partnership, today, extension))


@partnership_view()
@require_GET
def progress_download_pdf(request, tenant):
    return _progress(tenant, "pdf")


@partnership_view()
@require_GET
def progress_download_html(request, tenant):
    """HTML a word processor opens, as a download: never shown as a page of the app."""
    return _progress(tenant, "html")


@partnership_view(need="lead")
@require_POST
def statement_create(request, tenant):
    partnership = tenant.partnership
    budget = partnership_budget(partnership=partnership)
    posted = request.POST.get("year", "")
    if budget is None or not (posted == PERIOD or posted.isdigit()):
        messages.error(request, _("Choose a year of the scheme, or the whole period."))
        return redirect("cofinancing:reports", slug=partnership.slug)
    year = None if posted == PERIOD else int(posted)
    try:
        statement = services.statement_create(
            partnership=partnership, budget=budget, year=year, user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cofinancing:reports", slug=partnership.slug)
    messages.success(request, _("The annual statement is being made."))
    return redirect("cofinancing:statement-detail", slug=partnership.slug, code=statement.code)


@partnership_view()
@require_GET
def statement_detail(request, tenant, code):
    statement = get_object_or_404(_statements(tenant.partnership), code=code)
    context = {"tenant": tenant, "statement": statement, "status": statement_status(statement)}
    if request.htmx:
        return render(request, "cofinancing/reports/partials/statement_progress.html", context)
    return render(request, "cofinancing/reports/statement_detail.html", context)


@partnership_view(need="lead")
@require_POST
def statement_render(request, tenant, code):
    """Make the files again when their rendering failed or got stuck: once, never twice."""
    statement = get_object_or_404(_statements(tenant.partnership), code=code)
    try:
        asked = services.statement_render_again(statement=statement)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        if asked:
            messages.success(request, _("The annual statement is being made again."))
        else:
            messages.info(request, _("This annual statement is already there."))
    return redirect("cofinancing:statement-detail", slug=tenant.partnership.slug, code=code)


def statement_filename(statement: AnnualStatement, slug: str, extension: str) -> str:
    name = "grootboek" if extension == "xlsx" else "jaarverantwoording"
    made = timezone.localtime(statement.created_at).date().isoformat()
    return f"{name}-{slug}-{statement.year or 'periode'}-{made}.{extension}"


def _statement_file(tenant, code, part: str):
    statement = get_object_or_404(_statements(tenant.partnership), code=code)
    field = statement.pdf if part == "pdf" else statement.ledger
    if not statement.pdf_sha256 or not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    extension = "pdf" if part == "pdf" else "xlsx"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=statement_filename(statement, tenant.partnership.slug, extension),
        content_type="application/pdf" if part == "pdf" else XLSX_CONTENT_TYPE,
    )


@partnership_view()
@require_GET
def statement_pdf(request, tenant, code):
    return _statement_file(tenant, code, "pdf")


@partnership_view()
@require_GET
def statement_ledger(request, tenant, code):
    return _statement_file(tenant, code, "ledger")
