from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BundleConfig(AppConfig):
    name = "bundle"
    verbose_name = _("Accountant's bundle")

    def ready(self):
        from bundle import panels, recovery
        from cofinancing.panels import register_settlement_panel
        from sterk.task_recovery import register_recovery

        # The builds and the button appear on the settlement page (cofinancing, below us).
        register_settlement_panel(panels.settlement_builds)
        register_recovery("accountant's bundles", recovery.recover_stuck_builds)
