from django.apps import AppConfig


class SterkConfig(AppConfig):
    name = "sterk"
    verbose_name = "Sterk"

    def ready(self):
        from outbox.selectors import oldest_waiting_age
        from sterk import admin_labels, dashboard_cache, lookups
        from sterk.health import oldest_task_age, register_queue

        # An integer beyond a column's range in an `in` lookup matches nothing.
        lookups.register()
        # The admin of django-axes and django-tasks-db in Dutch (sterk/admin_labels.py).
        admin_labels.apply()
        # The dashboard's kept panels are forgotten by every write (sterk/dashboard_cache.py).
        dashboard_cache.listen()
        # /healthz: the background tasks waiting for a worker (django-tasks-db), and the
        # e-mail waiting to be delivered (outbox), retries included.
        register_queue("tasks", oldest_task_age)
        register_queue("mail", oldest_waiting_age)
