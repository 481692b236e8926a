"""The project leader's pages of a signing round: follow, remind, extend, revoke, reissue,
record paper, void, download the document and the sealed PDF. Sending is the kind's own page
(it knows its subject), built on `send_page` here.

Every object is looked up through the tenant's partnership, so another partnership's codes
are a 404. The writes are signing.services's; a ValidationError from it changes nothing and
is shown on the form or as a message.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from outbox.selectors import undelivered_about
from partners.tenancy import partnership_view
from signing import audit
from signing import services as signing
from signing.kinds import document_filename, find_kind
from signing.mail import final_filename
from signing.models import AuditEvent, SignatureRequest, SigningRound
from signing.notify import invitation_preview
from signing.round_forms import (
    ExtendForm,
    PaperForm,
    ReissueForm,
    RevokeForm,
    SendForm,
    VoidForm,
)
from signing.selectors import round_status
from signing.views.sign import page_response
from sterk.lists import paginate
from sterk.security import framed_by_own_pages

EVENTS_PER_PAGE = 25


def _round(tenant, code) -> SigningRound:
    return get_object_or_404(
        SigningRound.objects.select_related("document", "sent_by", "voided_by", "partnership"),
        partnership=tenant.partnership,
        code=code,
    )


def _request(tenant, code) -> SignatureRequest:
    return get_object_or_404(
        SignatureRequest.objects.select_related("round", "round__document", "round__partnership"),
        partnership=tenant.partnership,
        code=code,
    )


def _posted(request):
    """The form's data on a POST, even an empty one (so it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _to_round(tenant, signing_round: SigningRound):
    return redirect("signing:round-detail", slug=tenant.partnership.slug, code=signing_round.code)


def _form_page(request, tenant, template: str, form, **context):
    signing_round = context.get("round")
    kind = find_kind(signing_round.document) if signing_round else None
    context.setdefault("subject_url", kind.subject_url(signing_round.document) if kind else "")
    return render(
        request, f"signing/rounds/{template}", {"tenant": tenant, "form": form, **context}
    )


# --- Sending (the kind's page calls this) -------------------------------------------------


def send_page(request, tenant, *, document, template: str, template_context: dict, send):
    """The send form of a document: deadline, order, a personal message. `send(**arguments)`
    is the kind's sending service (it may refuse more than signing does); on success the
    leader lands on the new round.

    The page previews the invitation (templates/signing/rounds/_email_preview.html, which the
    kind's template includes). Its "update" button posts the form with `preview`: nothing is
    sent, the page comes back with what was typed, and to htmx only the preview."""
    kind = find_kind(document) if document else None
    if kind is not None and not tenant.may(kind.send_need):
        raise PermissionDenied
    signers = signing.signers_of(document) if document else []
    form = SendForm(_posted(request), signers=signers)
    previewing = request.method == "POST" and "preview" in request.POST
    if request.method == "POST" and not previewing and form.is_valid():
        try:
            signing_round = send(user=request.user, **form.send_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _report_sending(request, signing_round)
            return _to_round(tenant, signing_round)
    context = {
        "tenant": tenant,
        "form": form,
        "preview": _preview(request, document, form, signers),
        "preview_open": previewing,
        **template_context,
    }
    if previewing and request.htmx:
        return render(request, "signing/rounds/_email_preview.html", context)
    return render(request, template, context)


def _preview(request, document, form: SendForm, signers) -> dict | None:
    """The invitation as the first signer would receive it, with the deadline and message
    typed (or the defaults); None while there is no document to send."""
    if document is None or not signers:
        return None
    deadline, message = form.preview_values()
    subject, body = invitation_preview(
        document=document,
        signer=signers[0],
        deadline=deadline,
        message=message,
        sender=request.user,
    )
    return {"signer": signers[0], "subject": subject, "body": body}


def _report_sending(request, signing_round) -> None:
    """Sent, and whether every link reached its signatory (delivered after commit: with a
    task worker they may still be on their way; the round page follows them)."""
    title = signing_round.document.title
    ids = signing_round.requests.values_list("pk", flat=True)
    undelivered = len(undelivered_about(SignatureRequest, ids))
    if undelivered:
        messages.warning(
            request,
            ngettext(
                "%(title)s was sent for signing, but %(count)s link could not be e-mailed "
                "yet. Sterk tries again by itself; the signatories below show it.",
                "%(title)s was sent for signing, but %(count)s links could not be e-mailed "
                "yet. Sterk tries again by itself; the signatories below show it.",
                undelivered,
            )
            % {"title": title, "count": undelivered},
        )
    else:
        messages.success(request, _("%(title)s was sent for signing.") % {"title": title})


# --- Following a round --------------------------------------------------------------------


@partnership_view()
@require_GET
def round_detail(request, tenant, code):
    signing_round = _round(tenant, code)
    context = {"tenant": tenant, **round_status(signing_round)}
    kind = find_kind(signing_round.document)
    if request.htmx:
        context["compact"] = bool(request.GET.get("compact"))
        if context["attention"] and not context["compact"] and kind:
            # The news of a decline links the document's page (one query, only then).
            context["subject_url"] = kind.subject_url(signing_round.document)
        return render(request, "signing/round_status.html", context)
    events = (
        AuditEvent.objects.filter(partnership=tenant.partnership, round=signing_round)
        .select_related("request")
        .order_by("-seq")
    )
    page, query = paginate(request, events, EVENTS_PER_PAGE)
    context.update(
        page=page,
        query=query,
        events=[(event, audit.label(event.kind)) for event in page],
        kind=kind,
        subject_url=kind.subject_url(signing_round.document) if kind else "",
    )
    return render(request, "signing/rounds/round_detail.html", context)


@partnership_view()
@require_GET
def round_pdf(request, tenant, code):
    signing_round = _round(tenant, code)
    if not signing_round.final_pdf_sha256 or not signing_round.final_pdf:
        raise Http404
    try:
        handle = signing_round.final_pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=final_filename(signing_round),
        content_type="application/pdf",
    )


SCAN_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


@xframe_options_sameorigin
@framed_by_own_pages
@partnership_view()
@require_GET
def round_document(request, tenant, code):
    """The exact PDF that is signed in this round: inline, or as a download."""
    signing_round = _round(tenant, code)
    document = signing_round.document
    try:
        handle = document.pdf.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    return FileResponse(
        handle,
        as_attachment=request.GET.get("download") == "1",
        filename=document_filename(document),
        content_type="application/pdf",
    )


@partnership_view()
@require_GET
def round_page_image(request, tenant, code, number):
    """A page of the round's document as an image (signing together on the leader's device)."""
    return page_response(_round(tenant, code).document, number, request.GET.get("w"))


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
        _posted(request),
        request.FILES if request.method == "POST" else None,
        signing_round=item.round,
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
    signing_round = _round(tenant, code)
    form = ExtendForm(_posted(request), signing_round=signing_round)
    if request.method == "POST" and form.is_valid():
        try:
            signing.round_extend(
                signing_round, deadline=form.cleaned_data["deadline"], user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The deadline was extended."))
            return _to_round(tenant, signing_round)
    return _form_page(request, tenant, "round_extend.html", form, round=signing_round)


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def round_void(request, tenant, code):
    signing_round = _round(tenant, code)
    form = VoidForm(_posted(request), signing_round=signing_round)
    if request.method == "POST" and form.is_valid():
        try:
            signing.round_void(signing_round, reason=form.cleaned_data["reason"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The signing round is void."))
            return _to_round(tenant, signing_round)
    return _form_page(request, tenant, "round_void.html", form, round=signing_round)
