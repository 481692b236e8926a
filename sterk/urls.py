from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from partners.views import members as member_views
from signing.public_urls import sign_patterns, verify_patterns
from sterk import health, search, views
from updates import views as update_views

admin.site.site_header = _("Sterk administration")
admin.site.site_title = _("Sterk")
admin.site.index_title = _("Administration")

partnership_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("search/", search.search, name="search"),
    path("", include("partners.urls")),
    path("", include("activities.urls")),
    path("governance/", include("governance.urls")),
    path("", include("cofinancing.urls")),
    path("", include("signing.urls")),
    path("", include("agreements.urls")),
    path("", include("outreach.urls")),
    path("", include("bundle.urls")),
    path("", include("updates.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("invitations/<str:token>/", member_views.invitation_accept, name="invitation-accept"),
    path("p/<slug:slug>/", include(partnership_patterns)),
    path("updates/unsubscribe/<str:token>/", update_views.unsubscribe, name="update-unsubscribe"),
    path("sign/", include(sign_patterns)),
    path("verify/", include(verify_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL_PREFIX, admin.site.urls),
]

if settings.BENCHMARK:  # `make bench` only: the reference page the dashboard is compared to
    from benchmarks.reference import reference

    urlpatterns.append(path("bench/reference/<slug:slug>/", reference, name="bench-reference"))
