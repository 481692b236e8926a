from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self):
        from django_tasks_db.compat import task_finished

        from agreements import recovery
        from agreements.accession import kind as accession_kind
        from agreements.accession import recovery as accession_recovery
        from agreements.selectors import penvoerder_name
        from agreements.signing import register
        from cofinancing.statements.penvoerder import register_penvoerder
        from sterk.reminders import register_reminder
        from sterk.task_recovery import register_recovery

        # The agreement is a kind of document the signing service signs.
        register()
        # The company statements of cofinancing name the penvoerder.
        register_penvoerder(penvoerder_name)
        # A version whose PDF never came is rendered again by `manage.py recover_tasks`.
        register_recovery("agreement PDFs", recovery.recover_stuck_renders)
        task_finished.connect(recovery.record_lost_render, dispatch_uid="agreements.render")
        # The leaders hear by e-mail when the period ends within 90 days (the reminder cron).
        from agreements.renewal import send_renewal_notices

        register_reminder("renewal notices", send_renewal_notices)
        # So is a deed of accession, which is a kind of document of its own.
        accession_kind.register()
        register_recovery("deeds of accession", accession_recovery.recover_stuck_accessions)
        task_finished.connect(
            accession_recovery.record_lost_render, dispatch_uid="agreements.accession"
        )
