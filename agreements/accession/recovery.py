"""A deed of accession whose PDF never came, recovered like the statements' files
(sterk.task_recovery.StuckRenders): rendered again by `manage.py recover_tasks` a bounded
number of times, then marked failed with the reason so its page offers "make again". Only a
deed not yet sent is rendered again."""

from agreements.accession.tasks import render_accession
from agreements.models import Accession, AccessionStatus
from sterk import task_recovery

renders = task_recovery.StuckRenders(
    Accession,
    render_accession,
    label=lambda accession: f"{accession.partnership.slug} deed of accession {accession.number}",
    scope={"status": AccessionStatus.MADE},
)

is_stuck = renders.is_stuck
recover_stuck_accessions = renders.recover
record_lost_render = renders.record_lost
