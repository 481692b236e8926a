from django.urls import path

from updates import views

app_name = "updates"

# Mounted under /p/<slug>/.
urlpatterns = [
    path("updates/", views.update_list, name="update-list"),
    path("updates/new/", views.update_create, name="update-create"),
    path("updates/<uuid:code>/", views.update_detail, name="update-detail"),
    path("updates/<uuid:code>/edit/", views.update_edit, name="update-edit"),
    path("updates/<uuid:code>/recompose/", views.update_recompose, name="update-recompose"),
    path("updates/<uuid:code>/delete/", views.update_delete, name="update-delete"),
    path("updates/<uuid:code>/pdf/", views.update_pdf, name="update-pdf"),
    path("updates/<uuid:code>/send/", views.update_send, name="update-send"),
]
