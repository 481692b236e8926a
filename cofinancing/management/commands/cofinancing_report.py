"""python manage.py cofinancing_report SLUG [--format json|text] [--status pledged|realised]

Prints the threshold check of a partnership (docs/rules.md §3): with --format json exactly
one JSON object (amounts as strings with two decimals), with --format text the same figures
for a person. --status realised counts only realised contributions; the default counts
pledged and up.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from cofinancing.report import partnership_report, report_text
from cofinancing.selectors.summary import PLEDGED_AND_UP, REALISED_AND_UP, partnership_budget
from partners.models import Partnership

STATUSES = {"pledged": PLEDGED_AND_UP, "realised": REALISED_AND_UP}


class Command(BaseCommand):
    help = "Print the cofinancing threshold check of a partnership as JSON or text."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="short name of the partnership")
        parser.add_argument("--format", choices=("json", "text"), default="text")
        parser.add_argument(
            "--status",
            choices=tuple(STATUSES),
            default="pledged",
            help="pledged: pledged, confirmed and realised contributions; realised: only those",
        )

    def handle(self, *args, slug, format, status, **options):
        with scopes_disabled():
            partnership = Partnership.objects.filter(slug=slug).first()
            if partnership is None:
                raise CommandError(f"There is no partnership with the short name {slug!r}.")
            budget = partnership_budget(partnership=partnership)
            if budget is None:
                raise CommandError(
                    f"The partnership {slug!r} has no budget yet: choose a scheme for it first."
                )
            data = partnership_report(
                partnership=partnership, budget=budget, statuses=STATUSES[status]
            )
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report_text(data))
