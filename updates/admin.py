from django.contrib import admin

from updates.models import PartnerUpdate, UpdateRecipient


class RecipientInline(admin.TabularInline):
    model = UpdateRecipient
    extra = 0
    fields = ["name", "organisation_name", "email", "message"]
    readonly_fields = fields
    can_delete = False


@admin.register(PartnerUpdate)
class PartnerUpdateAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "period_start", "period_end", "status", "sent_at"]
    list_filter = ["status", "partnership"]
    search_fields = ["title", "partnership__name"]
    list_select_related = ["partnership"]
    readonly_fields = ["code", "status", "sent_at", "sent_by", "created_by", "pdf_path"]
    inlines = [RecipientInline]
