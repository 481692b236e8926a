from django.urls import path

from signing.views import rounds, together

app_name = "signing"

# Mounted under /p/<slug>/: a partnership's signing rounds, whatever document they sign.
urlpatterns = [
    path("signing/rounds/<uuid:code>/", rounds.round_detail, name="round-detail"),
    path("signing/rounds/<uuid:code>/document/", rounds.round_document, name="round-document"),
    path(
        "signing/rounds/<uuid:code>/pages/<int:number>/",
        rounds.round_page_image,
        name="round-page-image",
    ),
    path("signing/rounds/<uuid:code>/pdf/", rounds.round_pdf, name="round-pdf"),
    path("signing/rounds/<uuid:code>/extend/", rounds.round_extend, name="round-extend"),
    path("signing/rounds/<uuid:code>/void/", rounds.round_void, name="round-void"),
    path("signing/rounds/<uuid:code>/together/", together.together, name="round-together"),
    path(
        "signing/rounds/<uuid:code>/together/<uuid:request_code>/",
        together.together_sign,
        name="together-sign",
    ),
    path("signing/requests/<uuid:code>/remind/", rounds.request_remind, name="request-remind"),
    path("signing/requests/<uuid:code>/revoke/", rounds.request_revoke, name="request-revoke"),
    path("signing/requests/<uuid:code>/reissue/", rounds.request_reissue, name="request-reissue"),
    path("signing/requests/<uuid:code>/paper/", rounds.request_paper, name="request-paper"),
    path("signing/requests/<uuid:code>/scan/", rounds.request_scan, name="request-scan"),
]
