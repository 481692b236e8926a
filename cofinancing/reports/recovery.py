"""An annual statement whose files never came (docs/rules.md §22): found, rendered again a
bounded number of times, then marked failed with a reason, so the reports page offers
"make again". The same rules as for an agreement version's PDF (§12): a task row whose
worker died is queued again by sterk/task_recovery.py; what is left here is a statement
without files or error long after it was asked for while no task row is queued or running
for it. `render_attempts` counts the automatic requests since the last one by hand. The
work is sterk.task_recovery.StuckRenders', shared with the company statement (§23).
"""

from cofinancing.models import AnnualStatement
from cofinancing.reports.tasks import render_statement
from sterk import task_recovery

RENDER_TASK = render_statement.module_path

renders = task_recovery.StuckRenders(
    AnnualStatement,
    render_statement,
    label=lambda statement: f"{statement.partnership.slug} annual statement {statement}",
)

is_stuck = renders.is_stuck
# Ask again for every stuck statement, at most TASK_MAX_RECOVERIES times each, then record
# why it stopped; each is locked and checked again first, so two runs ask once.
recover_stuck_statements = renders.recover
# `task_finished` receiver: a rendering that failed outside render_statement's own error
# handling (its worker was given up on) leaves its reason on the statement.
record_lost_render = renders.record_lost
