from django.contrib import admin

from governance.models import Action, Body, BodyMember, Decision, Meeting, Responsibility


class BodyMemberInline(admin.TabularInline):
    model = BodyMember
    extra = 0
    raw_id_fields = ["contact", "user"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "partnership"]
    list_filter = ["kind", "partnership"]
    search_fields = ["name", "decides_on"]
    list_select_related = ["partnership"]
    raw_id_fields = ["chair", "secretary"]
    inlines = [BodyMemberInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["body", "date", "partnership"]
    list_filter = ["partnership"]
    search_fields = ["body__name", "agenda", "minutes"]
    list_select_related = ["body", "partnership"]
    date_hierarchy = "date"
    filter_horizontal = ["attendees"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "body", "partnership"]
    list_filter = ["partnership", "body"]
    search_fields = ["title", "text"]
    list_select_related = ["body", "partnership"]
    raw_id_fields = ["meeting"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["description", "body", "due", "done_at", "partnership"]
    list_filter = ["partnership"]
    search_fields = ["description"]
    list_select_related = ["body", "partnership"]
    raw_id_fields = ["meeting", "owner", "done_by"]


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["role", "activity", "goal", "body", "contact", "user", "partnership"]
    list_filter = ["role", "partnership"]
    list_select_related = ["activity", "goal", "body", "contact", "user", "partnership"]
    raw_id_fields = ["activity", "goal", "body", "contact", "user"]
