"""A company statement whose PDF never came (docs/rules.md §23), recovered as the annual
statement's files are (§22, sterk.task_recovery.StuckRenders): rendered again by
`manage.py recover_tasks` a bounded number of times, then marked failed with the reason, so
the board and the statement's page offer "make again" to a leader. Only a statement not yet
sent (made) is rendered again: a voided one is left as it is. When its PDF comes, the task
sends its round as it would have the first time."""

from cofinancing.models import CompanyStatement, StatementStatus
from cofinancing.statements.tasks import render_company_statement
from sterk import task_recovery

RENDER_TASK = render_company_statement.module_path

renders = task_recovery.StuckRenders(
    CompanyStatement,
    render_company_statement,
    label=lambda statement: f"{statement.partnership.slug} company statement {statement}",
    scope={"status": StatementStatus.MADE},
)

is_stuck = renders.is_stuck
recover_stuck_statements = renders.recover
record_lost_render = renders.record_lost
