"""The public verify page (docs/rules.md §15): is this PDF a sealed, unaltered Sterk agreement?

Anyone may use it, without an account. The upload is checked in memory and thrown away:
nothing is stored, nothing changes, and the answer tells no more than the sealed document
itself already does (agreements.verification decides what that is).

Uploads are bounded twice. An upload handler (sterk.uploads.SizeLimitHandler) counts the file
bytes as they arrive and stops keeping them past MAX_UPLOAD_BYTES, so a huge upload never
fills the disk; the form then refuses by `uploaded.size` without reading the content. Adding
that handler must happen before the request body is parsed, and CSRF checking parses it:
hence the documented Django pattern of `csrf_exempt` outside and `csrf_protect` inside,
which still enforces the token.
Every body that cannot be read (malformed multipart, too many fields or files) gets the page
with a clear message and status 400, never a 500.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from signing.verification import verify_upload
from signing.verify_forms import MAX_UPLOAD_BYTES, VerifyForm
from sterk.uploads import UNREADABLE_BODY, limit_upload_size, upload_too_large

TEMPLATE = "signing/verify.html"


@csrf_exempt  # the token is checked by _verify_page, once the upload handler is in place
def verify_page(request) -> HttpResponse:
    limit_upload_size(request, MAX_UPLOAD_BYTES)
    try:
        response = _verify_page(request)
    except UNREADABLE_BODY:
        response = _render(request, VerifyForm(), unreadable=True, status=400)
    # The answer is about a file only this visitor has: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@csrf_protect
def _verify_page(request) -> HttpResponse:
    if request.method != "POST":
        return _render(request, VerifyForm())
    form = VerifyForm(request.POST, request.FILES, too_large=upload_too_large(request))
    if not form.is_valid():
        return _render(request, form, status=400)
    verdict = verify_upload(form.cleaned_data["file"].read())
    return _render(request, VerifyForm(), verdict=verdict)


def _render(request, form, *, verdict=None, unreadable=False, status=200) -> HttpResponse:
    context = {
        "form": form,
        "verdict": verdict,
        "unreadable_request": unreadable,
        "max_upload_bytes": MAX_UPLOAD_BYTES,
    }
    return render(request, TEMPLATE, context, status=status)
