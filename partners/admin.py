from django.contrib import admin

from partners.models import Invitation, Membership, Partnership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "partnership"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "region", "start_year", "end_year", "is_demo"]
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
