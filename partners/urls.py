from django.urls import path

from partners import views

app_name = "partners"

# Mounted under /p/<slug>/.
urlpatterns = [
    path("partners/", views.organisation_list, name="organisation-list"),
    path("members/", views.member_list, name="member-list"),
    path("members/invite/", views.invitation_create, name="invitation-create"),
    path(
        "members/invitations/<uuid:code>/withdraw/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("members/<uuid:code>/", views.membership_update, name="membership-update"),
    path("members/<uuid:code>/remove/", views.membership_delete, name="membership-delete"),
]
