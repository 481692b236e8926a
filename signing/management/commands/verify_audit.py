"""python manage.py verify_audit [--partnership SLUG]

Recomputes every audit chain of signing (docs/rules.md §14): one chain per document subject
(for the agreement: all its versions' rounds). Prints one line per broken chain, naming the
partnership, the chain and the first broken event, and exits with status 1 if any chain is
broken; otherwise prints how many chains and events were checked. Meant for cron and for an
auditor: it only reads.
"""

from collections.abc import Iterable, Iterator

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from partners.models import Partnership
from signing.audit import chain_of, verify_chain
from signing.models import AuditChain, AuditEvent


class _Tally:
    """Passes a chain's events on to verify_chain, counting them and keeping the last one:
    verify_chain stops at the first broken event, so the last one seen is that event."""

    def __init__(self, events: Iterable[AuditEvent]):
        self.events = events
        self.count = 0
        self.last: AuditEvent | None = None

    def __iter__(self) -> Iterator[AuditEvent]:
        for event in self.events:
            self.count += 1
            self.last = event
            yield event


class Command(BaseCommand):
    help = "Check the hash chain of every signing audit trail; exit 1 if any is broken."

    def add_arguments(self, parser):
        parser.add_argument(
            "--partnership",
            "--agreement",
            dest="partnership",
            metavar="SLUG",
            help="check only the chains of the partnership with this short name",
        )

    def handle(self, *args, partnership=None, **options):
        chains = events = 0
        broken = []
        with scopes_disabled():
            heads = AuditChain.objects.select_related("partnership").order_by("pk")
            if partnership:
                if not Partnership.objects.filter(slug=partnership).exists():
                    raise CommandError(
                        f"There is no partnership with the short name {partnership!r}."
                    )
                heads = heads.filter(partnership__slug=partnership)
            for head in heads.iterator(chunk_size=200):
                tally = _Tally(chain_of(head.key).iterator(chunk_size=2000))
                problem = verify_chain(tally, head=(head.seq, head.head))
                chains += 1
                events += tally.count
                if problem is not None:
                    kind = (
                        tally.last.kind
                        if tally.last is not None and tally.last.seq == problem.seq
                        else "end of chain"
                    )
                    broken.append(
                        f"BROKEN {head.partnership.slug} ({head.key}): "
                        f"event #{problem.seq} ({kind}): {problem.problem}"
                    )
        for line in broken:
            self.stdout.write(line)
        if broken:
            raise CommandError(f"{len(broken)} of {chains} audit chains are broken.")
        self.stdout.write(f"OK: {chains} audit chains with {events} events checked.")
