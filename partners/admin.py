from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from partners.models import (
    ApprovalVia,
    Contact,
    Interaction,
    Invitation,
    Membership,
    Network,
    NetworkMember,
    Organisation,
    Partnership,
    Signatory,
    StageChange,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "partnership"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "region",
        "start_year",
        "end_year",
        "quiet_after_days",
        "is_demo",
    ]
    list_filter = ["is_demo", "start_year", "end_year"]
    search_fields = ["name", "slug", "region"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["code", "created_at"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "partnership", "role", "created_at"]
    list_filter = ["role", "partnership"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "partnership__name"]
    list_select_related = ["user", "partnership"]
    autocomplete_fields = ["user", "partnership"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "partnership",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", "partnership", "accepted_at", "revoked_at"]
    search_fields = ["email", "partnership__name"]
    list_select_related = ["partnership", "invited_by"]
    readonly_fields = ["code", "token_hash", "created_at", "accepted_at"]
    autocomplete_fields = ["partnership", "invited_by"]

    def has_add_permission(self, request):
        # Invitations are made in the app, which e-mails the one-time link.
        return False


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "email", "phone", "job_title", "is_primary"]
    show_change_link = True


class NetworkMemberInline(admin.TabularInline):
    model = NetworkMember
    extra = 0
    autocomplete_fields = ["organisation", "network"]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    readonly_fields = ["from_stage", "to_stage", "changed_by", "changed_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OrganisationAdminForm(forms.ModelForm):
    """The admin checks the legal entity as the organisation form does (docs/rules.md
    §17): same partnership, one level, a school board with a KvK number. The admin adds
    the model and fields (ModelAdmin.get_form)."""

    def clean(self):
        from partners.services.organisations import legal_entity_errors

        cleaned = super().clean()
        self.instance.partnership = cleaned.get("partnership") or self.instance.partnership
        for name in ("kind", "kvk_number", "belongs_to"):
            if name in cleaned:
                setattr(self.instance, name, cleaned[name])
        if self.instance.partnership_id is not None:
            errors = legal_entity_errors(self.instance)
            if errors:
                raise ValidationError(errors)
        return cleaned


class LocationInline(admin.TabularInline):
    model = Organisation
    fk_name = "belongs_to"
    fields = ["name", "kind", "brin_code", "city"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("location")
    verbose_name_plural = _("locations (organisations that belong to this one)")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    form = OrganisationAdminForm
    list_display = [
        "name",
        "partnership",
        "belongs_to",
        "kind",
        "sector",
        "stage",
        "city",
        "business",
        "relationship_owner",
    ]
    list_filter = [
        "partnership", "kind", "sector", "stage",
        ("counts_as_business", admin.BooleanFieldListFilter),
    ]  # fmt: skip
    search_fields = ["name", "kvk_number", "brin_code", "city"]
    list_select_related = ["partnership", "relationship_owner", "belongs_to"]
    autocomplete_fields = ["partnership", "relationship_owner", "belongs_to"]
    readonly_fields = [
        "code", "counts_as_business", "stage_changed_at", "created_at", "business_approved_by",
        "business_approved_at", "business_approved_via",
    ]  # fmt: skip
    inlines = [LocationInline, ContactInline, NetworkMemberInline, StageChangeInline]

    @admin.display(boolean=True, description=_("counts as business"), ordering="counts_as_business")
    def business(self, organisation):
        """A yes/no icon: the generated column itself would show True or False."""
        return organisation.counts_as_business

    def save_model(self, request, obj, form, change):
        # An override set or changed here is approved by the admin who saved it (§4).
        if obj.business_override is None:
            obj.business_approved_by = obj.business_approved_at = None
            obj.business_approved_via = ""
        elif not change or {"business_override", "business_justification"} & set(form.changed_data):
            obj.business_approved_by = request.user
            obj.business_approved_at = timezone.now()
            obj.business_approved_via = ApprovalVia.ADMIN
        super().save_model(request, obj, form, change)


class SignatoryInline(admin.StackedInline):
    model = Signatory
    extra = 0
    autocomplete_fields = ["co_signatory", "checked_by", "partnership"]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "job_title", "email", "phone", "is_primary"]
    list_filter = ["organisation__partnership", "is_primary", "organisation__kind"]
    search_fields = ["name", "email", "job_title", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation", "partnership"]
    readonly_fields = ["code", "created_at"]
    inlines = [SignatoryInline]


@admin.register(Signatory)
class SignatoryAdmin(SimpleHistoryAdmin):
    list_display = [
        "contact",
        "organisation",
        "authority",
        "proxy_limit",
        "evidence_source",
        "checked_by",
        "checked_at",
    ]
    list_filter = ["partnership", "authority", "evidence_source"]
    search_fields = ["contact__name", "contact__organisation__name", "evidence_reference"]
    list_select_related = ["contact__organisation", "checked_by"]
    autocomplete_fields = ["contact", "co_signatory", "checked_by", "partnership"]
    readonly_fields = ["code"]

    @admin.display(description=_("organisation"), ordering="contact__organisation__name")
    def organisation(self, obj):
        return obj.contact.organisation


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership", "kind", "website"]
    list_filter = ["partnership", "kind"]
    search_fields = ["name", "description"]
    list_select_related = ["partnership"]
    autocomplete_fields = ["partnership"]
    readonly_fields = ["code"]
    inlines = [NetworkMemberInline]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = [
        "date",
        "organisation",
        "kind",
        "next_step",
        "next_step_due",
        "next_step_owner",
        "next_step_done_at",
    ]
    list_filter = ["partnership", "kind", "next_step_done_at"]
    search_fields = ["summary", "next_step", "organisation__name"]
    list_select_related = ["organisation", "next_step_owner"]
    date_hierarchy = "date"
    autocomplete_fields = [
        "organisation",
        "partnership",
        "contacts",
        "members",
        "next_step_owner",
        "next_step_done_by",
        "created_by",
    ]
    readonly_fields = ["code", "created_at"]


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ["organisation", "from_stage", "to_stage", "changed_by", "changed_at"]
    list_filter = ["partnership", "to_stage"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "changed_by"]
    readonly_fields = [
        "partnership",
        "organisation",
        "from_stage",
        "to_stage",
        "changed_by",
        "changed_at",
    ]

    def has_add_permission(self, request):
        return False
