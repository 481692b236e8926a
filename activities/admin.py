from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from activities.models import Activity, Evaluation, Goal, Participant, Result


class ParticipantInline(admin.StackedInline):
    model = Participant
    extra = 0
    autocomplete_fields = ["organisation", "partnership"]


class ResultInline(admin.TabularInline):
    model = Result
    extra = 0
    fields = ["date", "kind", "description", "goal", "value", "celebrated"]
    autocomplete_fields = ["goal"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "horizon", "indicator", "target_value", "unit"]
    list_filter = ["partnership", "horizon"]
    search_fields = ["title", "description", "indicator"]
    list_select_related = ["partnership"]
    autocomplete_fields = ["partnership"]
    readonly_fields = ["code", "created_at"]


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = [
        "code_in_order",
        "title",
        "partnership",
        "form",
        "status",
        "horizon",
        "lead_organisation",
        "start_date",
        "end_date",
    ]
    list_filter = ["partnership", "form", "status", "horizon"]
    search_fields = ["short_code", "title", "description", "other_funding"]
    list_select_related = ["partnership", "lead_organisation"]
    autocomplete_fields = ["partnership", "lead_organisation", "goals"]
    readonly_fields = ["code", "created_at"]
    inlines = [ParticipantInline, ResultInline]
    ordering = ["sort_key", "pk"]

    @admin.display(description=_("code"), ordering="sort_key")
    def code_in_order(self, activity):
        """The code, sorting A2 before A10 when its column header is clicked."""
        return activity.short_code


@admin.register(Participant)
class ParticipantAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "activity", "partnership"]
    list_filter = ["partnership"]
    search_fields = ["organisation__name", "activity__title", "activity__short_code", "tasks"]
    list_select_related = ["organisation", "activity", "partnership"]
    autocomplete_fields = ["organisation", "activity", "partnership"]


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["date", "activity", "kind", "goal", "value", "celebrated"]
    list_filter = ["partnership", "kind", "celebrated"]
    search_fields = ["description", "activity__title", "activity__short_code"]
    list_select_related = ["activity", "goal"]
    date_hierarchy = "date"
    autocomplete_fields = ["activity", "goal", "partnership", "created_by"]
    readonly_fields = ["code", "created_at"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["date", "partnership", "created_by"]
    list_filter = ["partnership"]
    search_fields = ["decisions", "answer_goals", "answer_works"]
    list_select_related = ["partnership", "created_by"]
    date_hierarchy = "date"
    autocomplete_fields = ["partnership", "members", "organisations", "created_by"]
    readonly_fields = ["code", "created_at"]
