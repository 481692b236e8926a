"""`manage.py accountant_bundle SLUG [--year 2026] --output FILE`: the accountant's bundle
of a year, or of the period without --year, written to FILE and recorded as a build of
the command (docs/rules.md §24). Exit status 1, with the reason, when there is nothing to
build; FILE is then left untouched."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from bundle.services import build_to_file
from partners.models import Partnership


class Command(BaseCommand):
    help = "Write the accountant's bundle (ZIP) of a year, or of the whole period."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the partnership's slug")
        parser.add_argument("--year", type=int, help="a year of the scheme; without: the period")
        parser.add_argument("--output", required=True, type=Path, help="the ZIP file to write")

    def handle(self, *args, slug, year, output, **options):
        with scopes_disabled():
            partnership = Partnership.objects.filter(slug=slug).first()
            if partnership is None:
                raise CommandError(f"No partnership with slug {slug!r}.")
            if not output.parent.is_dir():
                raise CommandError(f"The folder of {output} does not exist.")
            try:
                build = build_to_file(partnership=partnership, year=year, output=output)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        scope = year or "the period"
        self.stdout.write(
            f"Wrote {output} ({scope}): {build.file_count} files, "
            f"{build.missing_count} missing, {build.size} bytes, "
            f"manifest SHA-256 {build.manifest_sha256}"
        )
