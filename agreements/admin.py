import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from agreements.models import (
    Agreement,
    AgreementVersion,
    AuditEvent,
    ClauseText,
    SignatureRequest,
    SigningRound,
)


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["partnership", "penvoerder"]
    search_fields = ["partnership__name", "penvoerder__name"]
    list_select_related = ["partnership", "penvoerder"]
    autocomplete_fields = ["partnership", "penvoerder"]


@admin.register(ClauseText)
class ClauseTextAdmin(admin.ModelAdmin):
    list_display = ["key", "partnership", "changed_by", "changed_at"]
    list_filter = ["key"]
    search_fields = ["key", "text", "partnership__name"]
    list_select_related = ["partnership", "changed_by"]
    autocomplete_fields = ["partnership"]
    readonly_fields = ["changed_by", "changed_at"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(admin.ModelAdmin):
    """Read-only: a version never changes and is never deleted; versions are made by the
    service (agreements.services.version_create), never by hand."""

    list_display = ["__str__", "number", "partnership", "created_by", "created_at", "rendered_at"]
    list_filter = ["partnership"]
    search_fields = ["partnership__name", "snapshot_sha256", "pdf_sha256"]
    list_select_related = ["partnership", "agreement__partnership", "created_by"]
    fields = [
        "code",
        "partnership",
        "agreement",
        "number",
        "snapshot_sha256",
        "pdf",
        "pdf_sha256",
        "rendered_at",
        "render_error",
        "created_by",
        "created_at",
        "snapshot_pretty",
    ]
    readonly_fields = fields

    @admin.display(description=_("snapshot"))
    def snapshot_pretty(self, obj):
        text = json.dumps(obj.snapshot, indent=2, sort_keys=True, ensure_ascii=False)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Signing (issue 7): everything read-only; rounds change only through the app ----------


class ReadOnlyAdminMixin:
    """Viewing only: rounds, requests and audit events change through the signing services
    (agreements.signing), which record every change in the audit trail; an edit here would
    bypass it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _pretty_json(value) -> str:
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


# The link's salt and hash and the code's hash are left out everywhere: the salt with the
# secret key gives the working link, and the hashes are material for guessing.
REQUEST_FIELDS = [
    "code",
    "partnership",
    "round",
    "signatory",
    "organisation_name",
    "name",
    "job_title",
    "email",
    "authority_label",
    "evidence",
    "is_penvoerder",
    "step",
    "status",
    "invited_at",
    "opened_at",
    "last_reminded_at",
    "reminders_sent",
    "deadline_warned_at",
    "code_sent_at",
    "code_expires_at",
    "code_attempts",
    "codes_sent",
    "code_verified_at",
    "method",
    "signed_at",
    "typed_name",
    "statement",
    "signature_preview",
    "ip_address",
    "user_agent",
    "shown_pdf_sha256",
    "in_person_with",
    "scan",
    "scan_sha256",
    "reason",
    "suggested_name",
    "suggested_email",
]


class SignatureRequestInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SignatureRequest
    extra = 0
    fields = [
        "step",
        "organisation_name",
        "name",
        "email",
        "status",
        "method",
        "invited_at",
        "signed_at",
    ]
    readonly_fields = fields
    exclude = ["token_salt", "token_hash", "code_hash"]
    show_change_link = True
    ordering = ["step", "organisation_name", "name", "pk"]


@admin.register(SigningRound)
class SigningRoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "partnership",
        "version",
        "status",
        "deadline",
        "completed_at",
        "sealed_at",
    ]
    list_filter = ["status", "partnership"]
    search_fields = ["partnership__name", "partnership__slug", "final_pdf_sha256"]
    list_select_related = ["partnership", "version__agreement__partnership"]
    date_hierarchy = "sent_at"
    fields = [
        "code",
        "partnership",
        "agreement",
        "version",
        "status",
        "ordered",
        "deadline",
        "sent_by",
        "sent_at",
        "completed_at",
        "voided_at",
        "voided_by",
        "void_reason",
        "final_pdf",
        "final_pdf_sha256",
        "sealed_at",
        "seal_error",
        "seal_attempts",
    ]
    readonly_fields = fields
    inlines = [SignatureRequestInline]


@admin.register(SignatureRequest)
class SignatureRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisation_name", "email", "status", "method", "signed_at", "round"]
    list_filter = ["status", "method", "partnership"]
    search_fields = ["name", "email", "organisation_name", "typed_name"]
    list_select_related = ["round__version__agreement__partnership"]
    fields = REQUEST_FIELDS
    readonly_fields = fields
    exclude = ["token_salt", "token_hash", "code_hash"]

    @admin.display(description=_("drawn signature"))
    def signature_preview(self, obj):
        if not obj.signature_image.startswith("data:image/png;base64,"):
            return "—"
        return format_html(
            '<img src="{}" alt="{}" style="max-height: 6rem">',
            obj.signature_image,
            _("drawn signature"),
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["seq", "kind", "at", "actor", "hash", "agreement"]
    list_filter = ["kind", "partnership"]
    search_fields = ["actor", "hash", "partnership__name"]
    list_select_related = ["agreement__partnership"]
    ordering = ["agreement", "seq"]
    fields = [
        "partnership",
        "agreement",
        "seq",
        "kind",
        "at",
        "actor",
        "round",
        "request",
        "data_pretty",
        "prev_hash",
        "hash",
    ]
    readonly_fields = fields

    @admin.display(description=_("details"))
    def data_pretty(self, obj):
        return _pretty_json(obj.data)
