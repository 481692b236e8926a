"""Evidence files (docs/rules.md §21): upload to a contribution or a cost line, download,
delete, the evidence page of a cost line and the list of what is missing, with its export.

Uploads are bounded while they arrive (sterk.uploads): the size limit is put in place before
the body is read, so the upload views are `csrf_exempt` outside and `csrf_protect` inside,
which still enforces the token. Files are only ever served through `evidence_download`, to
members of the partnership, as attachments; never from MEDIA_URL.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from cofinancing.forms.evidence import EvidenceForm, MissingEvidenceFilter
from cofinancing.models import Contribution, CostLine, Evidence
from cofinancing.selectors import evidence as selectors
from cofinancing.selectors.contributions import partnership_organisations
from cofinancing.selectors.summary import partnership_budget
from cofinancing.services import evidence as services
from partners.tenancy import partnership_view
from partners.widgets import organisation_options_url
from sterk.uploads import UNREADABLE_BODY, limit_upload_size, upload_too_large
from sterk.xlsx import workbook_response

MISSING_PAGE_SIZE = 50


def _contribution(tenant, code) -> Contribution:
    return get_object_or_404(
        Contribution.objects.select_related("organisation", "activity"),
        partnership=tenant.partnership,
        code=code,
    )


def _cost_line(tenant, code) -> CostLine:
    return get_object_or_404(CostLine, partnership=tenant.partnership, code=code)


def _page_of(tenant, *, contribution=None, cost_line=None) -> str:
    """Where the evidence of a contribution or cost line is shown."""
    slug = tenant.partnership.slug
    if contribution is not None:
        url = reverse("cofinancing:contribution-detail", args=[slug, contribution.code])
    else:
        url = reverse("cofinancing:cost-line-evidence", args=[slug, cost_line.code])
    return f"{url}#evidence"


def _limited(view):
    """The upload view with its size limit in place before anything reads the body; a body
    that cannot be read sends the member back to the form with a message, never a 500."""

    @csrf_exempt  # the token is checked by `view`, once the upload handler is in place
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        limit_upload_size(request)
        try:
            return view(request, *args, **kwargs)
        except UNREADABLE_BODY:
            messages.error(request, _("The upload could not be read. Choose the file again."))
            return redirect(request.path)

    return wrapper


@_limited
@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
@csrf_protect
def contribution_evidence_add(request, tenant, code):
    return _evidence_add(request, tenant, contribution=_contribution(tenant, code))


@_limited
@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
@csrf_protect
def cost_line_evidence_add(request, tenant, code):
    return _evidence_add(request, tenant, cost_line=_cost_line(tenant, code))


def _add_service_error(form, error: ValidationError) -> None:
    """The service's refusal on the form, under its field (with its code) or above it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _evidence_add(request, tenant, *, contribution=None, cost_line=None):
    state = selectors.evidence_state(contribution=contribution, cost_line=cost_line)
    posted = request.method == "POST"
    form = EvidenceForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        too_large=upload_too_large(request),
        suggested_kind=state.first_missing,
    )
    if posted and form.is_valid():
        try:
            evidence = services.evidence_add(
                partnership=tenant.partnership,
                user=request.user,
                contribution=contribution,
                cost_line=cost_line,
                **form.cleaned_data,
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("“%(name)s” was added.") % {"name": evidence.name})
            return redirect(_page_of(tenant, contribution=contribution, cost_line=cost_line))
    context = {
        "tenant": tenant,
        "contribution": contribution,
        "cost_line": cost_line,
        "state": state,
        "form": form,
        "back": _page_of(tenant, contribution=contribution, cost_line=cost_line),
    }
    return render(
        request,
        "cofinancing/evidence/evidence_add.html",
        context,
        status=400 if form.errors else 200,
    )


@partnership_view()
@require_GET
def cost_line_evidence(request, tenant, code):
    cost_line = get_object_or_404(
        CostLine.objects.select_related("activity"), partnership=tenant.partnership, code=code
    )
    state = selectors.evidence_state(cost_line=cost_line)
    context = {
        "tenant": tenant,
        "cost_line": cost_line,
        "state": state,
        "form": EvidenceForm(suggested_kind=state.suggested_kind) if tenant.can_write else None,
    }
    return render(request, "cofinancing/evidence/cost_line_evidence.html", context)


def _evidence(tenant, code) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("contribution", "cost_line"),
        partnership=tenant.partnership,
        code=code,
    )


@partnership_view()
@require_GET
def evidence_download(request, tenant, code):
    evidence = _evidence(tenant, code)
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def evidence_delete(request, tenant, code):
    evidence = _evidence(tenant, code)
    back = _page_of(tenant, contribution=evidence.contribution, cost_line=evidence.cost_line)
    if request.method == "POST":
        services.evidence_delete(evidence=evidence)
        messages.success(request, _("“%(name)s” was deleted.") % {"name": evidence.name})
        return redirect(back)
    return render(
        request,
        "cofinancing/evidence/evidence_confirm_delete.html",
        {"tenant": tenant, "evidence": evidence, "back": back},
    )


def _missing(request, tenant):
    """The filter of the missing list and its rows."""
    partnership = tenant.partnership
    budget = partnership_budget(partnership=partnership)
    form = MissingEvidenceFilter(
        request.GET if ("year" in request.GET or "organisation" in request.GET) else None,
        years=budget.scheme.years if budget else [],
        organisations=partnership_organisations(partnership=partnership),
        options_url=organisation_options_url(partnership),
    )
    rows = selectors.missing_evidence(partnership=partnership, **form.values())
    return form, rows


class _Filter:
    """What includes/filter_form.html reads of a filter: its form."""

    def __init__(self, form):
        self.form = form


@partnership_view()
@require_GET
def evidence_missing(request, tenant):
    form, rows = _missing(request, tenant)
    page = Paginator(rows, MISSING_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "tenant": tenant,
        "filter": _Filter(form),
        "page": page,
        "rows": page.object_list,
        "query": query.urlencode(),
        "total": len(rows),
        # A year still to come has nothing realised: no evidence is due yet, not "complete".
        "year_to_come": (form.values().get("year") or 0) > timezone.localdate().year,
    }
    return render(request, "cofinancing/evidence/missing.html", context)


@partnership_view()
@require_GET
def evidence_missing_export(request, tenant):
    form, rows = _missing(request, tenant)
    if form.is_bound and not form.is_valid():
        messages.error(
            request,
            _(
                "The filter is not valid, so nothing was exported. Correct the filter and try again."
            ),
        )
        url = reverse("cofinancing:evidence-missing", args=[tenant.partnership.slug])
        return redirect(f"{url}?{request.GET.urlencode()}")
    stamp = timezone.localdate().isoformat()
    return workbook_response(
        f"ontbrekend-bewijs-{tenant.partnership.slug}-{stamp}.xlsx",
        _("Missing evidence"),
        selectors.missing_export_headers(),
        selectors.missing_export_rows(rows),
        money_columns=selectors.MISSING_MONEY_COLUMNS,
    )
