from django.contrib import admin

from bundle.models import BundleBuild


@admin.register(BundleBuild)
class BundleBuildAdmin(admin.ModelAdmin):
    """Read-only: a build is a record of what was handed to the accountant."""

    list_display = ("partnership", "year", "status", "via", "built_by", "built_at", "file_count")
    list_filter = ("status", "via", "year")
    search_fields = ("partnership__name", "manifest_sha256", "code")
    list_select_related = ("partnership", "built_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
