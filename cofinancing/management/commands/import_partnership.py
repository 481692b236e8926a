"""python manage.py import_partnership FILE --partnership SLUG [--dry-run]

Imports the workbook (sheets as in cofinancing.importer.spec) into a partnership, creating
it (with the name, years and scheme of the sheet Samenwerkingsverband) when the slug does
not exist yet.
Prints the counts per sheet and every error; exits with status 1 when there are errors.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cofinancing.importer import import_workbook


class Command(BaseCommand):
    help = "Import a partnership from an Excel workbook (created when the slug is new)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx workbook")
        parser.add_argument("--partnership", required=True, help="slug of the partnership")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, but write nothing"
        )

    def handle(self, *args, file, partnership, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        result = import_workbook(path, partnership=partnership, dry_run=dry_run)
        if result.partnership_created:
            verb = "would be created" if dry_run else "created"
            self.stdout.write(f"Partnership {result.slug} {verb}.")
        self.stdout.write(
            f"{'sheet':<22}{'created':>9}{'changed':>9}{'unchanged':>11}{'rejected':>10}"
            f"{'untouched':>11}"
        )
        for sheet, counts in result.counts.items():
            self.stdout.write(
                f"{sheet:<22}{counts.created:>9}{counts.changed:>9}{counts.unchanged:>11}"
                f"{counts.rejected:>10}{counts.untouched:>11}"
            )
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors:
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported into {result.slug}."))
