"""The project leader's pages of a signing round (issue 7): send, follow, remind, extend,
revoke, reissue, record paper, void, download the sealed PDF.

Every object is looked up through the tenant's partnership, so another partnership's codes
are a 404. The writes are agreements.signing's; a ValidationError from it changes nothing and
is shown on the form or as a message.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements import audit, signing
from agreements.models import (
    AgreementVersion,
    AuditEvent,
    RoundStatus,
    SignatureRequest,
    SigningRound,
)
from agreements.panels import round_status
from agreements.round_forms import (
    ExtendForm,
    PaperForm,
    ReissueForm,
    RevokeForm,
    SendForm,
    VoidForm,
)
from agreements.tasks import final_filename
from partners.tenancy import partnership_view
from sterk.lists import paginate

EVENTS_PER_PAGE = 25


def _round(tenant, code) -> SigningRound:
    return get_object_or_404(
        SigningRound.objects.select_related(
            "version", "agreement", "sent_by", "voided_by", "partnership"
        ),
        partnership=tenant.partnership,
        code=code,
    )


def _request(tenant, code) -> SignatureRequest:
    return get_object_or_404(
        SignatureRequest.objects.select_related(
            "round", "round__version", "round__agreement", "round__partnership"
        ),
        partnership=tenant.partnership,
        code=code,
    )


def _posted(request):
    """The form's data on a POST, even an empty one (so it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _to_round(tenant, round: SigningRound):
    return redirect("agreements:round-detail", slug=tenant.partnership.slug, code=round.code)


def _form_page(request, tenant, template: str, form, **context):
    return render(
        request, f"agreements/rounds/{template}", {"tenant": tenant, "form": form, **context}
    )


# --- Sending ------------------------------------------------------------------------------


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def round_send(request, tenant, code):
    version = get_object_or_404(
        AgreementVersion.objects.select_related("agreement"),
        partnership=tenant.partnership,
        code=code,
    )
    form = SendForm(_posted(request), signers=signing.signers_of(version))
    if request.method == "POST" and form.is_valid():
        try:
            round = signing.round_send(version=version, user=request.user, **form.send_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Version %(number)s was sent for signing.") % {"number": version.number},
            )
            return _to_round(tenant, round)
    latest = signing.latest_version(version.agreement_id)
    open_round = (
        SigningRound.objects.filter(agreement_id=version.agreement_id, status=RoundStatus.OPEN)
        .select_related("version")
        .first()
    )
    return _form_page(
        request,
        tenant,
        "round_send.html",
        form,
        version=version,
        is_latest=latest is not None and latest.pk == version.pk,
        open_round=open_round,
    )


# --- Following a round --------------------------------------------------------------------


@partnership_view()
@require_GET
def round_detail(request, tenant, code):
    round = _round(tenant, code)
    context = {"tenant": tenant, **round_status(round)}
    if request.htmx:
        context["compact"] = bool(request.GET.get("compact"))
        return render(request, "agreements/partials/round_status.html", context)
    events = (
        AuditEvent.objects.filter(partnership=tenant.partnership, round=round)
        .select_related("request")
        .order_by("-seq")
    )
    page, query = paginate(request, events, EVENTS_PER_PAGE)
    context.update(
        page=page,
        query=query,
        events=[(event, audit.label(event.kind)) for event in page],
    )
    return render(request, "agreements/rounds/round_detail.html", context)


@partnership_view()
@require_GET
def round_pdf(request, tenant, code):
    round = _round(tenant, code)
    if not round.final_pdf_sha256 or not round.final_pdf:
        raise Http404
    try:
        handle = round.final_pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=final_filename(round),
        content_type="application/pdf",
    )


SCAN_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


@partnership_view()
@require_GET
def request_scan(request, tenant, code):
    item = _request(tenant, code)
    if not item.scan:
        raise Http404
    try:
        handle = item.scan.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    extension = item.scan.name.rsplit(".", 1)[-1].lower()
    # Always a download with a fixed type: an upload is never rendered by the browser.
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"scan-{item.code}.{extension}",
        content_type=SCAN_TYPES.get(extension, "application/octet-stream"),
    )


# --- The leader's follow-up ---------------------------------------------------------------


@partnership_view(need="lead")
@require_POST
def request_remind(request, tenant, code):
    item = _request(tenant, code)
    try:
        signing.request_remind(item, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The link was sent to %(name)s again.") % {"name": item.name})
    return _to_round(tenant, item.round)


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def request_reissue(request, tenant, code):
    item = _request(tenant, code)
    form = ReissueForm(_posted(request), current_email=item.email)
    if request.method == "POST" and form.is_valid():
        try:
            signing.request_reissue(item, user=request.user, email=form.new_email())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s has a new link; the old one no longer works.") % {"name": item.name},
            )
            return _to_round(tenant, item.round)
    return _form_page(request, tenant, "request_reissue.html", form, item=item, round=item.round)


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def request_revoke(request, tenant, code):
    item = _request(tenant, code)
    form = RevokeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            signing.request_revoke(item, reason=form.cleaned_data["reason"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The link of %(name)s no longer works.") % {"name": item.name}
            )
            return _to_round(tenant, item.round)
    return _form_page(request, tenant, "request_revoke.html", form, item=item, round=item.round)


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def request_paper(request, tenant, code):
    item = _request(tenant, code)
    form = PaperForm(
        _posted(request), request.FILES if request.method == "POST" else None, round=item.round
    )
    if request.method == "POST" and form.is_valid():
        try:
            signing.request_paper(
                item,
                scan=form.cleaned_data["scan"],
                signed_by=form.cleaned_data["signed_by"],
                signed_on=form.signed_at(),
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The paper signature for %(organisation)s was recorded.")
                % {"organisation": item.organisation_name},
            )
            return _to_round(tenant, item.round)
    return _form_page(request, tenant, "request_paper.html", form, item=item, round=item.round)


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def round_extend(request, tenant, code):
    round = _round(tenant, code)
    form = ExtendForm(_posted(request), round=round)
    if request.method == "POST" and form.is_valid():
        try:
            signing.round_extend(round, deadline=form.cleaned_data["deadline"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The deadline was extended."))
            return _to_round(tenant, round)
    return _form_page(request, tenant, "round_extend.html", form, round=round)


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def round_void(request, tenant, code):
    round = _round(tenant, code)
    form = VoidForm(_posted(request), round=round)
    if request.method == "POST" and form.is_valid():
        try:
            signing.round_void(round, reason=form.cleaned_data["reason"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The signing round is void."))
            return _to_round(tenant, round)
    return _form_page(request, tenant, "round_void.html", form, round=round)
