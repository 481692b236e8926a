"""Networks the partnership works with and their member organisations."""

from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from partners.models import Network, NetworkKind, NetworkMember, OrganisationKind
from partners.selectors.networks import organisation_networks
from partners.services import networks as services
from tests.factories import NetworkFactory, NetworkMemberFactory, OrganisationFactory
from tests.xlsx_checks import assert_defused

SCRIPT = "<script>alert(1)</script>"

pytestmark = pytest.mark.usefixtures("no_scopes")


def url(name, **kwargs):
    return reverse(f"partners:{name}", kwargs={"slug": "twente", **kwargs})


def network_data(**overrides):
    return {
        "name": "Techniekpact Twente",
        "kind": NetworkKind.TECHNIEKPACT,
        "website": "https://techniekpact.nl",
        "description": "Regionale afspraken over techniekonderwijs.",
        **overrides,
    }


def names_on_page(response):
    return [network.name for network in response.context["page"].object_list]


# --- Services -----------------------------------------------------------------------------


def test_network_create_saves_a_network_in_the_partnership(partnership):
    network = services.network_create(partnership=partnership, **network_data(name="  Fablab  "))
    assert network.pk and network.partnership == partnership
    assert network.name == "Fablab"


def test_network_create_rejects_an_empty_name(partnership):
    with pytest.raises(ValidationError) as error:
        services.network_create(partnership=partnership, **network_data(name="   "))
    assert "name" in error.value.message_dict
    assert not Network.objects.exists()


def test_network_create_rejects_a_name_taken_in_another_case(partnership):
    NetworkFactory(partnership=partnership, name="Jet-Net Twente")
    with pytest.raises(ValidationError) as error:
        services.network_create(partnership=partnership, **network_data(name="JET-NET twente"))
    assert "name" in error.value.message_dict
    assert Network.objects.count() == 1


def test_the_same_name_is_allowed_in_another_partnership(partnership, other_partnership):
    NetworkFactory(partnership=other_partnership, name="Fieldlab Zuid")
    services.network_create(partnership=partnership, **network_data(name="Fieldlab Zuid"))
    assert Network.objects.filter(name="Fieldlab Zuid").count() == 2


def test_network_update_keeps_its_own_name_but_not_another_networks(partnership):
    network = NetworkFactory(partnership=partnership, name="Katapult Oost")
    NetworkFactory(partnership=partnership, name="Economic Board Twente")
    services.network_update(network=network, **network_data(name="katapult oost"))
    assert Network.objects.get(pk=network.pk).name == "katapult oost"
    with pytest.raises(ValidationError) as error:
        services.network_update(network=network, **network_data(name="Economic board twente"))
    assert "name" in error.value.message_dict
    assert Network.objects.get(pk=network.pk).name == "katapult oost"


def test_network_create_rejects_a_description_of_10000_characters(partnership):
    with pytest.raises(ValidationError) as error:
        services.network_create(partnership=partnership, **network_data(description="x" * 10_000))
    assert "description" in error.value.message_dict
    assert not Network.objects.exists()


def test_network_create_rejects_a_website_that_is_not_a_url(partnership):
    with pytest.raises(ValidationError) as error:
        services.network_create(partnership=partnership, **network_data(website="javascript:x"))
    assert "website" in error.value.message_dict


def test_member_add_rejects_an_organisation_of_another_partnership(partnership, other_partnership):
    network = NetworkFactory(partnership=partnership)
    foreign = OrganisationFactory(partnership=other_partnership)
    with pytest.raises(ValidationError) as error:
        services.network_member_add(network=network, organisation=foreign, role="Lid")
    assert "organisation" in error.value.message_dict
    assert not NetworkMember.objects.exists()


def test_member_add_rejects_the_same_organisation_twice(partnership):
    network = NetworkFactory(partnership=partnership)
    organisation = OrganisationFactory(partnership=partnership)
    member = services.network_member_add(network=network, organisation=organisation, role="Lid")
    assert member.partnership == partnership and member.role == "Lid"
    with pytest.raises(ValidationError) as error:
        services.network_member_add(network=network, organisation=organisation, role="Voorzitter")
    assert "organisation" in error.value.message_dict
    assert NetworkMember.objects.get().role == "Lid"


def test_member_add_rejects_a_role_over_200_characters(partnership):
    network = NetworkFactory(partnership=partnership)
    organisation = OrganisationFactory(partnership=partnership)
    with pytest.raises(ValidationError) as error:
        services.network_member_add(network=network, organisation=organisation, role="r" * 201)
    assert "role" in error.value.message_dict
    assert not NetworkMember.objects.exists()


def test_organisation_networks_lists_its_memberships_by_network_name(partnership):
    organisation = OrganisationFactory(partnership=partnership)
    NetworkMemberFactory(
        network=NetworkFactory(partnership=partnership, name="Zuid"), organisation=organisation
    )
    NetworkMemberFactory(
        network=NetworkFactory(partnership=partnership, name="Noord"),
        organisation=organisation,
        role="Gastheer",
    )
    NetworkMemberFactory(network=NetworkFactory(partnership=partnership, name="Ander"))
    memberships = organisation_networks(organisation=organisation)
    assert [(m.network.name, m.role) for m in memberships] == [
        ("Noord", "Gastheer"),
        ("Zuid", "Lid"),
    ]


# --- Create and update through the forms --------------------------------------------------


def test_editor_adds_a_network_and_lands_on_its_page(client, editor, partnership):
    client.force_login(editor)
    response = client.post(url("network-create"), network_data())
    network = Network.objects.get()
    assert response.status_code == 302
    assert response.url == url("network-detail", code=network.code)
    assert (network.partnership, network.kind) == (partnership, NetworkKind.TECHNIEKPACT)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "n" * 201),
        ("kind", "no-such-kind"),
        ("website", "not a website"),
        ("description", "x" * 10_000),
    ],
)
def test_create_form_with_bad_input_shows_an_error_and_saves_nothing(leader_client, field, value):
    response = leader_client.post(url("network-create"), network_data(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Network.objects.exists()


def test_create_form_with_a_duplicate_name_shows_an_error_on_the_name(leader_client, partnership):
    NetworkFactory(partnership=partnership, name="Techniekpact Twente")
    response = leader_client.post(url("network-create"), network_data(name="techniekpact TWENTE"))
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Network.objects.count() == 1


def test_update_form_saves_changes(leader_client, partnership):
    network = NetworkFactory(partnership=partnership, name="Fablab Enschede")
    response = leader_client.post(
        url("network-update", code=network.code),
        network_data(name="Fablab Hengelo", kind=NetworkKind.FABLAB, website=""),
    )
    assert response.status_code == 302
    network.refresh_from_db()
    assert (network.name, network.kind, network.website) == ("Fablab Hengelo", "fablab", "")


def test_update_form_with_a_duplicate_name_keeps_the_saved_name(leader_client, partnership):
    network = NetworkFactory(partnership=partnership, name="Fablab Enschede")
    NetworkFactory(partnership=partnership, name="Fablab Hengelo")
    response = leader_client.post(
        url("network-update", code=network.code), network_data(name="FABLAB HENGELO")
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert response.context["network"].name == "Fablab Enschede"
    network.refresh_from_db()
    assert network.name == "Fablab Enschede"


def test_network_of_another_partnership_is_404(leader_client, other_partnership):
    network = NetworkFactory(partnership=other_partnership)
    assert leader_client.get(url("network-detail", code=network.code)).status_code == 404
    response = leader_client.post(url("network-update", code=network.code), network_data())
    assert response.status_code == 404
    network.refresh_from_db()
    assert network.name != "Techniekpact Twente"


def test_script_in_names_and_roles_is_shown_escaped(leader_client, partnership):
    leader_client.post(url("network-create"), network_data(name=SCRIPT, description=SCRIPT))
    network = Network.objects.get(name=SCRIPT)
    NetworkMemberFactory(
        network=network, organisation=OrganisationFactory(partnership=partnership, name=SCRIPT)
    )
    NetworkMember.objects.update(role=SCRIPT)
    pages = [
        leader_client.get(url("network-list")),
        leader_client.get(url("network-list"), {"q": SCRIPT}),
        leader_client.get(url("network-detail", code=network.code)),
        leader_client.get(url("network-update", code=network.code)),
        leader_client.get(
            url("network-member-remove", code=network.code, member=NetworkMember.objects.get().pk)
        ),
    ]
    for response in pages:
        assert response.status_code == 200
        content = response.content.decode()
        assert SCRIPT not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


# --- Members ------------------------------------------------------------------------------


def test_editor_adds_a_member_with_a_role(client, editor, partnership):
    client.force_login(editor)
    network = NetworkFactory(partnership=partnership)
    organisation = OrganisationFactory(partnership=partnership)
    response = client.post(
        url("network-member-add", code=network.code),
        {"organisation": organisation.pk, "role": "Kartrekker"},
    )
    assert response.status_code == 302
    assert response.url == url("network-detail", code=network.code)
    member = NetworkMember.objects.get()
    assert (member.network, member.organisation, member.role, member.partnership) == (
        network,
        organisation,
        "Kartrekker",
        partnership,
    )


def test_member_form_offers_only_this_partnerships_organisations_not_yet_members(
    leader_client, partnership, other_partnership
):
    network = NetworkFactory(partnership=partnership)
    member = NetworkMemberFactory(network=network)
    free = OrganisationFactory(partnership=partnership)
    OrganisationFactory(partnership=other_partnership)
    response = leader_client.get(url("network-member-add", code=network.code))
    choices = list(response.context["form"].fields["organisation"].queryset)
    assert choices == [free]
    assert member.organisation not in choices


def test_forged_organisation_of_another_partnership_is_a_form_error(
    leader_client, partnership, other_partnership
):
    network = NetworkFactory(partnership=partnership)
    foreign = OrganisationFactory(partnership=other_partnership)
    response = leader_client.post(
        url("network-member-add", code=network.code), {"organisation": foreign.pk, "role": "Lid"}
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not NetworkMember.objects.exists()


def test_adding_an_existing_member_again_is_a_form_error(leader_client, partnership):
    member = NetworkMemberFactory(network=NetworkFactory(partnership=partnership), role="Lid")
    response = leader_client.post(
        url("network-member-add", code=member.network.code),
        {"organisation": member.organisation.pk, "role": "Voorzitter"},
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert NetworkMember.objects.get().role == "Lid"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"organisation": "", "role": "Lid"}, "organisation"),
        ({"organisation": "not-a-number", "role": "Lid"}, "organisation"),
        ({"role": "r" * 201}, "role"),
    ],
)
def test_member_form_with_bad_input_saves_nothing(leader_client, partnership, data, field):
    network = NetworkFactory(partnership=partnership)
    organisation = OrganisationFactory(partnership=partnership)
    response = leader_client.post(
        url("network-member-add", code=network.code), {"organisation": organisation.pk, **data}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not NetworkMember.objects.exists()


def test_remove_asks_first_and_then_removes_only_that_member(leader_client, partnership):
    network = NetworkFactory(partnership=partnership)
    leaving, staying = NetworkMemberFactory.create_batch(2, network=network)
    remove_url = url("network-member-remove", code=network.code, member=leaving.pk)

    assert leader_client.get(remove_url).status_code == 200
    assert NetworkMember.objects.count() == 2

    response = leader_client.post(remove_url)
    assert response.status_code == 302
    assert response.url == url("network-detail", code=network.code)
    assert list(NetworkMember.objects.all()) == [staying]
    assert NetworkMember.objects.filter(organisation=leaving.organisation).count() == 0
    leaving.organisation.refresh_from_db()  # the organisation itself stays


def test_remove_through_another_networks_address_is_404(leader_client, partnership):
    member = NetworkMemberFactory(network=NetworkFactory(partnership=partnership))
    other = NetworkFactory(partnership=partnership)
    response = leader_client.post(url("network-member-remove", code=other.code, member=member.pk))
    assert response.status_code == 404
    assert NetworkMember.objects.filter(pk=member.pk).exists()


# --- Changing a member's role -----------------------------------------------------------


def role_url(member):
    return url("network-member-add", code=member.network.code) + f"?member={member.pk}"


def test_the_network_page_links_to_changing_each_members_role(leader_client, partnership):
    member = NetworkMemberFactory(network=NetworkFactory(partnership=partnership))
    html = leader_client.get(url("network-detail", code=member.network.code)).content.decode()
    assert role_url(member) in html


def test_editor_changes_a_members_role(client, editor, partnership):
    client.force_login(editor)
    member = NetworkMemberFactory(network=NetworkFactory(partnership=partnership), role="Lid")
    form = client.get(role_url(member))
    assert form.status_code == 200
    assert form.context["form"].initial == {"role": "Lid"}
    response = client.post(role_url(member), {"role": "  Voorzitter  "})
    assert response.status_code == 302
    assert response.url == url("network-detail", code=member.network.code)
    member.refresh_from_db()
    assert member.role == "Voorzitter"
    assert NetworkMember.objects.count() == 1


@pytest.mark.parametrize("role", ["R" * 201, "R" * 10_000])
def test_a_too_long_role_is_a_form_error_and_changes_nothing(leader_client, partnership, role):
    member = NetworkMemberFactory(network=NetworkFactory(partnership=partnership), role="Lid")
    response = leader_client.post(role_url(member), {"role": role})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    member.refresh_from_db()
    assert member.role == "Lid"


def test_a_script_in_a_role_is_saved_as_text_and_shown_escaped(leader_client, partnership):
    member = NetworkMemberFactory(network=NetworkFactory(partnership=partnership))
    leader_client.post(role_url(member), {"role": SCRIPT})
    member.refresh_from_db()
    assert member.role == SCRIPT
    assert SCRIPT not in leader_client.get(role_url(member)).content.decode()


@pytest.mark.parametrize("member_id", ["abc", "999999", "", "²", "9" * 40])
def test_an_unknown_member_is_404(leader_client, partnership, member_id):
    network = NetworkFactory(partnership=partnership)
    address = url("network-member-add", code=network.code) + f"?member={member_id}"
    assert leader_client.get(address).status_code == 404


def test_a_member_of_another_network_cannot_be_changed_through_this_one(
    leader_client, partnership, other_partnership
):
    member = NetworkMemberFactory(network=NetworkFactory(partnership=partnership), role="Lid")
    other = NetworkFactory(partnership=partnership)
    address = url("network-member-add", code=other.code) + f"?member={member.pk}"
    assert leader_client.post(address, {"role": "Gekaapt"}).status_code == 404
    foreign = NetworkMemberFactory(network=NetworkFactory(partnership=other_partnership))
    assert leader_client.post(role_url(foreign), {"role": "Gekaapt"}).status_code == 404
    member.refresh_from_db()
    foreign.refresh_from_db()
    assert (member.role, foreign.role) == ("Lid", "Lid")


def test_a_viewer_cannot_change_a_role(client, viewer, partnership):
    client.force_login(viewer)
    member = NetworkMemberFactory(network=NetworkFactory(partnership=partnership), role="Lid")
    assert client.post(role_url(member), {"role": "Voorzitter"}).status_code == 403
    member.refresh_from_db()
    assert member.role == "Lid"


def test_viewer_sees_no_write_links(client, viewer, partnership):
    client.force_login(viewer)
    member = NetworkMemberFactory(network=NetworkFactory(partnership=partnership))
    code = member.network.code
    list_page = client.get(url("network-list")).content.decode()
    detail = client.get(url("network-detail", code=code)).content.decode()
    assert url("network-create") not in list_page
    assert url("network-update", code=code) not in detail
    assert url("network-member-add", code=code) not in detail
    assert url("network-member-remove", code=code, member=member.pk) not in detail


def test_detail_lists_members_with_links_to_their_organisations(leader_client, partnership):
    member = NetworkMemberFactory(network=NetworkFactory(partnership=partnership), role="Gastheer")
    response = leader_client.get(url("network-detail", code=member.network.code))
    content = response.content.decode()
    assert list(response.context["members"]) == [member]
    assert url("organisation-detail", code=member.organisation.code) in content
    assert "Gastheer" in content


# --- List, filters and export -------------------------------------------------------------


def test_list_shows_the_number_of_members(leader_client, partnership):
    network = NetworkFactory(partnership=partnership, name="Fieldlab Smart Industry")
    NetworkMemberFactory.create_batch(3, network=network)
    NetworkFactory(partnership=partnership, name="Lege club")
    response = leader_client.get(url("network-list"))
    counts = {n.name: n.member_count for n in response.context["page"].object_list}
    assert counts == {"Fieldlab Smart Industry": 3, "Lege club": 0}


def test_list_shows_only_this_partnerships_networks(leader_client, partnership, other_partnership):
    NetworkFactory(partnership=partnership, name="Hier")
    NetworkFactory(partnership=other_partnership, name="Daar")
    assert names_on_page(leader_client.get(url("network-list"))) == ["Hier"]


def test_list_filters_by_kind(leader_client, partnership):
    NetworkFactory(partnership=partnership, name="Fablab Almelo", kind=NetworkKind.FABLAB)
    NetworkFactory(partnership=partnership, name="Jet-Net Almelo", kind=NetworkKind.JETNET)
    response = leader_client.get(url("network-list"), {"kind": NetworkKind.FABLAB})
    assert names_on_page(response) == ["Fablab Almelo"]


def test_list_filters_by_member_organisation(leader_client, partnership):
    organisation = OrganisationFactory(partnership=partnership)
    wanted = NetworkFactory(partnership=partnership, name="Met lid")
    NetworkMemberFactory(network=wanted, organisation=organisation)
    NetworkMemberFactory.create_batch(2, network=wanted)
    NetworkMemberFactory(network=NetworkFactory(partnership=partnership, name="Zonder lid"))
    response = leader_client.get(url("network-list"), {"organisation": organisation.pk})
    assert names_on_page(response) == ["Met lid"]
    assert response.context["page"].object_list[0].member_count == 3


def test_member_filter_offers_only_this_partnerships_organisations(
    leader_client, partnership, other_partnership
):
    own = OrganisationFactory(partnership=partnership)
    foreign = OrganisationFactory(partnership=other_partnership)
    NetworkMemberFactory(
        network=NetworkFactory(partnership=other_partnership), organisation=foreign
    )
    response = leader_client.get(url("network-list"), {"organisation": foreign.pk})
    network_filter = response.context["filter"]
    assert list(network_filter.form.fields["organisation"].queryset) == [own]
    assert "organisation" in network_filter.form.errors
    assert names_on_page(response) == []


def test_list_searches_name_and_description(leader_client, partnership):
    NetworkFactory(
        partnership=partnership, name="Economic Board", description="Twentse maakindustrie"
    )
    NetworkFactory(partnership=partnership, name="Maakindustrie Club")
    NetworkFactory(partnership=partnership, name="Techniekpact")
    response = leader_client.get(url("network-list"), {"q": "maakindustrie"})
    assert names_on_page(response) == ["Economic Board", "Maakindustrie Club"]


def _sheet(response):
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content)).active


def test_export_has_a_row_per_member_and_one_for_a_network_without_members(
    leader_client, partnership
):
    network = NetworkFactory(
        partnership=partnership,
        name="Bedrijfstakschool Bouw",
        kind=NetworkKind.BEDRIJFSTAKSCHOOL,
        website="https://bouw.example.nl",
    )
    NetworkMemberFactory(
        network=network,
        organisation=OrganisationFactory(
            partnership=partnership, name="Bouwbedrijf Oost", kind=OrganisationKind.COMPANY
        ),
        role="Opleider",
    )
    NetworkMemberFactory(
        network=network,
        organisation=OrganisationFactory(
            partnership=partnership, name="ROC van Twente", kind=OrganisationKind.MBO
        ),
        role='=HYPERLINK("http://evil")',
    )
    NetworkFactory(partnership=partnership, name="Club zonder leden", website="")
    sheet = _sheet(leader_client.get(url("network-export")))
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) == 6
    body = rows[1:]
    assert len(body) == 3
    by_organisation = {row[3]: row for row in body}
    assert by_organisation["Bouwbedrijf Oost"][0] == "Bedrijfstakschool Bouw"
    assert by_organisation["Bouwbedrijf Oost"][2] == "https://bouw.example.nl"
    assert by_organisation["Bouwbedrijf Oost"][5] == "Opleider"
    assert_defused(sheet, '=HYPERLINK("http://evil")')
    empty = [row for row in body if row[0] == "Club zonder leden"]
    assert len(empty) == 1 and not empty[0][3] and not empty[0][5]


def test_export_neutralises_a_role_starting_with_at(leader_client, partnership):
    NetworkMemberFactory(network=NetworkFactory(partnership=partnership), role="@SUM(1+1)")
    assert_defused(_sheet(leader_client.get(url("network-export"))), "@SUM(1+1)")


def test_export_uses_the_current_filter_and_every_page(leader_client, partnership):
    NetworkFactory.create_batch(30, partnership=partnership, kind=NetworkKind.FIELDLAB)
    NetworkFactory(partnership=partnership, name="Techniekpact", kind=NetworkKind.TECHNIEKPACT)
    rows = list(
        _sheet(leader_client.get(url("network-export"), {"kind": NetworkKind.FIELDLAB})).iter_rows(
            values_only=True
        )
    )
    assert len(rows) == 31
    assert "Techniekpact" not in {row[0] for row in rows}


def test_export_leaves_out_other_partnerships(leader_client, partnership, other_partnership):
    NetworkMemberFactory(network=NetworkFactory(partnership=other_partnership, name="Daar"))
    NetworkFactory(partnership=partnership, name="Hier")
    rows = list(_sheet(leader_client.get(url("network-export"))).iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["Hier"]


def test_export_file_name_has_the_partnership_and_the_date(leader_client, partnership):
    response = leader_client.get(url("network-export"))
    stamp = timezone.localdate().isoformat()
    assert f'filename="netwerken-twente-{stamp}.xlsx"' in response["Content-Disposition"]


@pytest.mark.parametrize("params", [{"kind": "bogus"}, {"organisation": "999999", "q": "a"}])
def test_export_with_an_invalid_filter_goes_back_to_the_list(leader_client, partnership, params):
    NetworkFactory(partnership=partnership)
    response = leader_client.get(url("network-export"), params)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == url("network-list")
    assert parse_qs(location.query) == {key: [value] for key, value in params.items()}
    assert [m.level for m in get_messages(response.wsgi_request)] == [messages.ERROR]


# --- Speed --------------------------------------------------------------------------------


def _queries(client, address, **params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(address, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def _networks_with_members(partnership, count):
    organisation = OrganisationFactory(partnership=partnership)
    for network in NetworkFactory.create_batch(count, partnership=partnership):
        NetworkMemberFactory(network=network, organisation=organisation)


def test_list_runs_the_same_number_of_queries_for_5_and_200_networks(leader_client, partnership):
    _networks_with_members(partnership, 5)
    few = _queries(leader_client, url("network-list"))
    _networks_with_members(partnership, 195)
    assert _queries(leader_client, url("network-list")) == few
    assert _queries(leader_client, url("network-list"), kind=NetworkKind.FIELDLAB) == few


def test_detail_runs_the_same_number_of_queries_for_5_and_200_members(leader_client, partnership):
    network = NetworkFactory(partnership=partnership)
    NetworkMemberFactory.create_batch(5, network=network)
    few = _queries(leader_client, url("network-detail", code=network.code))
    NetworkMemberFactory.create_batch(195, network=network)
    with CaptureQueriesContext(connection) as context:
        response = leader_client.get(url("network-detail", code=network.code))
    assert len(response.context["members"]) == 200
    assert len(context.captured_queries) == few


def test_export_runs_the_same_number_of_queries_for_5_and_200_networks(leader_client, partnership):
    _networks_with_members(partnership, 5)
    few = _queries(leader_client, url("network-export"))
    _networks_with_members(partnership, 195)
    assert _queries(leader_client, url("network-export")) == few
