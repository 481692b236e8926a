"""Write a checked Plan in bulk: a fixed number of queries, however many rows.

Runs inside the importer's transaction. Records are created with
`bulk_create_with_history` and changed with `bulk_update_with_history`, so the history of
every change covers imported rows too; save() is not called.
"""

from django.utils import timezone
from django_scopes import scope
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from activities.models import Activity
from cofinancing.importer.plan import (
    ACTIVITY_FIELDS,
    CONTRIBUTION_FIELDS,
    COST_LINE_FIELDS,
    FUNDING_LINE_FIELDS,
    ORGANISATION_FIELDS,
    Plan,
    Planned,
)
from cofinancing.importer.result import CHANGED, CREATED, UNCHANGED
from cofinancing.models import Budget, Contribution, CostLine, FundingLine
from cofinancing.services.statement_voiding import contributions_changed
from partners.models import ApprovalVia, Organisation, Partnership, StageChange
from sterk import dashboard_cache
from sterk.sorting import stored_sort_key


def _write(model, items: list[Planned], fields, *, build, refs, user) -> dict:
    """Create the new rows and update the changed ones; returns key → created object."""
    new_items = [item for item in items if item.action == CREATED]
    new = [build(**item.fields, **refs(item)) for item in new_items]
    changed = []
    for item in items:
        if item.action != CHANGED:
            continue
        record = item.existing
        for name, value in {**item.fields, **refs(item)}.items():
            setattr(record, name, value)
        if model is Activity:
            # bulk_update() skips the field's pre_save: keep A2 before A10 (sterk/sorting.py).
            record.sort_key = stored_sort_key(record.short_code)
        changed.append(record)
    if new:
        new = bulk_create_with_history(new, model, default_user=user)
    if changed:
        bulk_update_with_history(changed, model, list(fields), default_user=user)
        if model is Contribution:
            # A statement out for signing that lists a changed contribution is voided.
            contributions_changed([r.pk for r in changed], user=user, what="import")
    return {item.key: record for item, record in zip(new_items, new, strict=True)}


APPROVAL_FIELDS = ("business_approved_by", "business_approved_at", "business_approved_via")


def _approve_overrides(items: list[Planned], user) -> None:
    """An override the import sets or changes counts as approved by the import: by the leader
    who uploaded it, or by the import command when there is no user (docs/rules.md §4)."""
    now = timezone.now()
    for item in items:
        if item.action == UNCHANGED:
            continue
        fields, existing = item.fields, item.existing
        if fields["business_override"] is None:
            approval = (None, None, "")
        elif existing is None or any(
            getattr(existing, name) != fields[name]
            for name in ("business_override", "business_justification")
        ):
            via = ApprovalVia.IMPORT if user is not None else ApprovalVia.IMPORT_COMMAND
            approval = (user, now, via)
        else:
            approval = tuple(getattr(existing, name) for name in APPROVAL_FIELDS)
        fields.update(zip(APPROVAL_FIELDS, approval, strict=True))


def apply_plan(plan: Plan, *, user) -> Partnership:
    partnership = plan.partnership
    settings = plan.settings
    if partnership is None:
        partnership = Partnership.objects.create(
            name=settings.name,
            slug=plan.slug,
            region="",
            start_year=settings.start_year,
            end_year=settings.end_year,
        )
    with scope(partnership=partnership):
        if plan.budget is None:
            Budget.objects.create(partnership=partnership, scheme=settings.scheme)
        _write_all(plan, partnership, user)
    # Bulk writes send no signal: the dashboard's kept panels are forgotten here.
    dashboard_cache.changed(partnership.pk)
    return partnership


def _write_all(plan: Plan, partnership: Partnership, user) -> None:
    def no_refs(item):
        return {}

    organisations = dict(plan.existing_organisations)
    _approve_overrides(plan.organisations, user)
    created = _write(
        Organisation,
        plan.organisations,
        (*ORGANISATION_FIELDS, *APPROVAL_FIELDS),
        build=lambda **fields: Organisation(partnership=partnership, **fields),
        refs=no_refs,
        user=user,
    )
    organisations.update(created)
    # The pipeline starts for an imported organisation as for one entered by hand.
    StageChange.objects.bulk_create(
        [
            StageChange(
                partnership=partnership,
                organisation=organisation,
                from_stage="",
                to_stage=organisation.stage,
                changed_by=user,
            )
            for organisation in created.values()
        ]
    )

    activities = dict(plan.existing_activities)

    def lead(item):
        key = item.refs["lead_organisation"]
        return {"lead_organisation": organisations[key] if key else None}

    activities.update(
        _write(
            Activity,
            plan.activities,
            (*ACTIVITY_FIELDS, "sort_key", "lead_organisation"),
            build=lambda **fields: Activity(partnership=partnership, **fields),
            refs=lead,
            user=user,
        )
    )

    def activity(item):
        key = item.refs["activity"]
        return {"activity": activities[key] if key else None}

    def organisation_and_activity(item):
        return {"organisation": organisations[item.refs["organisation"]], **activity(item)}

    _write(
        Contribution,
        plan.contributions,
        CONTRIBUTION_FIELDS,
        build=lambda **fields: Contribution(partnership=partnership, created_by=user, **fields),
        refs=organisation_and_activity,
        user=user,
    )
    _write(
        CostLine,
        plan.cost_lines,
        COST_LINE_FIELDS,
        build=lambda **fields: CostLine(partnership=partnership, **fields),
        refs=activity,
        user=user,
    )
    _write(
        FundingLine,
        plan.funding_lines,
        FUNDING_LINE_FIELDS,
        build=lambda **fields: FundingLine(partnership=partnership, **fields),
        refs=no_refs,
        user=user,
    )
