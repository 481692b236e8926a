from django.apps import AppConfig


class SterkConfig(AppConfig):
    name = "sterk"
    verbose_name = "Sterk"

    def ready(self):
        from sterk import lookups

        lookups.register()
