from django.urls import path

from cofinancing import views

app_name = "cofinancing"

# Mounted under /p/<slug>/.
urlpatterns = [
    path("cofinancing/", views.overview, name="overview"),
]
