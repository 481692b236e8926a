from django.urls import path

from activities import views

app_name = "activities"

# Mounted under /p/<slug>/.
urlpatterns = [
    path("activities/", views.activity_list, name="activity-list"),
]
