"""Signing together on one device: the project leader's, with the signatories in the room
(docs/rules.md §13). The same flow as the e-mailed link (signing.views.sign), entered from
the round; the evidence records that each signature was made in person with the leader."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from partners.tenancy import partnership_view
from signing import services as signing
from signing.models import RequestStatus, RoundStatus, SignatureRequest, SigningRound
from signing.views.sign import SESSION_KEY, Entrance, _flow, _private


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
        pages_url=reverse("signing:round-detail", kwargs={"slug": slug, "code": code}) + "pages/",
        in_person_with=_leader(http_request.user),
        back_url=back,
        done_url=back,
        # The together page is for open rounds; the round's own page shows the result.
        complete_url=reverse("signing:round-detail", kwargs={"slug": slug, "code": code}),
    )
    return _flow(http_request, sig, entrance)


together_sign = _private(_together_sign)
