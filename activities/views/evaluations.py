"""Evaluation rounds of a partnership with the guide's five questions (docs/rules.md §17)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from activities.forms.evaluations import EvaluationForm
from activities.models import EVALUATION_QUESTIONS, Evaluation
from activities.selectors import evaluations as selectors
from activities.services import evaluations as services
from partners.tenancy import partnership_view
from sterk.lists import paginate


def _detail_redirect(tenant, evaluation):
    return redirect(
        "activities:evaluation-detail", slug=tenant.partnership.slug, code=evaluation.code
    )


def _data(request):
    # Bound on every POST, also an empty one, so it shows what is missing.
    return request.POST if request.method == "POST" else None


def _when(evaluation) -> str:
    return date_format(evaluation.date, "j F Y")


@partnership_view()
def evaluation_list(request, tenant):
    page, query = paginate(request, selectors.evaluation_list(partnership=tenant.partnership))
    questions = [question for _field, question in EVALUATION_QUESTIONS]
    return render(
        request,
        "activities/evaluations/evaluation_list.html",
        {"tenant": tenant, "page": page, "query": query, "questions": questions},
    )


@partnership_view()
def evaluation_detail(request, tenant, code):
    evaluation = get_object_or_404(
        selectors.evaluation_for_detail(partnership=tenant.partnership, code=code)
    )
    return render(
        request,
        "activities/evaluations/evaluation_detail.html",
        {
            "tenant": tenant,
            "evaluation": evaluation,
            "answers": selectors.evaluation_answers(evaluation),
        },
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def evaluation_create(request, tenant):
    form = EvaluationForm(_data(request), partnership=tenant.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_create(
                partnership=tenant.partnership, created_by=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The evaluation round of %(date)s was saved.") % {"date": _when(evaluation)},
            )
            return _detail_redirect(tenant, evaluation)
    return render(
        request, "activities/evaluations/evaluation_form.html", {"tenant": tenant, "form": form}
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def evaluation_update(request, tenant, code):
    evaluation = get_object_or_404(Evaluation, partnership=tenant.partnership, code=code)
    form = EvaluationForm(_data(request), instance=evaluation, partnership=tenant.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_update(evaluation=evaluation, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The evaluation round of %(date)s was changed.") % {"date": _when(evaluation)},
            )
            return _detail_redirect(tenant, evaluation)
    return render(
        request,
        "activities/evaluations/evaluation_form.html",
        {"tenant": tenant, "form": form, "evaluation": evaluation},
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def evaluation_delete(request, tenant, code):
    evaluation = get_object_or_404(Evaluation, partnership=tenant.partnership, code=code)
    if request.method == "POST":
        services.evaluation_delete(evaluation=evaluation)
        messages.success(
            request,
            _("The evaluation round of %(date)s was deleted.") % {"date": _when(evaluation)},
        )
        return redirect("activities:evaluation-list", slug=tenant.partnership.slug)
    return render(
        request,
        "activities/evaluations/evaluation_confirm_delete.html",
        {"tenant": tenant, "evaluation": evaluation},
    )
