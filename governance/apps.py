from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        # Registers the panels on the activity and goal pages and the open actions in the
        # follow-up list of partners/: the lower apps offer the hooks, so they never import us.
        from governance import hooks  # noqa: F401
