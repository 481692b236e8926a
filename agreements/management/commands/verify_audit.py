"""python manage.py verify_audit [--agreement SLUG]

Recomputes the hash chain of every agreement's audit trail (issue 7, item 3). Prints one
line per broken chain, naming the partnership, the agreement and the first broken event,
and exits with status 1 if any chain is broken; otherwise prints how many chains and events
were checked. Meant for cron and for an auditor: it only reads.
"""

from collections.abc import Iterable, Iterator

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from agreements.audit import chain_of, verify_chain
from agreements.models import Agreement, AuditEvent


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
    help = "Check the hash chain of every agreement's audit trail; exit 1 if any is broken."

    def add_arguments(self, parser):
        parser.add_argument(
            "--agreement",
            metavar="SLUG",
            help="check only the agreement of the partnership with this short name",
        )

    def handle(self, *args, agreement=None, **options):
        chains = events = 0
        broken = []
        with scopes_disabled():
            agreements = Agreement.objects.select_related("partnership").order_by("pk")
            if agreement:
                agreements = agreements.filter(partnership__slug=agreement)
                if not agreements.exists():
                    raise CommandError(
                        f"There is no agreement of a partnership with the short name {agreement!r}."
                    )
            for item in agreements.iterator(chunk_size=200):
                tally = _Tally(chain_of(item.pk).iterator(chunk_size=2000))
                problem = verify_chain(tally, head=(item.audit_seq, item.audit_head))
                chains += 1
                events += tally.count
                if problem is not None:
                    kind = (
                        tally.last.kind
                        if tally.last is not None and tally.last.seq == problem.seq
                        else "end of chain"
                    )
                    broken.append(
                        f"BROKEN {item.partnership.slug} (agreement {item.pk}): "
                        f"event #{problem.seq} ({kind}): {problem.problem}"
                    )
        for line in broken:
            self.stdout.write(line)
        if broken:
            raise CommandError(f"{len(broken)} of {chains} audit chains are broken.")
        self.stdout.write(f"OK: {chains} audit chains with {events} events checked.")
