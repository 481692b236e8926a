from django.urls import path

from agreements import views

app_name = "agreements"

# Mounted under /p/<slug>/.
urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement-list"),
]
