"""The signatory's page (public, from the e-mailed link) and signing together on one device
(the project leader's, in person) — one flow, two entrances (docs/rules.md §8).

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
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods
from django_scopes import scope

from partners.tenancy import partnership_view
from signing import services as signing
from signing.kinds import document_filename, find_kind
from signing.models import RequestStatus, RoundStatus, SignatureRequest, SigningRound
from signing.sign_forms import CodeForm, DeclineForm, RedirectForm, SignForm

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
    return render(
        http_request,
        "signing/sign/refused.html",
        {
            "sig": sig,
            "reason": reason,
            "message": signing.refusal_message(reason),
            "entrance": entrance,
            "partnership": sig.partnership,
            "document": sig.round.document,
        },
        status=410 if reason in GONE else 200,
    )


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


def _decline(http_request, sig, entrance):
    if refused := _unverified(http_request, sig, entrance):
        return refused
    form = DeclineForm(http_request.POST, kind_fields=_decline_fields(sig))
    if form.is_valid():
        try:
            signing.request_decline(
                sig,
                reason=form.cleaned_data["reason"],
                details=form.details(),
                client=signing.Client.of(http_request),
                in_person_with=entrance.in_person_with,
            )
        except ValidationError as error:
            refused = _refused_by_service(http_request, sig, error, entrance)
            if refused:
                return refused
            form.add_service_error(error)
        else:
            messages.success(
                http_request, _("You declined to sign. The project leader has been told.")
            )
            return _see_other(entrance.back_url or entrance.post_url)
    return _page(http_request, sig, entrance, decline_form=form)


def _redirect(http_request, sig, entrance):
    if refused := _unverified(http_request, sig, entrance):
        return refused
    form = RedirectForm(http_request.POST)
    if form.is_valid():
        try:
            signing.request_redirect(
                sig,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                note=form.cleaned_data["note"],
                client=signing.Client.of(http_request),
                in_person_with=entrance.in_person_with,
            )
        except ValidationError as error:
            refused = _refused_by_service(http_request, sig, error, entrance)
            if refused:
                return refused
            form.add_service_error(error)
        else:
            messages.success(
                http_request, _("Thank you. The project leader has been told who can sign.")
            )
            return _see_other(entrance.back_url or entrance.post_url)
    return _page(http_request, sig, entrance, redirect_form=form)


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
    )
    with scope(partnership=sig.partnership):
        return _flow(request, sig, entrance)


@_private
@xframe_options_sameorigin
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


# --- Signing together, on the project leader's device -----------------------------------


def _open_round(tenant, code) -> SigningRound:
    return get_object_or_404(
        SigningRound.objects.select_related("document"),
        partnership=tenant.partnership,
        code=code,
        status=RoundStatus.OPEN,
    )


def _signable(signing_round: SigningRound, requests: list[SignatureRequest]) -> set[int]:
    """The requests `signing.refusal` would let sign now, for a whole round in one query
    instead of two per request (tests check it agrees with `refusal`)."""
    if signing_round.status != RoundStatus.OPEN or timezone.now() >= signing_round.deadline:
        return set()
    if signing.is_superseded(signing_round.document):
        return set()
    unsigned = [r.step for r in requests if r.status != RequestStatus.SIGNED]
    turn = min(unsigned, default=0)
    return {
        r.pk
        for r in requests
        if r.status == RequestStatus.PENDING and (not signing_round.ordered or r.step <= turn)
    }


def _leader(user) -> str:
    return user.get_full_name() or user.email


@_private
@partnership_view(need="lead")
@require_GET
def together(request, tenant, code):
    signing_round = _open_round(tenant, code)
    requests = list(SignatureRequest.objects.filter(round=signing_round).order_by("step", "pk"))
    # Back at the list, nobody stays identified: the next person asks for their own code.
    for sig in requests:
        request.session.pop(SESSION_KEY.format(code=sig.code), None)
    signable = _signable(signing_round, requests)
    return render(
        request,
        "signing/sign/together.html",
        {
            "tenant": tenant,
            "round": signing_round,
            "document": signing_round.document,
            "rows": [(sig, sig.pk in signable) for sig in requests],
            "leader": _leader(request.user),
        },
    )


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def _together_sign(http_request, tenant, code, request_code):
    sig = get_object_or_404(
        SignatureRequest.objects.select_related("round", "round__document", "partnership"),
        partnership=tenant.partnership,
        round__code=code,
        code=request_code,
    )
    slug = tenant.partnership.slug
    back = reverse("signing:round-together", kwargs={"slug": slug, "code": code})
    preview = reverse("signing:round-document", kwargs={"slug": slug, "code": code})
    entrance = Entrance(
        post_url=reverse(
            "signing:together-sign",
            kwargs={"slug": slug, "code": code, "request_code": request_code},
        ),
        document_url=preview,
        download_url=f"{preview}?download=1",
        in_person_with=_leader(http_request.user),
        back_url=back,
        done_url=back,
        # The together page is for open rounds; the round's own page shows the result.
        complete_url=reverse("signing:round-detail", kwargs={"slug": slug, "code": code}),
    )
    return _flow(http_request, sig, entrance)


together_sign = _private(_together_sign)
