"""The admin of signing: everything read-only; documents, rounds, requests and events
change only through the signing services, which record every change in the audit trail."""

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from signing.models import AuditChain, AuditEvent, Document, SignatureRequest, SigningRound


class ReadOnlyAdminMixin:
    """Viewing only: rounds, requests and audit events change through the signing services
    (signing.services), which record every change in the audit trail; an edit here would
    bypass it."""

    class Media:
        # Classes for the JSON and the drawn signature below: the CSP refuses style attributes.
        css = {"all": ["css/admin.css"]}

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _pretty_json(value) -> str:
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return format_html('<pre class="sterk-pre-wrap">{}</pre>', text)


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
    "decline_details",
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
        "document",
        "status",
        "deadline",
        "completed_at",
        "sealed_at",
    ]
    list_filter = ["status", "partnership"]
    search_fields = ["partnership__name", "partnership__slug", "final_pdf_sha256"]
    list_select_related = ["partnership", "document"]
    date_hierarchy = "sent_at"
    fields = [
        "code",
        "partnership",
        "document",
        "chain",
        "status",
        "ordered",
        "message",
        "deadline",
        "sent_by",
        "sent_at",
        "completed_at",
        "voided_at",
        "voided_by",
        "void_reason",
        "final_pdf",
        "final_pdf_sha256",
        "finished_at",
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
    list_select_related = ["round__document"]
    fields = REQUEST_FIELDS
    readonly_fields = fields
    exclude = ["token_salt", "token_hash", "code_hash"]

    @admin.display(description=_("drawn signature"))
    def signature_preview(self, obj):
        if not obj.signature_image.startswith("data:image/png;base64,"):
            return "—"
        return format_html(
            '<img src="{}" alt="{}" class="sterk-signature-preview">',
            obj.signature_image,
            _("drawn signature"),
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["seq", "kind", "at", "actor", "hash", "chain"]
    list_filter = ["kind", "partnership"]
    search_fields = ["actor", "hash", "chain", "partnership__name"]
    ordering = ["chain", "seq"]
    fields = [
        "partnership",
        "chain",
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


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "partnership", "created_at"]
    list_filter = ["kind", "partnership"]
    search_fields = ["title", "pdf_sha256", "partnership__name"]
    list_select_related = ["partnership"]
    fields = [
        "code",
        "partnership",
        "kind",
        "subject",
        "chain",
        "title",
        "pdf",
        "pdf_sha256",
        "signers_pretty",
        "details_pretty",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("signers"))
    def signers_pretty(self, obj):
        return _pretty_json(obj.signers)

    @admin.display(description=_("details"))
    def details_pretty(self, obj):
        return _pretty_json(obj.details)


@admin.register(AuditChain)
class AuditChainAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["key", "partnership", "seq", "head"]
    list_filter = ["partnership"]
    search_fields = ["key", "head"]
    list_select_related = ["partnership"]
    fields = ["key", "partnership", "seq", "head"]
    readonly_fields = fields
