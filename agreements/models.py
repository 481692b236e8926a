import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Organisation, Partnership
from sterk.validators import validate_single_line


class Licence(models.TextChoices):
    """How the parties may use what they make together (the intellectual property article)."""

    SHARED = "shared", _("Shared use among the parties")
    OPEN = "open", _("Open licence (CC BY 4.0)")


class Agreement(models.Model):
    """The cooperation agreement (samenwerkingsovereenkomst) of a partnership."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.PROTECT, related_name="agreement"
    )
    penvoerder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("penvoerder"),
        help_text=_("The party that administers the subsidy and reports on behalf of all."),
    )
    licence = models.CharField(
        _("use of results"),
        max_length=10,
        choices=Licence.choices,
        default=Licence.SHARED,
        help_text=_("How the parties may use the teaching materials and other results they make."),
    )
    steering_group = models.CharField(
        _("steering group"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text=_(
            "Who steers the partnership, as the agreement says it: “a steering group of …”. "
            "Empty: a steering group in which every party has one representative."
        ),
    )
    acknowledged_warnings = models.JSONField(
        _("acknowledged warnings"),
        default=dict,
        blank=True,
        help_text=_(
            "Cofinancing warnings a project leader has seen and accepted: key → who, when."
        ),
    )
    condition_exceptions = models.JSONField(
        _("exceptions to the regulation's conditions"),
        default=dict,
        blank=True,
        help_text=_(
            "Conditions of the regulation a project leader recorded an exception to, with "
            "the reason (agreed with the subsidy provider): key → reason, who, when."
        ),
    )

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self):
        return str(self.partnership)


class ClauseText(models.Model):
    """A partnership's own text for one clause of the agreement; absent means the default."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(_("clause"), max_length=40)
    text = models.TextField(_("text"), max_length=20000)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("clause text")
        verbose_name_plural = _("clause texts")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "key"], name="clause_text_once"),
        ]

    def __str__(self):
        return self.key


class AgreementArticle(models.Model):
    """A partnership's own article, or the place of a default one in its order.

    A row with `is_own` holds an article a project leader wrote (title and text); a row
    without it only records where a default article stands (`position`) and whether it was
    removed. The text of a default article is its ClauseText or the default. Rows exist only
    once a partnership changed its order or list: then every article has one.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(_("article"), max_length=40)
    is_own = models.BooleanField(_("own article"), default=False)
    title = models.CharField(
        _("title"), max_length=200, blank=True, validators=[validate_single_line]
    )
    text = models.TextField(_("text"), max_length=20000, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_removed = models.BooleanField(_("removed"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "key"], name="agreement_article_once"),
        ]

    def __str__(self):
        return self.title or self.key


class VersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        allowed = {
            "pdf",
            "pdf_sha256",
            "rendered_at",
            "render_error",
            "render_requested_at",
            "render_attempts",
        }
        if set(kwargs) - allowed:
            raise ValidationError(_("A version of the agreement never changes."))
        return super().update(**kwargs)

    def delete(self):
        raise ValidationError(_("A version of the agreement is never deleted."))


class AgreementVersion(models.Model):
    """A frozen snapshot of everything the agreement shows, and the PDF rendered from it.

    The snapshot and its SHA-256 never change; the PDF is attached once, by the rendering
    task. A newer version supersedes an older one.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="versions", verbose_name=_("agreement")
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))
    snapshot_sha256 = models.CharField(_("SHA-256 of the snapshot"), max_length=64)
    pdf = models.FileField(_("PDF"), upload_to="agreements/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)
    render_error = models.TextField(_("rendering error"), blank=True)
    # When the rendering was last asked for (None: when the version was made) and how often
    # `manage.py recover_tasks` asked again since (agreements/recovery.py).
    render_requested_at = models.DateTimeField(_("rendering asked for"), null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField(_("renderings asked again"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    objects = ScopedManager(
        models.Manager.from_queryset(VersionQuerySet), partnership="partnership"
    )

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="version_number_once"),
        ]

    def __str__(self):
        return f"{self.agreement} v{self.number}"

    def save(self, *args, **kwargs):
        # Immutability is the point of a version, so it is enforced here, where every write
        # passes: only the PDF fields may be filled in, once.
        if self.pk is not None:
            stored = (
                type(self)
                .objects.model._base_manager.filter(pk=self.pk)
                .values("snapshot_sha256", "pdf_sha256")
                .first()
            )
            if stored and stored["snapshot_sha256"] != self.snapshot_sha256:
                raise ValidationError(_("A version of the agreement never changes."))
            if stored and stored["pdf_sha256"] and stored["pdf_sha256"] != self.pdf_sha256:
                raise ValidationError(_("The PDF of a version never changes."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A version of the agreement is never deleted."))


class AccessionStatus(models.TextChoices):
    """made (rendering, or not sendable) → sent → signed; declined by a signer; voided by a
    leader."""

    MADE = "made", _("not sent")
    SENT = "sent", _("sent")
    SIGNED = "signed", _("signed")
    DECLINED = "declined", _("declined")
    VOIDED = "voided", _("voided")


ACCESSION_LIVE = (AccessionStatus.MADE, AccessionStatus.SENT, AccessionStatus.SIGNED)


class Accession(models.Model):
    """A deed of accession (toetredingsverklaring, docs/rules.md §25): a partner joining a
    signed agreement, signed by that partner and by the penvoerder on behalf of all parties.

    Its snapshot (the joining party with its tasks and contributions, the penvoerder, the
    agreement acceded to) never changes; the PDF is rendered from it once, then the round is
    sent (agreements.accession)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="accessions", verbose_name=_("agreement")
    )
    version = models.ForeignKey(
        AgreementVersion,
        on_delete=models.PROTECT,
        related_name="accessions",
        verbose_name=_("acceded to version"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="accessions",
        verbose_name=_("joining party"),
    )
    number = models.PositiveIntegerField(_("number"))
    snapshot = models.JSONField(_("snapshot"))
    snapshot_sha256 = models.CharField(_("SHA-256 of the snapshot"), max_length=64)
    pdf = models.FileField(_("PDF"), upload_to="accessions/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)
    render_error = models.TextField(_("rendering error"), blank=True)
    render_requested_at = models.DateTimeField(_("rendering asked for"), null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField(_("renderings asked again"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=AccessionStatus.choices, default=AccessionStatus.MADE
    )
    send_deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    send_message = models.TextField(_("message"), blank=True, max_length=2000)
    send_error = models.TextField(_("why it was not sent"), blank=True)
    document = models.ForeignKey(
        "signing.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True, max_length=2000)
    void_reason = models.TextField(_("reason for voiding"), blank=True, max_length=2000)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("deed of accession")
        verbose_name_plural = _("deeds of accession")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="accession_number_once"),
            models.UniqueConstraint(
                fields=["agreement", "organisation"],
                condition=models.Q(status__in=["made", "sent", "signed"]),
                name="accession_once_per_party",
                violation_error_message=_("This organisation already accedes to the agreement."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.number})"
