from django.urls import path

from agreements.views import accession, clauses, pages, renewal

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
    path(
        "agreements/conditions/<str:key>/exception/",
        pages.condition_exception,
        name="condition-exception",
    ),
    path(
        "agreements/conditions/<str:key>/exception/withdraw/",
        pages.condition_exception_withdraw,
        name="condition-exception-withdraw",
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

urlpatterns += [
    path("agreements/in-force.pdf", accession.in_force_download, name="in-force-download"),
    path("agreements/accessions/new/", accession.accession_create, name="accession-create"),
    path("agreements/accessions/<uuid:code>/", accession.accession_detail, name="accession-detail"),
    path(
        "agreements/accessions/<uuid:code>/download/",
        accession.accession_download,
        name="accession-download",
    ),
    path(
        "agreements/accessions/<uuid:code>/withdraw/",
        accession.accession_void,
        name="accession-void",
    ),
    path(
        "agreements/accessions/<uuid:code>/render/",
        accession.accession_render,
        name="accession-render",
    ),
]

urlpatterns += [
    path("renew/", renewal.renewal_page, name="renewal"),
]
