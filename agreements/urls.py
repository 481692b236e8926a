from django.urls import path

from agreements.views import clauses, pages, rounds, sign

app_name = "agreements"

# Mounted under /p/<slug>/.
urlpatterns = [
    path("agreements/", pages.agreement_list, name="agreement-list"),
    path("agreements/settings/", pages.agreement_settings, name="agreement-settings"),
    path("agreements/versions/new/", pages.version_create, name="version-create"),
    path(
        "agreements/warnings/<str:key>/acknowledge/",
        pages.warning_acknowledge,
        name="warning-acknowledge",
    ),
    path("agreements/versions/<uuid:code>/", pages.version_detail, name="version-detail"),
    path("agreements/versions/<uuid:code>/preview/", pages.version_preview, name="version-preview"),
    path(
        "agreements/versions/<uuid:code>/download/",
        pages.version_download,
        name="version-download",
    ),
    path("agreements/clauses/", clauses.clause_list, name="clause-list"),
    path("agreements/clauses/<slug:key>/", clauses.clause_edit, name="clause-edit"),
    path("agreements/clauses/<slug:key>/restore/", clauses.clause_restore, name="clause-restore"),
]

# Signing rounds (issue 7), under /p/<slug>/ like the rest.
urlpatterns += [
    path("agreements/versions/<uuid:code>/send/", rounds.round_send, name="round-send"),
    path("agreements/rounds/<uuid:code>/", rounds.round_detail, name="round-detail"),
    path("agreements/rounds/<uuid:code>/pdf/", rounds.round_pdf, name="round-pdf"),
    path("agreements/rounds/<uuid:code>/extend/", rounds.round_extend, name="round-extend"),
    path("agreements/rounds/<uuid:code>/void/", rounds.round_void, name="round-void"),
    path("agreements/rounds/<uuid:code>/together/", sign.together, name="round-together"),
    path(
        "agreements/rounds/<uuid:code>/together/<uuid:request_code>/",
        sign.together_sign,
        name="together-sign",
    ),
    path("agreements/requests/<uuid:code>/remind/", rounds.request_remind, name="request-remind"),
    path("agreements/requests/<uuid:code>/revoke/", rounds.request_revoke, name="request-revoke"),
    path(
        "agreements/requests/<uuid:code>/reissue/", rounds.request_reissue, name="request-reissue"
    ),
    path("agreements/requests/<uuid:code>/paper/", rounds.request_paper, name="request-paper"),
    path("agreements/requests/<uuid:code>/scan/", rounds.request_scan, name="request-scan"),
]
