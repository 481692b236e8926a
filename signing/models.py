"""The signing service's records: a document to sign, its rounds and requests, and the audit
trail (docs/rules.md §13).

A `Document` is whatever a registered kind (signing.kinds) hands over: a title, the exact
PDF and its SHA-256, and the signers frozen as data. Signing knows nothing of what the
document is about: `subject` is an opaque reference only its kind reads, and `chain` names
the audit chain its events join (one chain per subject, e.g. per agreement, so every version
of one agreement shares a trail).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Partnership, Signatory


class Document(models.Model):
    """A document sent for signing: never changes once made (a change is a new document)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.CharField(_("subject"), max_length=100)
    chain = models.CharField(_("audit chain"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    pdf = models.FileField(_("PDF"), upload_to="documents/")
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    # Every signer as the document names them (signing.sending.Signer as a dict).
    signers = models.JSONField(_("signers"), default=list)
    # What the kind hands over besides (plain data): what it prints, and per party what the
    # signer commits to ("commitments", see signing.kinds).
    details = models.JSONField(_("details"), default=dict, blank=True)
    # The PDF's page sizes and where the kind's headings start (signing.pages.layout).
    pages = models.JSONField(_("pages"), default=dict, blank=True)
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("document to sign")
        verbose_name_plural = _("documents to sign")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject"], name="document_once_per_subject"),
        ]

    def __str__(self):
        return self.title


class AuditChain(models.Model):
    """The head of one audit chain: the number and hash of its last event, so removing events
    from the end of the chain is detected too. Its row is the lock every append takes."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=100, unique=True)
    seq = models.PositiveIntegerField(default=0)
    head = models.CharField(max_length=64, blank=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")

    def __str__(self):
        return self.key


class RoundStatus(models.TextChoices):
    OPEN = "open", _("collecting signatures")
    COMPLETED = "completed", _("signed by everyone")
    VOIDED = "voided", _("void")


class SigningRound(models.Model):
    """One document sent for signing: its requests, its deadline, its sealed result.

    At most one round of a chain is open at a time. The round is completed exactly once,
    when its last request is signed; the kind's completion and the sealed PDF follow in a
    task, so a completed round without `final_pdf` is "sealing pending".
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("document")
    )
    chain = models.CharField(max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    ordered = models.BooleanField(_("in order"), default=False)
    deadline = models.DateTimeField(_("deadline"))
    message = models.TextField(_("personal message"), blank=True, max_length=2000)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True, max_length=2000)
    # The kind's own completion (for the agreement: parties to "signed"), run once.
    finished_at = models.DateTimeField(_("completion handled"), null=True, blank=True)
    final_pdf = models.FileField(_("sealed PDF"), upload_to="signed/", blank=True)
    final_pdf_sha256 = models.CharField(
        _("SHA-256 of the sealed PDF"), max_length=64, blank=True, db_index=True
    )
    sealed_at = models.DateTimeField(_("sealed"), null=True, blank=True)
    seal_error = models.TextField(_("sealing error"), blank=True)
    seal_attempts = models.PositiveIntegerField(_("sealing attempts"), default=0)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("signing round")
        verbose_name_plural = _("signing rounds")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain"],
                condition=models.Q(status="open"),
                name="one_open_round_per_chain",
            ),
        ]

    def __str__(self):
        return f"{self.document} ({self.get_status_display()})"

    @property
    def sealing_pending(self) -> bool:
        return self.status == RoundStatus.COMPLETED and not (
            self.final_pdf_sha256 and self.finished_at
        )


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    SIGNED = "signed", _("signed")
    DECLINED = "declined", _("declined")
    REDIRECTED = "redirected", _("not the right person")
    REVOKED = "revoked", _("revoked")
    EXPIRED = "expired", _("expired")


class SignMethod(models.TextChoices):
    ONLINE = "online", _("online, with an e-mail code")
    IN_PERSON = "in_person", _("in person, on one device")
    PAPER = "paper", _("on paper (wet ink)")


class SignatureRequest(models.Model):
    """One required signer of a round, with the evidence of their signature.

    Who signs, for which organisation and by what authority is copied from the document's
    frozen signers when the round is sent, so the evidence shows what the document said. The
    link's token is never stored: only its SHA-256 (`token_hash`) and the salt it is derived
    from.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(SigningRound, on_delete=models.PROTECT, related_name="requests")
    signatory = models.ForeignKey(
        Signatory, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    party_key = models.CharField(max_length=36)
    signatory_key = models.CharField(max_length=36)
    organisation_name = models.CharField(_("organisation"), max_length=300)
    name = models.CharField(_("name"), max_length=300)
    job_title = models.CharField(_("job title"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail address"), max_length=254)
    authority_label = models.CharField(_("authority"), max_length=300)
    evidence = models.TextField(_("evidence of authority"), blank=True)
    is_penvoerder = models.BooleanField(default=False)
    step = models.PositiveSmallIntegerField(_("turn"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    token_salt = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_at = models.DateTimeField(_("link sent"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(_("reminders"), default=0)
    deadline_warned_at = models.DateTimeField(null=True, blank=True)
    # The one-time code: its hash, when it stops working and how often it was tried.
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    codes_sent = models.PositiveSmallIntegerField(default=0)
    code_verified_at = models.DateTimeField(_("code confirmed"), null=True, blank=True)
    # The signature and its evidence.
    method = models.CharField(_("how"), max_length=20, choices=SignMethod.choices, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    typed_name = models.CharField(_("typed name"), max_length=200, blank=True)
    statement = models.TextField(_("statement"), blank=True)
    signature_image = models.TextField(_("drawn signature"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    shown_pdf_sha256 = models.CharField(_("SHA-256 of the PDF shown"), max_length=64, blank=True)
    in_person_with = models.CharField(_("in person with"), max_length=300, blank=True)
    scan = models.FileField(_("signed scan"), upload_to="paper/", blank=True)
    scan_sha256 = models.CharField(_("SHA-256 of the scan"), max_length=64, blank=True)
    # Why a request ended without a signature, and what a kind's decline asks for more.
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    decline_details = models.JSONField(_("details of the decline"), default=dict, blank=True)
    suggested_name = models.CharField(_("the right person"), max_length=300, blank=True)
    suggested_email = models.EmailField(_("their e-mail address"), max_length=254, blank=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("signature request")
        verbose_name_plural = _("signature requests")
        ordering = ["step", "organisation_name", "name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.organisation_name})"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("An audit event never changes."))

    def delete(self):
        raise ValidationError(_("An audit event is never deleted."))


class AuditEvent(models.Model):
    """An append-only event of signing, hash-chained per chain (per document subject).

    `hash` is the SHA-256 of the event's canonical content including `prev_hash`, the hash of
    the chain's previous event (empty for the first), so changing or removing any row breaks
    the chain from there on (signing.audit.verify_chain).
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    chain = models.CharField(max_length=100)
    seq = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("event"), max_length=30)
    at = models.DateTimeField(_("time"))
    actor = models.CharField(_("by"), max_length=300, blank=True)
    round = models.ForeignKey(
        SigningRound, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    request = models.ForeignKey(
        SignatureRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = ScopedManager(
        models.Manager.from_queryset(AuditEventQuerySet), partnership="partnership"
    )

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_seq_once_per_chain"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("An audit event never changes."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("An audit event is never deleted."))
