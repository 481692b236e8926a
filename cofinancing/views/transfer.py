"""Excel in and out: the import (upload, preview, confirm), its template, and the export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cofinancing.exporter import export_filename, export_workbook
from cofinancing.importer import SHEETS, import_workbook, pending, template_workbook
from cofinancing.importer.forms import WorkbookUploadForm
from cofinancing.importer.spec import MAX_ROWS, PARTNERSHIP_FIELDS
from cofinancing.selectors.summary import partnership_budget
from partners.tenancy import partnership_view
from sterk.xlsx import XLSX_CONTENT_TYPE


def _upload_page(request, tenant, form, status=200):
    context = {
        "tenant": tenant,
        "form": form,
        "sheets": SHEETS,
        "partnership_fields": PARTNERSHIP_FIELDS,
        "max_rows": MAX_ROWS,
    }
    return render(request, "cofinancing/transfer/import_upload.html", context, status=status)


@partnership_view()
@require_http_methods(["GET", "POST"])
def import_upload(request, tenant):
    """Everyone reads what the workbook must hold; only a project leader uploads one."""
    if request.method == "POST" and not tenant.is_leader:
        raise PermissionDenied
    if request.method != "POST":
        return _upload_page(request, tenant, WorkbookUploadForm())
    form = WorkbookUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, tenant, form)
    upload = form.cleaned_data["workbook"]
    result = import_workbook(
        upload, partnership=tenant.partnership, user=request.user, dry_run=True
    )
    if result.ok:
        pending.store(request, upload, partnership=tenant.partnership)
    else:
        pending.discard(request, partnership=tenant.partnership)
    return render(
        request,
        "cofinancing/transfer/import_preview.html",
        {"tenant": tenant, "result": result, "filename": upload.name},
    )


@partnership_view(need="lead")
@require_POST
def import_confirm(request, tenant):
    taken = pending.take(request, partnership=tenant.partnership)
    if taken is None:
        messages.error(request, _("There is no workbook waiting to be imported. Upload it again."))
        return redirect("cofinancing:import-upload", slug=tenant.partnership.slug)
    name, filename = taken
    try:
        with pending.open_pending(name) as workbook:
            result = import_workbook(workbook, partnership=tenant.partnership, user=request.user)
    finally:
        pending.remove(name)
    if not result.ok:
        # The data changed since the preview (or the file did); show what is wrong now.
        return render(
            request,
            "cofinancing/transfer/import_preview.html",
            {"tenant": tenant, "result": result, "filename": filename},
        )
    created = sum(c.created for c in result.counts.values())
    changed = sum(c.changed for c in result.counts.values())
    messages.success(
        request,
        _("The workbook %(name)s was imported: %(created)s, %(changed)s.")
        % {
            "name": filename,
            "created": ngettext("%(count)d row created", "%(count)d rows created", created)
            % {"count": created},
            "changed": ngettext("%(count)d changed", "%(count)d changed", changed)
            % {"count": changed},
        },
    )
    return redirect("cofinancing:overview", slug=tenant.partnership.slug)


@partnership_view()
@require_GET
def import_template(request, tenant):
    response = HttpResponse(template_workbook(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="sterk-import.xlsx"'
    return response


@partnership_view()
@require_GET
def export(request, tenant):
    """The whole cofinancing as one workbook: readable budget, cofinancing per company and
    the six import sheets (cofinancing/exporter.py)."""
    partnership = tenant.partnership
    budget = partnership_budget(partnership=partnership)
    if budget is None:
        messages.info(
            request, _("There is nothing to export yet: the budget starts when a scheme is chosen.")
        )
        return redirect("cofinancing:overview", slug=partnership.slug)
    response = HttpResponse(
        export_workbook(partnership=partnership, budget=budget), content_type=XLSX_CONTENT_TYPE
    )
    filename = export_filename(partnership, timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
