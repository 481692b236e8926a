"""The accountant's bundle on the site (docs/rules.md §24): a leader builds it from the
settlement page and downloads it; every member sees the builds (who, when, the manifest's
SHA-256), only leaders the ZIP, since it gathers every evidence file of every organisation
and the signed statements in one download."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bundle import services
from bundle.models import BuildStatus
from bundle.selectors import build_status, builds_of
from partners.tenancy import partnership_view
from sterk.lists import paginate

PERIOD = "period"


def _settlement_url(slug: str, year) -> str:
    url = reverse("cofinancing:settlement", kwargs={"slug": slug})
    return f"{url}?year={year}" if year else url


@partnership_view()
@require_GET
def build_list(request, tenant):
    page, query = paginate(request, builds_of(tenant.partnership))
    return render(
        request,
        "bundle/build_list.html",
        {
            "tenant": tenant,
            "page": page,
            "query": query,
            "rows": [(build, build_status(build)) for build in page],
        },
    )


@partnership_view(need="lead")
@require_POST
def build_create(request, tenant):
    partnership = tenant.partnership
    posted = request.POST.get("year", "")
    if not (posted == PERIOD or (posted.isdigit() and len(posted) == 4)):
        messages.error(request, _("Choose a year of the scheme, or the whole period."))
        return redirect(_settlement_url(partnership.slug, None))
    year = None if posted == PERIOD else int(posted)
    try:
        build = services.build_start(partnership=partnership, year=year, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_settlement_url(partnership.slug, year))
    if build.status == BuildStatus.READY:
        messages.success(request, _("The accountant's bundle is ready."))
    return redirect("bundle:build-detail", slug=partnership.slug, code=build.code)


@partnership_view()
@require_GET
def build_detail(request, tenant, code):
    build = get_object_or_404(builds_of(tenant.partnership), code=code)
    context = {"tenant": tenant, "build": build, "status": build_status(build)}
    if request.htmx:
        return render(request, "bundle/partials/build_progress.html", context)
    return render(request, "bundle/build_detail.html", context)


def download_name(build, slug: str) -> str:
    return f"accountantsdossier-{slug}-{build.year or 'periode'}-{build.built_at:%Y-%m-%d}.zip"


@partnership_view(need="lead")
@require_GET
def build_download(request, tenant, code):
    """The kept ZIP, streamed from disk (FileResponse reads it in blocks)."""
    build = get_object_or_404(builds_of(tenant.partnership), code=code)
    if build.status != BuildStatus.READY or not build.file:
        raise Http404
    try:
        handle = build.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(build, tenant.partnership.slug),
        content_type="application/zip",
    )
