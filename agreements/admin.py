import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, AgreementArticle, AgreementVersion, ClauseText


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["partnership", "penvoerder", "licence"]
    list_filter = ["licence"]
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


@admin.register(AgreementArticle)
class AgreementArticleAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "partnership", "position", "is_own", "is_removed"]
    list_filter = ["is_own", "is_removed"]
    search_fields = ["key", "title", "text", "partnership__name"]
    list_select_related = ["partnership"]
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
        "render_requested_at",
        "render_attempts",
        "created_by",
        "created_at",
        "snapshot_pretty",
    ]
    readonly_fields = fields

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(description=_("snapshot"))
    def snapshot_pretty(self, obj):
        text = json.dumps(obj.snapshot, indent=2, sort_keys=True, ensure_ascii=False)
        return format_html('<pre class="sterk-pre-wrap">{}</pre>', text)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
