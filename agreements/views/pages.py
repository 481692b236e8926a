"""The agreement page, its settings, and the versions: make, follow, preview, download."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements import changes, readiness, selectors, services, snapshot
from agreements import signing as agreement_signing
from agreements.accession import selectors as accession_selectors
from agreements.data import load_agreement_data
from agreements.forms import AgreementSettingsForm
from agreements.recovery import is_stuck
from partners.tenancy import partnership_view
from signing.models import RoundStatus
from signing.selectors import round_status
from signing.views.rounds import send_page
from sterk.canonical import snapshot_hash
from sterk.lists import paginate
from sterk.security import framed_by_own_pages

AREAS = ("parties", "amounts", "signatories", "texts")


@dataclass(frozen=True)
class ChangeGroup:
    area: str
    changes: list


def version_status(version, latest, signed_ids=frozenset()) -> str:
    """signed for a version with a completed round (everyone signed it, and the round was not
    voided), whether or not it is the latest; otherwise rendering, ready or failed for the
    latest version, and superseded for every older one."""
    if version.pk in signed_ids:
        return "signed"
    if latest is not None and version.pk != latest.pk:
        return "superseded"
    if version.render_error:
        return "failed"
    if version.pdf:
        return "ready"
    return "rendering"


def _out_of_date(data, latest):
    """None when the latest version still says what the data says; else the changes grouped
    by area. Only what the document says counts (changes.changes_since): state that later
    work changes, such as a party's pipeline stage after signing or a contribution being
    realised, never makes a version out of date."""
    if latest is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        current = snapshot.snapshot_from_data(data)
    if snapshot_hash(current) == latest.snapshot_sha256:
        return None
    by_area: dict[str, list] = {}
    for change in changes.changes_since(latest.snapshot, current):
        by_area.setdefault(change.area, []).append(change)
    if not by_area:
        return None
    order = {area: index for index, area in enumerate(AREAS)}
    return [
        ChangeGroup(area, items)
        for area, items in sorted(by_area.items(), key=lambda i: order.get(i[0], len(order)))
    ]


@partnership_view()
@require_GET
def agreement_list(request, tenant):
    partnership = tenant.partnership
    agreement = selectors.agreement_of(partnership)
    # Everything the readiness check and the snapshot read, loaded once for both.
    data = load_agreement_data(partnership=partnership)
    versions = selectors.versions_of(partnership)
    latest = versions.first()
    page, query = paginate(request, versions)
    # Signing, three queries: the completed rounds (the first is the agreement in force),
    # and the current round with its requests.
    completed = selectors.completed_rounds(partnership)
    signed_ids = selectors.signed_version_ids(completed)
    rows = [(version, version_status(version, latest, signed_ids)) for version in page]
    signing_round = selectors.current_round(partnership)
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "tenant": tenant,
            "agreement": agreement,
            "readiness": readiness.readiness_from_data(data),
            "page": page,
            "query": query,
            "rows": rows,
            "latest": latest,
            "changes": _out_of_date(data, latest),
            "in_force": completed[0] if completed else None,
            "force": accession_selectors.in_force(partnership, completed),
            "accessions": list(accession_selectors.accessions_of(partnership)),
            "signing": round_status(signing_round) if signing_round else None,
        },
    )


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def agreement_settings(request, tenant):
    agreement = services.agreement_for(tenant.partnership)
    form = AgreementSettingsForm(
        request.POST or None, instance=agreement, partnership=tenant.partnership
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The agreement settings were saved."))
        return redirect("agreements:agreement-list", slug=tenant.partnership.slug)
    return render(request, "agreements/agreement_settings.html", {"tenant": tenant, "form": form})


def _posted_number(request, name: str) -> int | None:
    """A version number posted by a form; None when missing or not a number of one."""
    try:
        number = int(request.POST[name])
    except (KeyError, ValueError):
        return None
    return number if number >= 0 else None


@partnership_view(need="lead")
@require_POST
def version_create(request, tenant):
    """Make a version. While a signing round is open, a POST without `confirm` makes nothing
    and asks first, saying what a new version does to that round. The forms post `latest`,
    the newest version they were shown with, so the same form sent twice makes one version."""
    partnership = tenant.partnership
    open_round = selectors.open_round_of(partnership)
    if open_round is not None and not request.POST.get("confirm"):
        return _confirm_version(request, tenant, open_round)
    try:
        version = services.version_create(
            partnership=partnership, user=request.user, after=_posted_number(request, "latest")
        )
    except ValidationError as error:
        latest = selectors.versions_of(partnership).first()
        if getattr(error, "code", None) == "made_meanwhile" and latest is not None:
            messages.info(request, " ".join(error.messages))
            return redirect("agreements:version-detail", slug=partnership.slug, code=latest.code)
        messages.error(request, " ".join(error.messages))
        return redirect("agreements:agreement-list", slug=partnership.slug)
    messages.success(
        request, _("Version %(number)s of the agreement was made.") % {"number": version.number}
    )
    return redirect("agreements:version-detail", slug=tenant.partnership.slug, code=version.code)


def _confirm_version(request, tenant, open_round):
    """The question before a version is made while `open_round` collects signatures."""
    latest = selectors.versions_of(tenant.partnership).first()
    status = round_status(open_round)
    round_number = int(open_round.document.details.get("version") or 0)
    return render(
        request,
        "agreements/version_confirm.html",
        {
            "tenant": tenant,
            "open_round": open_round,
            "round_number": round_number,
            "signed_count": status["signed_count"],
            "required_count": status["required_count"],
            "latest": latest,
            # A newer version than the round's made its links refuse already.
            "superseded": latest is not None and latest.number > round_number,
            "next_number": (latest.number if latest else 0) + 1,
        },
    )


@partnership_view()
@require_GET
def version_detail(request, tenant, code):
    versions = selectors.versions_of(tenant.partnership)
    version = get_object_or_404(versions, code=code)
    context = {"tenant": tenant, "version": version, "stuck": is_stuck(version)}
    if request.htmx:
        context["status"] = version_status(version, versions.first())
        return render(request, "agreements/partials/version_progress.html", context)
    # Signing: the rounds of this version, one query. A version has at most one completed
    # round (it cannot be sent again once signed) and at most one open one.
    rounds = selectors.rounds_of_version(version)
    completed = next((r for r in rounds if r.status == RoundStatus.COMPLETED), None)
    signed_ids = frozenset([version.pk]) if completed else frozenset()
    context.update(
        status=version_status(version, versions.first(), signed_ids),
        rounds=rounds,
        completed_round=completed,
        open_round=next((r for r in rounds if r.status == RoundStatus.OPEN), None),
    )
    return render(request, "agreements/version_detail.html", context)


@partnership_view(need="lead")
@require_POST
def version_render(request, tenant, code):
    """Make the PDF again when its rendering failed or got stuck: once, never a second PDF."""
    version = get_object_or_404(selectors.versions_of(tenant.partnership), code=code)
    try:
        asked = services.version_render_again(version=version)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        if asked:
            messages.success(request, _("The PDF is being made again."))
        else:
            messages.info(request, _("The PDF of this version is already there."))
    return redirect("agreements:version-detail", slug=tenant.partnership.slug, code=version.code)


def _pdf_response(tenant, code, *, as_attachment):
    version = get_object_or_404(selectors.versions_of(tenant.partnership), code=code)
    if not version.pdf:
        raise Http404
    try:
        handle = version.pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    filename = f"samenwerkingsovereenkomst-{tenant.partnership.slug}-v{version.number}.pdf"
    return FileResponse(
        handle, as_attachment=as_attachment, filename=filename, content_type="application/pdf"
    )


@xframe_options_sameorigin
@framed_by_own_pages
@partnership_view()
@require_GET
def version_preview(request, tenant, code):
    return _pdf_response(tenant, code, as_attachment=False)


@partnership_view()
@require_GET
def version_download(request, tenant, code):
    return _pdf_response(tenant, code, as_attachment=True)


@partnership_view(need="lead")
@require_POST
def warning_acknowledge(request, tenant, key):
    try:
        services.warning_acknowledge(partnership=tenant.partnership, key=key, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The warning is acknowledged; it no longer blocks a version."))
    return redirect("agreements:agreement-list", slug=tenant.partnership.slug)


@partnership_view(need="lead")
@require_POST
def condition_exception(request, tenant, key):
    """Record an exception to a condition of the regulation, with its reason (§11)."""
    try:
        services.condition_exception_record(
            partnership=tenant.partnership,
            key=key,
            reason=request.POST.get("reason", ""),
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The exception is recorded; the condition no longer blocks a version.")
        )
    return redirect("agreements:agreement-list", slug=tenant.partnership.slug)


@partnership_view(need="lead")
@require_POST
def condition_exception_withdraw(request, tenant, key):
    try:
        services.condition_exception_withdraw(partnership=tenant.partnership, key=key)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The exception is withdrawn."))
    return redirect("agreements:agreement-list", slug=tenant.partnership.slug)


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def version_send(request, tenant, code):
    """Send a version for signing: the signing service's send page, for this version."""
    version = get_object_or_404(selectors.versions_of(tenant.partnership), code=code)
    latest = agreement_signing.latest_version(version.agreement_id)
    document = agreement_signing.document_for(version) if version.pdf_sha256 else None
    context = {
        "version": version,
        "document": document,
        "is_latest": latest is not None and latest.pk == version.pk,
        "open_round": selectors.open_round_of(tenant.partnership),
        "cancel_url": reverse(
            "agreements:version-detail", kwargs={"slug": tenant.partnership.slug, "code": code}
        ),
    }

    def send(**arguments):
        return agreement_signing.version_send(version=version, **arguments)

    return send_page(
        request,
        tenant,
        document=document,
        template="agreements/version_send.html",
        template_context=context,
        send=send,
    )
