from django.apps import AppConfig


class SterkConfig(AppConfig):
    name = "sterk"
    verbose_name = "Sterk"
