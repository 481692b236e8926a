from django.urls import path

from agreements.views import clauses, pages

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
    path("agreements/versions/<uuid:code>/render/", pages.version_render, name="version-render"),
    path("agreements/clauses/", clauses.clause_list, name="clause-list"),
    path("agreements/clauses/new/", clauses.clause_add, name="clause-add"),
    path("agreements/clauses/<slug:key>/", clauses.clause_edit, name="clause-edit"),
    path("agreements/clauses/<slug:key>/restore/", clauses.clause_restore, name="clause-restore"),
    path("agreements/clauses/<slug:key>/move/", clauses.clause_move, name="clause-move"),
    path("agreements/clauses/<slug:key>/remove/", clauses.clause_remove, name="clause-remove"),
    path(
        "agreements/clauses/<slug:key>/reinstate/",
        clauses.clause_reinstate,
        name="clause-reinstate",
    ),
    path("agreements/clauses/<slug:key>/delete/", clauses.clause_delete, name="clause-delete"),
]

urlpatterns += [
    path("agreements/versions/<uuid:code>/send/", pages.version_send, name="round-send"),
]
