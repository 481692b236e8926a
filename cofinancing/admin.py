from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cofinancing.models import (
    AnnualStatement,
    Budget,
    CompanyStatement,
    Contribution,
    ContributionStatus,
    CostLine,
    Evidence,
    FundingLine,
    Scheme,
)
from cofinancing.services.contributions import contribution_value
from cofinancing.services.evidence import evidence_delete
from cofinancing.services.statement_voiding import contributions_changed
from sterk.money import round_money


class ContributionAdminForm(forms.ModelForm):
    """The admin values a contribution by the same rules as the app; the value is never typed."""

    class Meta:
        model = Contribution
        # The admin adds every field at request time, inside its scopes_disabled(); naming
        # a relation here would build its choices at import, outside any scope.
        fields = ["description"]

    def clean(self):
        cleaned = super().clean()
        partnership = cleaned.get("partnership")
        budget = Budget.objects.select_related("scheme").filter(partnership=partnership).first()
        if budget is None:
            raise ValidationError(_("This partnership has no budget (scheme) yet."))
        if cleaned.get("status") == ContributionStatus.CERTIFIED and not (
            self.instance.pk and self.instance.is_certified
        ):
            raise ValidationError(
                _(
                    "A contribution is certified by the company's signed statement, not by "
                    "entering it."
                )
            )
        if cleaned.get("kind"):
            self.instance.value = contribution_value(
                budget=budget, kind=cleaned["kind"], fields=cleaned
            )
        return cleaned


class CostLineAdminForm(forms.ModelForm):
    class Meta:
        model = CostLine
        fields = ["description"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("unit_price") is not None and cleaned.get("quantity") is not None:
            self.instance.amount = round_money(cleaned["unit_price"] * cleaned["quantity"])
        return cleaned


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    """Schemes are edited by admins only; project leaders choose one for their budget."""

    list_display = [
        "name",
        "code",
        "start_year",
        "end_year",
        "share",
        "base",
        "default_hourly_rate",
    ]
    search_fields = ["name", "code"]
    list_filter = ["base"]


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["partnership", "scheme"]
    list_filter = ["scheme"]
    search_fields = ["partnership__name"]
    list_select_related = ["partnership", "scheme"]
    autocomplete_fields = ["partnership"]


@admin.register(Contribution)
class ContributionAdmin(SimpleHistoryAdmin):
    form = ContributionAdminForm
    list_display = [
        "description",
        "organisation",
        "year",
        "kind",
        "status",
        "value",
        "other_funding",
    ]
    list_filter = ["partnership", "year", "kind", "status"]
    search_fields = ["description", "organisation__name", "machine_id", "other_funding"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["partnership", "organisation", "activity", "created_by"]
    # Realising and cancelling are actions of the app, valued and checked there
    # (cofinancing/services/realisation.py); a certified contribution is never changed.
    readonly_fields = [
        "code", "value", "created_at", "realised_on", "realised_quantity", "realised_value",
        "cancel_reason", "certified_by",
    ]  # fmt: skip

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            # A statement out for signing that lists it is voided (docs/rules.md §23).
            contributions_changed([obj.pk], user=request.user, what="admin")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_certified:
            return [field.name for field in obj._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_certified:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(CostLine)
class CostLineAdmin(SimpleHistoryAdmin):
    form = CostLineAdminForm
    list_display = [
        "description",
        "partnership",
        "year",
        "category",
        "unit_price",
        "quantity",
        "amount",
    ]
    list_filter = ["partnership", "year", "category"]
    search_fields = ["description"]
    list_select_related = ["partnership"]
    autocomplete_fields = ["partnership", "activity"]
    readonly_fields = ["code", "amount"]


@admin.register(FundingLine)
class FundingLineAdmin(SimpleHistoryAdmin):
    list_display = ["description", "partnership", "year", "source", "amount"]
    list_filter = ["partnership", "year", "source"]
    search_fields = ["description"]
    list_select_related = ["partnership"]
    autocomplete_fields = ["partnership"]
    readonly_fields = ["code"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    """Read-mostly: a file is added through the app (which checks what it is), never replaced
    here; only the kind and the note can be corrected. Deleting goes through the service, so
    the file goes with the row. The file itself is not linked: it is served to members only,
    never from MEDIA_URL."""

    list_display = [
        "name",
        "partnership",
        "kind",
        "contribution",
        "cost_line",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
    list_filter = ["partnership", "kind", "content_type", "uploaded_at"]
    search_fields = [
        "name",
        "note",
        "sha256",
        "contribution__description",
        "cost_line__description",
    ]
    list_select_related = ["partnership", "contribution", "cost_line", "uploaded_by"]
    fields = [
        "code",
        "partnership",
        "contribution",
        "cost_line",
        "kind",
        "note",
        "name",
        "content_type",
        "size",
        "sha256",
        "stored_as",
        "uploaded_by",
        "uploaded_at",
    ]
    readonly_fields = [
        "code",
        "partnership",
        "contribution",
        "cost_line",
        "name",
        "content_type",
        "size",
        "sha256",
        "stored_as",
        "uploaded_by",
        "uploaded_at",
    ]
    date_hierarchy = "uploaded_at"

    @admin.display(description=_("stored as"))
    def stored_as(self, obj):
        return obj.file.name

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        evidence_delete(evidence=obj)

    def delete_queryset(self, request, queryset):
        for evidence in queryset:
            evidence_delete(evidence=evidence)


@admin.register(AnnualStatement)
class AnnualStatementAdmin(admin.ModelAdmin):
    """Read only: a statement is made from the reports page and never changed (§22)."""

    list_display = ["partnership", "year", "created_by", "created_at", "rendered_at"]
    list_filter = ["partnership", "year"]
    list_select_related = ["partnership", "created_by"]
    search_fields = ["partnership__name", "pdf_sha256", "ledger_sha256"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CompanyStatement)
class CompanyStatementAdmin(admin.ModelAdmin):
    """Read only: statements are made, sent and voided from the app (§23)."""

    list_display = ["organisation", "year", "number", "status", "total", "created_at"]
    list_filter = ["partnership", "year", "status"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name", "pdf_sha256", "snapshot_sha256"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
