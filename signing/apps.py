from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "signing"
    verbose_name = _("Signing")

    def ready(self):
        from signing import delivery

        delivery.register()

        from django_tasks_db.compat import task_finished

        from signing import recovery
        from sterk.task_recovery import register_recovery

        # A completed round whose seal is stuck is queued again by `manage.py recover_tasks`.
        register_recovery("sealing", recovery.recover_stale_seals)
        task_finished.connect(recovery.record_lost_seal, dispatch_uid="signing.seal")
