from django.contrib import admin

from outreach.models import ApproachStep, PackTexts


@admin.register(PackTexts)
class PackTextsAdmin(admin.ModelAdmin):
    list_display = ("partnership", "updated_by", "updated_at")
    list_select_related = ("partnership", "updated_by")
    search_fields = ("partnership__name",)


@admin.register(ApproachStep)
class ApproachStepAdmin(admin.ModelAdmin):
    list_display = ("organisation", "step", "interaction", "ticked_by", "ticked_at")
    list_filter = ("step",)
    list_select_related = ("organisation", "interaction", "ticked_by")
    search_fields = ("organisation__name",)
    raw_id_fields = ("organisation", "interaction")
