from django.urls import path

from bundle import views

app_name = "bundle"

# Mounted under /p/<slug>/.
urlpatterns = [
    path("bundle/", views.build_list, name="build-list"),
    path("bundle/build/", views.build_create, name="build-create"),
    path("bundle/<uuid:code>/", views.build_detail, name="build-detail"),
    path("bundle/<uuid:code>/download/", views.build_download, name="build-download"),
]
