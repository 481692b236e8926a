from django.urls import path

from partners.views import (
    contacts,
    interactions,
    mail,
    members,
    networks,
    next_steps,
    organisations,
)

app_name = "partners"

# Mounted under /p/<slug>/.
urlpatterns = [
    # Undelivered e-mail
    path("mail/<uuid:code>/retry/", mail.mail_retry, name="mail-retry"),
    # Organisations and the pipeline
    path("partners/", organisations.organisation_list, name="organisation-list"),
    path("partners/export/", organisations.organisation_export, name="organisation-export"),
    path("partners/new/", organisations.organisation_create, name="organisation-create"),
    path("partners/options/", organisations.organisation_options, name="organisation-options"),
    path("partners/board/", organisations.organisation_board, name="organisation-board"),
    path("partners/<uuid:code>/", organisations.organisation_detail, name="organisation-detail"),
    path(
        "partners/<uuid:code>/edit/", organisations.organisation_update, name="organisation-update"
    ),
    path(
        "partners/<uuid:code>/delete/",
        organisations.organisation_delete,
        name="organisation-delete",
    ),
    path("partners/<uuid:code>/stage/", organisations.organisation_move, name="organisation-move"),
    path("settings/", organisations.partnership_settings, name="partnership-settings"),
    # Contacts and signatories
    path("contacts/", contacts.contact_list, name="contact-list"),
    path("contacts/export/", contacts.contact_export, name="contact-export"),
    path("partners/<uuid:code>/contacts/new/", contacts.contact_create, name="contact-create"),
    path("contacts/<uuid:code>/edit/", contacts.contact_update, name="contact-update"),
    path("contacts/<uuid:code>/delete/", contacts.contact_delete, name="contact-delete"),
    path("contacts/<uuid:code>/signatory/", contacts.signatory_edit, name="signatory-edit"),
    path(
        "contacts/<uuid:code>/signatory/remove/",
        contacts.signatory_delete,
        name="signatory-delete",
    ),
    path("contacts/<uuid:code>/signatory/check/", contacts.signatory_check, name="signatory-check"),
    # Networks
    path("networks/", networks.network_list, name="network-list"),
    path("networks/export/", networks.network_export, name="network-export"),
    path("networks/new/", networks.network_create, name="network-create"),
    path("networks/<uuid:code>/", networks.network_detail, name="network-detail"),
    path("networks/<uuid:code>/edit/", networks.network_update, name="network-update"),
    path(
        "networks/<uuid:code>/members/add/", networks.network_member_add, name="network-member-add"
    ),
    path(
        "networks/<uuid:code>/members/<int:member>/remove/",
        networks.network_member_remove,
        name="network-member-remove",
    ),
    # Contact moments, follow-up and relationships gone quiet
    path(
        "partners/<uuid:code>/contact-moments/new/",
        interactions.interaction_create,
        name="interaction-create",
    ),
    path(
        "contact-moments/<uuid:code>/edit/",
        interactions.interaction_update,
        name="interaction-update",
    ),
    path(
        "contact-moments/<uuid:code>/delete/",
        interactions.interaction_delete,
        name="interaction-delete",
    ),
    path("contact-moments/<uuid:code>/done/", interactions.next_step_done, name="next-step-done"),
    path(
        "contact-moments/<uuid:code>/done-and-plan/",
        next_steps.next_step_plan,
        name="next-step-plan",
    ),
    path("follow-up/", interactions.follow_up, name="follow-up"),
    path("gone-quiet/", interactions.gone_quiet, name="gone-quiet"),
    # Members of the partnership
    path("members/", members.member_list, name="member-list"),
    path("members/invite/", members.invitation_create, name="invitation-create"),
    path(
        "members/invitations/<uuid:code>/withdraw/",
        members.invitation_revoke,
        name="invitation-revoke",
    ),
    path("members/<uuid:code>/", members.membership_update, name="membership-update"),
    path("members/<uuid:code>/remove/", members.membership_delete, name="membership-delete"),
]
