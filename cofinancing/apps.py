from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CofinancingConfig(AppConfig):
    name = "cofinancing"
    verbose_name = _("Cofinancing")

    def ready(self):
        from django_tasks_db.compat import task_finished

        from cofinancing.reports import recovery
        from cofinancing.statements import recovery as statement_recovery
        from cofinancing.statements.kind import register
        from sterk.task_recovery import register_recovery

        # An annual statement whose files never came is rendered again by `recover_tasks`.
        register_recovery("annual statements", recovery.recover_stuck_statements)
        task_finished.connect(recovery.record_lost_render, dispatch_uid="cofinancing.statement")
        # So is a company statement whose PDF never came.
        register_recovery("company statements", statement_recovery.recover_stuck_statements)
        task_finished.connect(
            statement_recovery.record_lost_render, dispatch_uid="cofinancing.company_statement"
        )
        # The company statement is a kind of document the signing service signs.
        register()
