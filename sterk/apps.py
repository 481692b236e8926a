from django.apps import AppConfig


class SterkConfig(AppConfig):
    name = "sterk"
    verbose_name = "Sterk"

    def ready(self):
        from sterk.health import oldest_task_age, register_queue

        # /healthz: the background tasks waiting for a worker (django-tasks-db).
        register_queue("tasks", oldest_task_age)
