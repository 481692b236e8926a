import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from partners.models import Organisation, Partnership
from sterk.sorting import SORT_KEY_LENGTH, stored_sort_key
from sterk.validators import validate_single_line


class NaturalSortKeyField(models.CharField):
    """The natural order of another field (sterk/sorting.py), set on every save.

    Computed in pre_save, which save() and bulk_create() both call, so a list ordered by
    this column puts A2 before A10 on PostgreSQL and SQLite alike. bulk_update() does not
    call it: the importer lists the field and sets it (cofinancing/importer/apply.py).
    """

    def __init__(self, *args, source="short_code", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", SORT_KEY_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = stored_sort_key(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


class GoalHorizon(models.TextChoices):
    SHORT = "short", _("Short term")
    LONG = "long", _("Long term")


class Goal(models.Model):
    """A regional goal the partnership works toward, with a measurable indicator."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="goals")
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("description"), max_length=5000, blank=True)
    regional_need = models.TextField(_("regional need it answers"), max_length=5000, blank=True)
    indicator = models.CharField(
        _("indicator"), max_length=200, blank=True, validators=[validate_single_line]
    )
    target_value = models.DecimalField(
        _("target value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True, validators=[validate_single_line])
    horizon = models.CharField(
        _("horizon"), max_length=10, choices=GoalHorizon.choices, default=GoalHorizon.LONG
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["title"]

    def __str__(self):
        return self.title


class CooperationForm(models.IntegerChoices):
    """The eight forms of cooperation of the guide (docs/rules.md §17)."""

    FINANCIAL = 1, _("Financial contribution")
    FACILITIES = 2, _("Facilities, technical rooms, machines, material")
    GUEST_TEACHERS = 3, _("Practice supervisors or guest teachers")
    TEACHER_PLACEMENTS = 4, _("Teachers and company staff working together")
    INTERNSHIPS = 5, _("Supervising interns and pupils")
    ELECTIVES = 6, _("Designing or teaching electives together")
    CAREER_ORIENTATION = 7, _("Career-orientation activities")
    REAL_ASSIGNMENTS = 8, _("Bringing in real assignments")


class ActivityStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ActivityHorizon(models.TextChoices):
    QUICK_WIN = "quick_win", _("Quick win")
    LONG_TERM = "long_term", _("Long term")


class Activity(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="activities"
    )
    short_code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_("Short and unique in the partnership, e.g. A7."),
        validators=[validate_single_line],
    )
    # A2 before A10: lists order by this, never by short_code itself.
    sort_key = NaturalSortKeyField(_("sort key"), source="short_code")
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("description"), max_length=5000, blank=True)
    form = models.PositiveSmallIntegerField(
        _("form of cooperation"), choices=CooperationForm.choices
    )
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="activities", verbose_name=_("goals served")
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_activities",
        verbose_name=_("lead organisation"),
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.IDEA
    )
    horizon = models.CharField(
        _("horizon"),
        max_length=20,
        choices=ActivityHorizon.choices,
        default=ActivityHorizon.LONG_TERM,
    )
    other_funding = models.CharField(
        _("other funding"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Another scheme that already pays for it, e.g. a RIF project number."),
    )
    other_funding_note = models.TextField(_("note on other funding"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[goals], excluded_fields=["sort_key"])
    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["sort_key", "pk"]
        indexes = [models.Index(fields=["partnership", "sort_key"], name="activity_natural_order")]
        constraints = [
            models.UniqueConstraint(
                Lower("short_code"),
                "partnership",
                name="activity_code_unique_per_partnership",
                violation_error_message=_("Another activity of this partnership has this code."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="activity_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.short_code} {self.title}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "short_code" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)


class Participant(models.Model):
    """An organisation taking part in an activity, with its tasks written out for the agreement."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participants", verbose_name=_("activity")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("organisation"),
    )
    tasks = models.TextField(_("tasks"), max_length=5000)
    responsibilities = models.TextField(_("responsibilities"), max_length=5000)

    history = HistoricalRecords()
    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organisation"],
                name="participant_once_per_activity",
                violation_error_message=_("This organisation already takes part."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id} in {self.activity_id}"


class ResultKind(models.TextChoices):
    SUCCESS = "success", _("Success")
    SETBACK = "setback", _("Setback")


class Result(models.Model):
    """A dated success or setback of an activity, optionally measured toward a goal."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="results", verbose_name=_("activity")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=ResultKind.choices)
    description = models.TextField(_("description"), max_length=5000)
    goal = models.ForeignKey(
        Goal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="results",
        verbose_name=_("goal"),
    )
    value = models.DecimalField(
        _("measured value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    celebrated = models.BooleanField(_("celebrated"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(celebrated=False) | Q(kind="success"),
                name="result_only_successes_are_celebrated",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(goal__isnull=False),
                name="result_value_needs_goal",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"


EVALUATION_QUESTIONS = [
    ("answer_goals", _("Does the cooperation still serve our shared goals?")),
    ("answer_results", _("Does it lead to the results we want?")),
    ("answer_works", _("What works, what does not yet?")),
    ("answer_satisfied", _("Are all partners still satisfied?")),
    ("answer_adjust", _("Should we adjust our goals?")),
]


class Evaluation(models.Model):
    """An evaluation round of the partnership with the guide's questions (section 4)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="evaluations"
    )
    date = models.DateField(_("date"))
    answer_goals = models.TextField(EVALUATION_QUESTIONS[0][1], max_length=5000)
    answer_results = models.TextField(EVALUATION_QUESTIONS[1][1], max_length=5000)
    answer_works = models.TextField(EVALUATION_QUESTIONS[2][1], max_length=5000)
    answer_satisfied = models.TextField(EVALUATION_QUESTIONS[3][1], max_length=5000)
    answer_adjust = models.TextField(EVALUATION_QUESTIONS[4][1], max_length=5000)
    decisions = models.TextField(_("decisions taken"), max_length=5000, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("members who took part"),
    )
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="evaluations",
        verbose_name=_("organisations that took part"),
    )
    other_participants = models.CharField(
        _("others who took part"), max_length=500, blank=True, validators=[validate_single_line]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date}"
