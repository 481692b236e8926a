from django.urls import path

from governance import views

app_name = "governance"

# Mounted under /p/<slug>/governance/.
urlpatterns = [
    path("bodies/", views.body_list, name="body-list"),
    path("bodies/new/", views.body_create, name="body-create"),
    path("bodies/<uuid:code>/", views.body_detail, name="body-detail"),
    path("bodies/<uuid:code>/edit/", views.body_update, name="body-update"),
    path("bodies/<uuid:code>/delete/", views.body_delete, name="body-delete"),
    path("bodies/<uuid:code>/members/add/", views.member_add, name="member-add"),
    path(
        "bodies/<uuid:code>/members/<uuid:member>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("bodies/<uuid:code>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<uuid:code>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<uuid:code>/edit/", views.meeting_update, name="meeting-update"),
    path("meetings/<uuid:code>/delete/", views.meeting_delete, name="meeting-delete"),
    path("meetings/<uuid:code>/minutes.pdf", views.meeting_pdf, name="meeting-pdf"),
    path("meetings/<uuid:code>/decisions/new/", views.decision_add, name="decision-add"),
    path("meetings/<uuid:code>/actions/new/", views.action_add, name="action-add"),
    path("actions/<uuid:code>/done/", views.action_done, name="action-done"),
    path("decisions/<uuid:code>/edit/", views.decision_update, name="decision-update"),
    path("decisions/<uuid:code>/delete/", views.decision_delete, name="decision-delete"),
    path("decisions/", views.decision_list, name="decision-list"),
    path("decisions/pdf/", views.decision_pdf, name="decision-pdf"),
    path("who-decides/", views.matrix, name="matrix"),
    path(
        "who-decides/activities/<uuid:code>/",
        views.activity_responsibilities,
        name="activity-responsibilities",
    ),
    path(
        "who-decides/goals/<uuid:code>/",
        views.goal_responsibilities,
        name="goal-responsibilities",
    ),
]
