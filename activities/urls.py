from django.urls import path

from activities.views import activities, evaluations, goals, results

app_name = "activities"

# Mounted under /p/<slug>/.
urlpatterns = [
    # The activity plan and activities with their participants
    path("activities/", activities.activity_list, name="activity-list"),
    path("activities/export/", activities.activity_export, name="activity-export"),
    path("activities/options/", activities.activity_options, name="activity-options"),
    path("activities/new/", activities.activity_create, name="activity-create"),
    path("activities/participants/row/", activities.participant_row, name="participant-row"),
    path("activities/<uuid:code>/", activities.activity_detail, name="activity-detail"),
    path("activities/<uuid:code>/edit/", activities.activity_update, name="activity-update"),
    path("activities/<uuid:code>/delete/", activities.activity_delete, name="activity-delete"),
    # Results (successes and setbacks)
    path("activities/<uuid:code>/results/new/", results.result_create, name="result-create"),
    path("results/<uuid:code>/edit/", results.result_update, name="result-update"),
    path("results/<uuid:code>/delete/", results.result_delete, name="result-delete"),
    # Goals
    path("goals/", goals.goal_list, name="goal-list"),
    path("goals/new/", goals.goal_create, name="goal-create"),
    path("goals/<uuid:code>/", goals.goal_detail, name="goal-detail"),
    path("goals/<uuid:code>/edit/", goals.goal_update, name="goal-update"),
    path("goals/<uuid:code>/delete/", goals.goal_delete, name="goal-delete"),
    # Evaluation rounds
    path("evaluations/", evaluations.evaluation_list, name="evaluation-list"),
    path("evaluations/new/", evaluations.evaluation_create, name="evaluation-create"),
    path("evaluations/<uuid:code>/", evaluations.evaluation_detail, name="evaluation-detail"),
    path("evaluations/<uuid:code>/edit/", evaluations.evaluation_update, name="evaluation-update"),
    path(
        "evaluations/<uuid:code>/delete/", evaluations.evaluation_delete, name="evaluation-delete"
    ),
]
