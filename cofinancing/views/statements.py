"""Company statements (docs/rules.md §23): the board of a year, sending a year's statements
in one action, a statement with its lines and signing, its PDF, voiding and correcting."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cofinancing.forms.statements import CorrectForm, DeadlineForm, VoidForm
from cofinancing.models import CompanyStatement, StatementStatus
from cofinancing.selectors.summary import partnership_budget
from cofinancing.statements import services
from cofinancing.statements.selectors import (
    STATES,
    board,
    can_render_again,
    round_of,
    year_statements,
)
from partners.tenancy import partnership_view

PERIOD = "period"


def _year(budget, text: str) -> int | None:
    """The year of the URL ("period" for the whole period); 404 for anything else."""
    if text == PERIOD:
        return None
    if budget is None or not text.isdigit() or int(text) not in budget.scheme.years:
        raise Http404
    return int(text)


def _budget(tenant):
    budget = partnership_budget(partnership=tenant.partnership)
    if budget is None:
        raise Http404
    return budget


def _board_url(statement_or_year, slug):
    year = getattr(statement_or_year, "year", statement_or_year)
    return redirect("cofinancing:company-statements", slug=slug, year=year or PERIOD)


@partnership_view()
@require_GET
def statement_index(request, tenant):
    """The board of this year when it is one of the scheme's, else of the last year."""
    budget = _budget(tenant)
    years = budget.scheme.years
    this_year = timezone.localdate().year
    year = this_year if this_year in years else years[-1]
    return _board_url(year, tenant.partnership.slug)


@partnership_view()
@require_GET
def statement_board(request, tenant, year):
    budget = _budget(tenant)
    year = _year(budget, year)
    data = board(partnership=tenant.partnership, year=year)
    context = {
        "tenant": tenant,
        "budget": budget,
        "year": year,
        "year_key": year or PERIOD,
        "years": budget.scheme.years,
        "states": STATES,
        "form": DeadlineForm(),
        "rendering": data["counts"]["rendering"],
        **data,
    }
    if request.htmx:
        return render(request, "cofinancing/statements/partials/progress.html", context)
    return render(request, "cofinancing/statements/board.html", context)


@partnership_view(need="lead")
@require_POST
def statement_send(request, tenant, year):
    budget = _budget(tenant)
    year = _year(budget, year)
    slug = tenant.partnership.slug
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _board_url(year, slug)
    try:
        result = services.statements_send(
            budget=budget, year=year, user=request.user, deadline=form.cleaned_data["deadline"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _board_url(year, slug)
    if result.made:
        messages.success(
            request,
            ngettext(
                "%(count)s statement is being made; it is sent when its PDF is ready.",
                "%(count)s statements are being made; each is sent when its PDF is ready.",
                len(result.made),
            )
            % {"count": len(result.made)},
        )
    else:
        messages.info(request, _("No statement was made: nothing is waiting for one."))
    for organisation, reason in result.refused:
        messages.warning(
            request,
            _("Not sent to %(organisation)s: %(reason)s")
            % {"organisation": organisation.name, "reason": reason},
        )
    return _board_url(year, slug)


def _statement(tenant, code) -> CompanyStatement:
    return get_object_or_404(
        CompanyStatement.objects.filter(partnership=tenant.partnership).select_related(
            "organisation", "document", "created_by", "voided_by"
        ),
        code=code,
    )


@partnership_view()
@require_GET
def statement_detail(request, tenant, code):
    statement = _statement(tenant, code)
    same = [
        s
        for s in year_statements(partnership=tenant.partnership, year=statement.year)
        if s.organisation_id == statement.organisation_id
    ]
    current = next(s for s in same if s.pk == statement.pk)
    signing_round = round_of(current)
    disputed = {c.pk for c in current.disputed.all()}
    codes = {str(c.code) for c in current.disputed.all()}
    return render(
        request,
        "cofinancing/statements/detail.html",
        {
            "tenant": tenant,
            "statement": current,
            "signing_round": signing_round,
            "requests": list(signing_round.requests.all()) if signing_round else [],
            "lines": [{**line, "disputed": line["code"] in codes} for line in current.lines],
            "disputed": disputed,
            "others": [s for s in same if s.pk != current.pk],
            "void_form": VoidForm(),
            "correct_form": CorrectForm(),
            "can_void": current.status != StatementStatus.VOIDED,
            "can_render_again": can_render_again(current),
        },
    )


@partnership_view()
@require_GET
def statement_pdf(request, tenant, code):
    statement = _statement(tenant, code)
    if not statement.pdf_sha256:
        raise Http404
    try:
        handle = statement.pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = slugify(statement.organisation.name) or "organisatie"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"verklaring-cofinanciering-{name}-{statement.year or 'periode'}"
        f"-{statement.number}.pdf",
        content_type="application/pdf",
    )


@partnership_view(need="lead")
@require_POST
def statement_render(request, tenant, code):
    """Make the PDF again when its rendering failed or got stuck ("make again"); the round
    is sent when it comes. Back to the board when asked from there."""
    statement = _statement(tenant, code)
    try:
        asked = services.statement_render_again(statement=statement)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        if asked:
            messages.success(
                request, _("The statement is being made again; it is sent when its PDF is ready.")
            )
        else:
            messages.info(request, _("The PDF of this statement is already there."))
    if request.POST.get("back") == "board":
        return _board_url(statement, tenant.partnership.slug)
    return redirect("cofinancing:company-statement-detail", slug=tenant.partnership.slug, code=code)


@partnership_view(need="lead")
@require_POST
def statement_void(request, tenant, code):
    statement = _statement(tenant, code)
    form = VoidForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the statement is voided."))
        services.statement_void(
            budget=_budget(tenant),
            statement=statement,
            user=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The statement is voided."))
    return redirect("cofinancing:company-statement-detail", slug=tenant.partnership.slug, code=code)


@partnership_view(need="lead")
@require_POST
def statement_correct(request, tenant, code):
    statement = _statement(tenant, code)
    form = CorrectForm(request.POST)
    slug = tenant.partnership.slug
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("cofinancing:company-statement-detail", slug=slug, code=code)
    try:
        result = services.statement_correct(
            budget=_budget(tenant),
            statement=statement,
            user=request.user,
            deadline=form.cleaned_data["deadline"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cofinancing:company-statement-detail", slug=slug, code=code)
    for _organisation, reason in result.refused:
        messages.warning(request, reason)
    if result.made:
        messages.success(request, _("A corrected statement is being made and sent."))
        return redirect("cofinancing:company-statement-detail", slug=slug, code=result.made[0].code)
    messages.info(request, _("The statement is voided; nothing is waiting for a new one."))
    return _board_url(statement, slug)
