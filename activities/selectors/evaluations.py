"""Reads on evaluation rounds. Each returns rows with what a page shows already fetched, so
the list and detail pages run a fixed number of queries."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from activities.models import EVALUATION_QUESTIONS, Evaluation
from partners.models import Organisation, Partnership


def _with_participants(evaluations: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    User = get_user_model()
    return evaluations.prefetch_related(
        Prefetch(
            "members",
            queryset=User.objects.only("email", "first_name", "last_name").order_by(
                "first_name", "last_name", "email"
            ),
        ),
        Prefetch(
            "organisations", queryset=Organisation.objects.only("code", "name").order_by("name")
        ),
    )


def evaluation_list(*, partnership: Partnership) -> QuerySet[Evaluation]:
    """The partnership's evaluation rounds, newest first, with who took part."""
    return _with_participants(
        Evaluation.objects.filter(partnership=partnership).order_by("-date", "-pk")
    )


def evaluation_for_detail(*, partnership: Partnership, code) -> QuerySet[Evaluation]:
    """The round with this code as a queryset, for `get_object_or_404`."""
    return _with_participants(
        Evaluation.objects.filter(partnership=partnership, code=code).select_related("created_by")
    )


def evaluation_answers(evaluation: Evaluation) -> list[tuple[str, str]]:
    """(question, answer) for each of the guide's questions, in the guide's order."""
    return [(question, getattr(evaluation, field)) for field, question in EVALUATION_QUESTIONS]
