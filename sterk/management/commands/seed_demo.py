from functools import partial

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_scopes import scopes_disabled

from activities import demo as activities_demo
from agreements import demo as agreements_demo
from cofinancing import demo as cofinancing_demo
from cofinancing import demo_statements
from cofinancing.schemes import ensure_schemes
from governance import demo as governance_demo
from outreach import demo as outreach_demo
from partners import demo as partners_demo
from updates import demo as updates_demo


class Command(BaseCommand):
    help = "Create the fictitious demo region with a leader, an editor and a viewer account."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Also run when DEBUG is off (the demo accounts have a published password).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: the demo accounts have a published password. "
                "Pass --allow-production if you really want them here."
            )
        with transaction.atomic(), scopes_disabled():
            ensure_schemes()
            partnership = partners_demo.seed()
            activities_demo.seed(partnership)
            governance_demo.seed(partnership)
            cofinancing_demo.seed(partnership)
            agreements_demo.seed(partnership)
            outreach_demo.seed(partnership)
            # One partner update sent to the contacts who opted in (quietly: no e-mail).
            updates_demo.seed(partnership)
            # After commit, like the rendering of version 1 it needs: signing renders and
            # seals real PDFs, which takes seconds.
            transaction.on_commit(partial(agreements_demo.seed_signing, partnership))
            # Then the companies' statements: 2025 signed (one declined), 2026 out.
            transaction.on_commit(partial(demo_statements.seed_statements, partnership))
        self.stdout.write(self.style.SUCCESS(f"Demo partnership ready: {partnership.name}"))
        self.stdout.write("Sign in at http://127.0.0.1:8000/ with one of these accounts:")
        for email, _first, _last, role in partners_demo.DEMO_ACCOUNTS:
            self.stdout.write(f"  {role:<7} {email}")
        self.stdout.write(f"  password for all three: {partners_demo.DEMO_PASSWORD}")
