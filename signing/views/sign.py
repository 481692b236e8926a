"""The signatory's page (public, from the e-mailed link) and signing together on one device
(the project leader's, in person) — one flow, two entrances (docs/rules.md §13).

The flow (`_flow`) is the same for both: read the PDF, ask for a code by e-mail, enter it,
confirm the statement, type the name, maybe draw, sign; or decline, or name the right person.
Only the entrance differs (`Entrance`): where forms post to, where the PDF comes from, and
whether the signature is made in person with a project leader (recorded as evidence).

Every rule is in signing.services; these views only dispatch, keep what was typed when a
rule refuses it, and answer every odd request (a forged, replayed, huge or malformed post)
with a clear page and a 4xx status, never a 500 and never a change.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods
from django_scopes import scope

from signing import services as signing
from signing.kinds import document_filename, find_kind
from signing.models import RequestStatus, RoundStatus, SignatureRequest
from signing.pages import nearest_width, page_image, page_list
from signing.sign_forms import CodeForm, DeclineForm, RedirectForm, SignForm
from sterk.security import framed_by_own_pages

PRIVATE_HEADERS = {
    # A link's page holds a personal token and a half-finished signature: never cached,
    # never passed on to another site as a referrer, never indexed. Not "no-referrer": with
    # it browsers send "Origin: null" with the page's own forms, and Django's CSRF check
    # (rightly) refuses every post; "same-origin" keeps the token from every other site.
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Robots-Tag": "noindex",
}
# Refusals that end the link for good (410 Gone); "signed" and "not_your_turn" are 200.
GONE = {"expired", "revoked", "voided", "superseded", "declined", "redirected"}
SESSION_KEY = "sign-verified:{code}"


def _private(view):
    """The headers above on every response of a view, also on a body too big to read."""

    @wraps(view)
    def wrapper(http_request, *args, **kwargs):
        try:
            response = view(http_request, *args, **kwargs)
        except (RequestDataTooBig, TooManyFieldsSent):
            response = _problem(http_request, status=400)
        for header, value in PRIVATE_HEADERS.items():
            response[header] = value
        return response

    return wrapper


def _problem(http_request, *, status: int) -> HttpResponse:
    """A link that does not work (404) or a post that cannot be read (400), saying nothing
    about any agreement."""
    template = "signing/sign/not_found.html" if status == 404 else "signing/sign/bad.html"
    return render(http_request, template, status=status)


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def mask_email(address: str) -> str:
    """j***@bedrijf.nl: enough to recognise one's own address, not to harvest it."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


@dataclass(frozen=True)
class Entrance:
    """Where the flow was entered: the e-mailed link, or together on a leader's device."""

    post_url: str
    document_url: str
    download_url: str
    pages_url: str = ""
    in_person_with: str = ""
    back_url: str = ""
    done_url: str = ""
    complete_url: str = ""


# --- The flow, shared by both entrances -------------------------------------------------


def _verified(http_request, sig: SignatureRequest) -> bool:
    """Identified on this device (session) and recently enough by the records (the service
    checks VERIFIED_TTL again when signing)."""
    if not http_request.session.get(SESSION_KEY.format(code=sig.code)):
        return False
    verified_at = sig.code_verified_at
    return verified_at is not None and timezone.now() - verified_at <= signing.VERIFIED_TTL


def _flow(http_request, sig: SignatureRequest, entrance: Entrance) -> HttpResponse:
    reason = signing.refusal(sig)
    if reason:
        return _refused(http_request, sig, reason, entrance)
    if http_request.method != "POST":
        if not entrance.in_person_with:
            signing.request_open(sig, client=signing.Client.of(http_request))
        return _page(http_request, sig, entrance)
    handler = ACTIONS.get(http_request.POST.get("action", ""))
    if handler is None:
        return _page(
            http_request,
            sig,
            entrance,
            status=400,
            step_error=_("That did not work. Reload the page and try again."),
        )
    return handler(http_request, sig, entrance)


def _refused(http_request, sig: SignatureRequest, reason: str, entrance: Entrance):
    context = {
        "sig": sig,
        "reason": reason,
        "message": signing.refusal_message(reason),
        "entrance": entrance,
        "partnership": sig.partnership,
        "document": sig.round.document,
        "co_signers": signing.co_signers(sig),
    }
    if reason == "signed" and context["co_signers"]:
        # Joint authority said out loud: who of the same organisation still has to sign.
        context["still_to_sign"] = list(
            SignatureRequest.objects.filter(round_id=sig.round_id, party_key=sig.party_key)
            .exclude(pk=sig.pk)
            .exclude(status=RequestStatus.SIGNED)
            .order_by("step", "name", "pk")
        )
    return render(
        http_request,
        "signing/sign/refused.html",
        context,
        status=410 if reason in GONE else 200,
    )


def _commitments(sig: SignatureRequest) -> list[dict]:
    """What the signer's organisation commits to, as the kind froze it with the document,
    each part linked to the page where its article starts."""
    document = sig.round.document
    anchors = (document.pages or {}).get("anchors") or {}
    sections = ((document.details or {}).get("commitments") or {}).get(sig.party_key) or []
    return [{**section, "page": anchors.get(section.get("key"))} for section in sections]


def _page(
    http_request,
    sig: SignatureRequest,
    entrance: Entrance,
    *,
    status: int = 200,
    step_error: str = "",
    code_form: CodeForm | None = None,
    sign_form: SignForm | None = None,
    decline_form: DeclineForm | None = None,
    redirect_form: RedirectForm | None = None,
) -> HttpResponse:
    document = sig.round.document
    verified = _verified(http_request, sig)
    if not verified:
        http_request.session.pop(SESSION_KEY.format(code=sig.code), None)
    if sign_form is None:
        sign_form = SignForm(initial={"pdf_sha256": document.pdf_sha256})
    else:
        # The signatory is shown this version's PDF now, whatever the refused post said; a
        # drawing that could not be read is dropped so it is not sent again.
        sign_form.data = sign_form.data.copy()
        sign_form.data["pdf_sha256"] = document.pdf_sha256
        if "signature_image" in sign_form.errors:
            sign_form.data["signature_image"] = ""
    context = {
        "sig": sig,
        "partnership": sig.partnership,
        "document": document,
        "entrance": entrance,
        "pages": page_list(document),
        "commitments": _commitments(sig),
        "statement": signing.statement_for(sig),
        "verified": verified,
        "code_pending": bool(sig.code_hash),
        "masked_email": mask_email(sig.email),
        "step_error": step_error,
        "code_form": code_form or CodeForm(),
        "sign_form": sign_form,
        "decline_form": decline_form or DeclineForm(kind_fields=_decline_fields(sig)),
        "redirect_form": redirect_form or RedirectForm(),
    }
    return render(http_request, "signing/sign/page.html", context, status=status)


def _refused_by_service(http_request, sig, error: ValidationError, entrance):
    """A refusal the service found (the state changed since the page was shown): show the
    refusal page, as a fresh GET would; None for any other error."""
    if getattr(error, "code", None) not in signing.REFUSALS:
        return None
    # Asked of the records again: the state may have changed since the page was shown.
    sig.refresh_from_db()
    sig.round.refresh_from_db()
    reason = signing.refusal(sig)
    return _refused(http_request, sig, reason, entrance) if reason else None


def _send_code(http_request, sig, entrance):
    try:
        signing.code_send(
            sig, client=signing.Client.of(http_request), in_person_with=entrance.in_person_with
        )
    except ValidationError as error:
        refused = _refused_by_service(http_request, sig, error, entrance)
        if refused:
            return refused
        return _page(http_request, sig, entrance, step_error=" ".join(error.messages))
    messages.success(
        http_request,
        _("We sent a code to %(email)s. It works for 10 minutes.")
        % {"email": mask_email(sig.email)},
    )
    return _see_other(entrance.post_url)


def _verify(http_request, sig, entrance):
    form = CodeForm(http_request.POST)
    if form.is_valid():
        try:
            signing.code_verify(
                sig,
                form.cleaned_data["code"],
                client=signing.Client.of(http_request),
                in_person_with=entrance.in_person_with,
            )
        except ValidationError as error:
            refused = _refused_by_service(http_request, sig, error, entrance)
            if refused:
                return refused
            form.add_service_error(error)
            sig.refresh_from_db(fields=["code_hash", "code_attempts", "code_verified_at"])
        else:
            http_request.session[SESSION_KEY.format(code=sig.code)] = True
            messages.success(http_request, _("Your e-mail address is confirmed."))
            return _see_other(entrance.post_url)
    return _page(http_request, sig, entrance, code_form=form)


def _sign(http_request, sig, entrance):
    if not _verified(http_request, sig):
        return _page(
            http_request,
            sig,
            entrance,
            step_error=_("Confirm your e-mail address with a code first."),
        )
    form = SignForm(http_request.POST)
    if form.is_valid():
        try:
            signed = signing.request_sign(
                sig,
                typed_name=form.cleaned_data["typed_name"],
                statement_confirmed=form.cleaned_data["confirm"],
                shown_pdf_sha256=form.cleaned_data["pdf_sha256"],
                signature_image=form.cleaned_data["signature_image"],
                client=signing.Client.of(http_request),
                in_person_with=entrance.in_person_with,
            )
        except ValidationError as error:
            refused = _refused_by_service(http_request, sig, error, entrance)
            if refused:
                return refused
            form.add_service_error(error)
        else:
            # The next person on this device identifies themselves again.
            http_request.session.pop(SESSION_KEY.format(code=sig.code), None)
            messages.success(http_request, _("Thank you: you signed the document."))
            if signed.round.status != RoundStatus.OPEN and entrance.complete_url:
                return _see_other(entrance.complete_url)
            return _see_other(entrance.done_url or entrance.post_url)
    return _page(http_request, sig, entrance, sign_form=form)


def _decline_fields(sig: SignatureRequest) -> tuple:
    kind = find_kind(sig.round.document)
    return kind.decline_fields if kind else ()


def _unverified(http_request, sig, entrance):
    """From a link, declining or naming someone else needs the code first: a forwarded link
    cannot end a request. Signing together on a leader's device is its own identification."""
    if entrance.in_person_with or _verified(http_request, sig):
        return None
    return _page(
        http_request,
        sig,
        entrance,
        step_error=_("Confirm your e-mail address with a code first."),
    )


def _end_without_signing(http_request, sig, entrance, *, form, form_name, service, done):
    """Decline or name the right person: the code first (from a link), then the form, then
    the service; a refusal keeps what was typed, success tells the signer `done`."""
    if refused := _unverified(http_request, sig, entrance):
        return refused
    if form.is_valid():
        try:
            service(form, client=signing.Client.of(http_request))
        except ValidationError as error:
            refused = _refused_by_service(http_request, sig, error, entrance)
            if refused:
                return refused
            form.add_service_error(error)
        else:
            messages.success(http_request, done)
            return _see_other(entrance.back_url or entrance.post_url)
    return _page(http_request, sig, entrance, **{form_name: form})


def _decline(http_request, sig, entrance):
    def decline(form, client):
        signing.request_decline(
            sig,
            reason=form.cleaned_data["reason"],
            details=form.details(),
            client=client,
            in_person_with=entrance.in_person_with,
        )

    return _end_without_signing(
        http_request,
        sig,
        entrance,
        form=DeclineForm(http_request.POST, kind_fields=_decline_fields(sig)),
        form_name="decline_form",
        service=decline,
        done=_("You declined to sign. The project leader has been told."),
    )


def _redirect(http_request, sig, entrance):
    def redirect(form, client):
        signing.request_redirect(
            sig,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            note=form.cleaned_data["note"],
            client=client,
            in_person_with=entrance.in_person_with,
        )

    return _end_without_signing(
        http_request,
        sig,
        entrance,
        form=RedirectForm(http_request.POST),
        form_name="redirect_form",
        service=redirect,
        done=_("Thank you. The project leader has been told who can sign."),
    )


ACTIONS = {
    "code": _send_code,
    "verify": _verify,
    "sign": _sign,
    "decline": _decline,
    "redirect": _redirect,
}


# --- The e-mailed link ------------------------------------------------------------------


@_private
@require_http_methods(["GET", "POST"])
def sign_page(request, token):
    sig = signing.request_for_token(token)
    if sig is None:
        return _problem(request, status=404)
    document = reverse("sign:document", kwargs={"token": token})
    entrance = Entrance(
        post_url=reverse("sign:page", kwargs={"token": token}),
        document_url=document,
        download_url=f"{document}?download=1",
        pages_url=reverse("sign:page", kwargs={"token": token}) + "pages/",
    )
    with scope(partnership=sig.partnership):
        return _flow(request, sig, entrance)


@_private
@xframe_options_sameorigin
@framed_by_own_pages
@require_GET
def sign_document(request, token):
    """The exact PDF of the document, for as long as the link could show it."""
    sig = signing.request_for_token(token)
    if (
        sig is None
        or sig.round.status == RoundStatus.VOIDED
        or sig.status == RequestStatus.REVOKED
        or not sig.round.document.pdf
    ):
        return _problem(request, status=404)
    document = sig.round.document
    try:
        handle = document.pdf.open("rb")
    except FileNotFoundError:
        return _problem(request, status=404)
    return FileResponse(
        handle,
        as_attachment=request.GET.get("download") == "1",
        filename=document_filename(document),
        content_type="application/pdf",
    )


def page_response(document, number: int, width_asked) -> HttpResponse:
    """One page of the document as a PNG (signing.pages), or a 404 for a page it has not."""
    name = page_image(document, number, nearest_width(width_asked))
    if name is None:
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/png")
    # The page never changes (its name holds the PDF's SHA-256): the browser may keep it.
    response["Cache-Control"] = "private, max-age=86400, immutable"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def sign_page_image(request, token, number):
    """A page of the document, for as long as the link could show the document."""
    sig = signing.request_for_token(token)
    if (
        sig is None
        or sig.round.status == RoundStatus.VOIDED
        or sig.status == RequestStatus.REVOKED
        or not sig.round.document.pdf
    ):
        raise Http404
    return page_response(sig.round.document, number, request.GET.get("w"))
