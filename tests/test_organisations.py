import datetime
import io
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from partners.models import Authority, Organisation, OrganisationKind, Stage, StageChange
from partners.selectors.organisations import organisation_history
from partners.services import contacts as contact_services
from partners.services import organisations as services
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    NetworkMemberFactory,
    OrganisationFactory,
    SignatoryFactory,
)
from tests.xlsx_checks import assert_defused

HOSTILE = "<script>alert(1)</script>"


def _url(name, **kwargs):
    return reverse(f"partners:{name}", kwargs={"slug": "twente", **kwargs})


def _post_organisation(client, **overrides):
    data = {"name": "Lasbedrijf Oost B.V.", "kind": "company", "stage": "prospect", **overrides}
    return client.post(_url("organisation-create"), data)


# --- Counting as business ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (OrganisationKind.COMPANY, True),
        (OrganisationKind.BRANCH_ORGANISATION, True),
        (OrganisationKind.COMPANY_NETWORK, True),
        (OrganisationKind.OO_FUND, False),
        (OrganisationKind.MUNICIPALITY, False),
        (OrganisationKind.MBO, False),
    ],
)
def test_counting_as_business_follows_from_the_kind(partnership, no_scopes, kind, expected):
    organisation = OrganisationFactory(partnership=partnership, kind=kind)
    organisation.refresh_from_db()
    assert organisation.counts_as_business is expected


def test_override_counts_only_with_a_justification(partnership, leader, no_scopes):
    with pytest.raises(Exception) as error:
        services.organisation_create(
            partnership=partnership, user=leader, name="Opleidingsfonds Metaal",
            kind=OrganisationKind.OO_FUND, business_override=True, business_justification="  ",
        )  # fmt: skip
    assert "business_justification" in error.value.message_dict
    fund = services.organisation_create(
        partnership=partnership, user=leader, name="Opleidingsfonds Metaal",
        kind=OrganisationKind.OO_FUND, business_override=True,
        business_justification="Het fonds wordt gefinancierd en bestuurd door werkgevers.",
    )  # fmt: skip
    fund.refresh_from_db()
    assert fund.counts_as_business is True


def test_override_without_justification_is_a_form_error_and_saves_nothing(leader_client):
    response = _post_organisation(leader_client, business_override="no")
    assert response.status_code == 200
    assert "business_justification" in response.context["form"].errors
    with scopes_disabled():
        assert not Organisation.objects.exists()


# --- Validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kvk_number", "1234567"),
        ("kvk_number", "123456789"),
        ("kvk_number", "ABCDEFGH"),
        ("brin_code", "2LH5"),
        ("brin_code", "ABCD"),
        ("website", "not a url"),
        ("name", ""),
        ("name", "x" * 10_000),
        ("notes", "x" * 10_000),
        ("kind", "bakery"),
        ("stage", "married"),
    ],
)
def test_bad_organisation_input_is_a_form_error(leader_client, field, value):
    response = _post_organisation(leader_client, **{field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    with scopes_disabled():
        assert not Organisation.objects.exists()


def test_brin_code_only_for_schools_and_normalised(leader_client):
    response = _post_organisation(leader_client, brin_code="25LH")
    assert "brin_code" in response.context["form"].errors
    response = _post_organisation(
        leader_client, name="Vakcollege Oost", kind="vmbo", brin_code=" 25lh "
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Organisation.objects.get().brin_code == "25LH"


def test_kvk_number_with_spaces_is_normalised(leader_client):
    assert _post_organisation(leader_client, kvk_number="1234 5678").status_code == 302
    with scopes_disabled():
        assert Organisation.objects.get().kvk_number == "12345678"


def test_owner_from_another_partnership_is_refused(leader_client, outsider):
    response = _post_organisation(leader_client, relationship_owner=outsider.pk)
    assert "relationship_owner" in response.context["form"].errors


def test_hostile_text_is_shown_escaped(leader_client):
    assert (
        _post_organisation(leader_client, name=HOSTILE, notes=HOSTILE, city=HOSTILE).status_code
        == 302
    )
    with scopes_disabled():
        organisation = Organisation.objects.get()
    for url in [
        _url("organisation-list"),
        _url("organisation-board"),
        _url("organisation-detail", code=organisation.code),
    ]:
        text = leader_client.get(url).content.decode()
        assert HOSTILE not in text
        assert "&lt;script&gt;" in text


# --- Duplicates -------------------------------------------------------------------------


def test_same_kvk_number_warns_and_links_to_the_first(leader_client, partnership, no_scopes):
    first = OrganisationFactory(
        partnership=partnership, name="Van Dijk Metaal", kvk_number="12345678"
    )
    response = _post_organisation(leader_client, name="Totaal Anders", kvk_number="12345678")
    assert response.status_code == 200
    assert response.context["duplicates"] == [first]
    assert _url("organisation-detail", code=first.code) in response.content.decode()
    assert Organisation.objects.count() == 1
    response = _post_organisation(
        leader_client, name="Totaal Anders", kvk_number="12345678", confirm_duplicate="on"
    )
    assert response.status_code == 302
    assert Organisation.objects.count() == 2


@pytest.mark.parametrize(
    "name", ["Van Dijk Metaal B.V.", "van dijk metaal", "Van Dijk Metaal BV", "Van Dyk Metaal"]
)
def test_nearly_the_same_name_warns(leader_client, partnership, no_scopes, name):
    OrganisationFactory(partnership=partnership, name="Van Dijk Metaal", kvk_number="")
    response = _post_organisation(leader_client, name=name, kvk_number="")
    assert response.status_code == 200
    assert len(response.context["duplicates"]) == 1


def test_different_names_and_other_partnerships_do_not_warn(
    leader_client, partnership, other_partnership, no_scopes
):
    OrganisationFactory(partnership=partnership, name="Van Dijk Metaal", kvk_number="")
    OrganisationFactory(
        partnership=other_partnership, name="Bouwbedrijf Jansen", kvk_number="87654321"
    )
    response = _post_organisation(leader_client, name="Bouwbedrijf Jansen", kvk_number="87654321")
    assert response.status_code == 302


# --- Pipeline ---------------------------------------------------------------------------


def test_moving_records_who_and_when(leader_client, leader, partnership, no_scopes):
    organisation = OrganisationFactory(partnership=partnership, stage=Stage.APPROACHED)
    response = leader_client.post(
        _url("organisation-move", code=organisation.code), {"stage": "committed"}
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.stage == Stage.COMMITTED
    change = StageChange.objects.get(organisation=organisation)
    assert (change.from_stage, change.to_stage, change.changed_by) == (
        "approached",
        "committed",
        leader,
    )
    # Moving to the same stage records nothing; an unknown stage changes nothing.
    leader_client.post(_url("organisation-move", code=organisation.code), {"stage": "committed"})
    leader_client.post(_url("organisation-move", code=organisation.code), {"stage": "nonsense"})
    assert StageChange.objects.filter(organisation=organisation).count() == 1
    organisation.refresh_from_db()
    assert organisation.stage == Stage.COMMITTED


def test_move_redirects_only_to_a_local_next(leader_client, partnership, no_scopes):
    organisation = OrganisationFactory(partnership=partnership)
    url = _url("organisation-move", code=organisation.code)
    response = leader_client.post(url, {"stage": "signed", "next": "https://evil.example/"})
    assert response.url == _url("organisation-detail", code=organisation.code)
    response = leader_client.post(url, {"stage": "paused", "next": _url("organisation-board")})
    assert response.url == _url("organisation-board")


def test_moving_to_the_same_stage_says_so_and_records_nothing(
    leader_client, partnership, no_scopes
):
    organisation = OrganisationFactory(partnership=partnership, stage="committed")
    response = leader_client.post(
        _url("organisation-move", code=organisation.code), {"stage": "committed"}
    )
    assert response.status_code == 302
    assert [m.level for m in get_messages(response.wsgi_request)] == [messages.INFO]
    assert not StageChange.objects.filter(organisation=organisation).exists()


def test_board_groups_organisations_by_stage(leader_client, partnership, no_scopes):
    OrganisationFactory(partnership=partnership, name="Alfa", stage=Stage.PROSPECT)
    OrganisationFactory(partnership=partnership, name="Beta", stage=Stage.SIGNED)
    response = leader_client.get(_url("organisation-board"))
    columns = {
        c["stage"]: [o.name for o in c["organisations"]] for c in response.context["columns"]
    }
    assert columns["prospect"] == ["Alfa"]
    assert columns["signed"] == ["Beta"]
    assert columns["ended"] == []


def test_editing_the_stage_in_the_form_also_records_the_move(
    leader_client, leader, partnership, no_scopes
):
    organisation = OrganisationFactory(
        partnership=partnership, name="Gamma", stage=Stage.PROSPECT, kvk_number=""
    )
    response = leader_client.post(
        _url("organisation-update", code=organisation.code),
        {"name": "Gamma", "kind": "company", "stage": "approached"},
    )
    assert response.status_code == 302
    assert StageChange.objects.get(organisation=organisation).to_stage == "approached"


# --- Delete -----------------------------------------------------------------------------


def test_delete_asks_first_and_keeps_organisations_with_contacts(
    leader_client, partnership, no_scopes
):
    empty = OrganisationFactory(partnership=partnership)
    used = ContactFactory(organisation=OrganisationFactory(partnership=partnership)).organisation
    assert leader_client.get(_url("organisation-delete", code=empty.code)).status_code == 200
    assert Organisation.objects.filter(pk=empty.pk).exists()
    assert leader_client.post(_url("organisation-delete", code=empty.code)).status_code == 302
    assert not Organisation.objects.filter(pk=empty.pk).exists()
    assert leader_client.post(_url("organisation-delete", code=used.code)).status_code == 400
    assert Organisation.objects.filter(pk=used.pk).exists()


def test_delete_is_refused_for_an_organisation_with_only_contact_moments(
    leader_client, partnership, no_scopes
):
    organisation = InteractionFactory(
        organisation=OrganisationFactory(partnership=partnership)
    ).organisation
    response = leader_client.get(_url("organisation-delete", code=organisation.code))
    assert response.context["summary"].blocked
    assert response.context["summary"].interactions == 1
    assert (
        leader_client.post(_url("organisation-delete", code=organisation.code)).status_code == 400
    )
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_delete_page_counts_what_goes_and_what_blocks(
    leader_client, leader, partnership, no_scopes
):
    organisation = services.organisation_create(
        partnership=partnership, user=leader, name="Vergissing B.V.", kind="company"
    )
    services.organisation_move(organisation=organisation, stage="approached", user=leader)
    NetworkMemberFactory(network__partnership=partnership, organisation=organisation)
    response = leader_client.get(_url("organisation-delete", code=organisation.code))
    summary = response.context["summary"]
    assert (summary.contacts, summary.interactions) == (0, 0)
    assert (summary.network_memberships, summary.stage_changes) == (1, 2)
    assert not summary.blocked
    assert (
        leader_client.post(_url("organisation-delete", code=organisation.code)).status_code == 302
    )
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert not StageChange.objects.filter(organisation_id=organisation.pk).exists()

    blocked = ContactFactory(organisation=OrganisationFactory(partnership=partnership)).organisation
    response = leader_client.get(_url("organisation-delete", code=blocked.code))
    assert response.context["summary"].blocked
    # No delete button while something blocks it.
    assert 'type="submit" class="btn btn-danger"' not in response.content.decode()


# --- Lists, filters, export -------------------------------------------------------------


def test_list_filters_and_searches(leader_client, partnership, leader, no_scopes):
    OrganisationFactory(
        partnership=partnership,
        name="Zorggroep Noord",
        kind="company",
        sector="healthcare",
        stage="signed",
        relationship_owner=leader,
    )
    OrganisationFactory(
        partnership=partnership,
        name="Gemeente Oost",
        kind="municipality",
        sector="",
        stage="committed",
    )
    member = NetworkMemberFactory(
        network__partnership=partnership,
        organisation__partnership=partnership,
        organisation__name="Fablab Partner",
    )

    def names(**params):
        response = leader_client.get(_url("organisation-list"), params)
        return sorted(o.name for o in response.context["page"])

    assert names(kind="municipality") == ["Gemeente Oost"]
    assert names(sector="healthcare") == ["Zorggroep Noord"]
    assert names(stage="committed") == ["Gemeente Oost"]
    assert names(owner=leader.pk) == ["Zorggroep Noord"]
    assert names(business="no") == ["Gemeente Oost"]
    assert names(q="zorg") == ["Zorggroep Noord"]
    assert names(network=member.network.pk) == ["Fablab Partner"]


def test_gone_quiet_filter_lists_active_organisations_without_recent_contact(
    leader_client, partnership, no_scopes
):
    long_ago = timezone.now() - datetime.timedelta(days=365)
    quiet = OrganisationFactory(
        partnership=partnership, name="Stil Bedrijf", stage="committed", stage_changed_at=long_ago
    )
    InteractionFactory(
        organisation=quiet, date=datetime.date.today() - datetime.timedelta(days=200)
    )
    busy = OrganisationFactory(
        partnership=partnership, name="Druk Bedrijf", stage="committed", stage_changed_at=long_ago
    )
    InteractionFactory(organisation=busy)
    OrganisationFactory(
        partnership=partnership, name="Gepauzeerd", stage="paused", stage_changed_at=long_ago
    )
    # Just moved into an active stage: a grace period of N days before it can go quiet.
    OrganisationFactory(partnership=partnership, name="Net benaderd", stage="approached")
    response = leader_client.get(_url("organisation-list"), {"quiet": "yes"})
    assert [o.name for o in response.context["page"]] == ["Stil Bedrijf"]


def test_last_contact_leaves_out_planned_contact_moments(leader_client, partnership, no_scopes):
    today = timezone.localdate()
    organisation = OrganisationFactory(partnership=partnership, name="Gepland Bedrijf")
    InteractionFactory(organisation=organisation, date=today - datetime.timedelta(days=10))
    InteractionFactory(
        organisation=organisation,
        date=today + datetime.timedelta(days=5),
        next_step="Voorbereiden",
        next_step_due=today + datetime.timedelta(days=5),
    )
    only_planned = OrganisationFactory(partnership=partnership, name="Alleen Gepland")
    InteractionFactory(
        organisation=only_planned,
        date=today + datetime.timedelta(days=5),
        next_step="Voorbereiden",
        next_step_due=today + datetime.timedelta(days=5),
    )
    response = leader_client.get(_url("organisation-list"))
    last = {o.name: o.last_contact for o in response.context["page"]}
    assert last == {
        "Alleen Gepland": None,
        "Gepland Bedrijf": today - datetime.timedelta(days=10),
    }
    sheet = load_workbook(io.BytesIO(leader_client.get(_url("organisation-export")).content)).active
    exported = {row[0]: row[14] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported["Alleen Gepland"] is None
    assert exported["Gepland Bedrijf"].date() == today - datetime.timedelta(days=10)


def test_list_with_bad_filter_values_does_not_fail(leader_client, partnership, no_scopes):
    OrganisationFactory(partnership=partnership)
    for params in [
        {"kind": "x"},
        {"network": "999999"},
        {"owner": "abc"},
        {"page": "9999"},
        {"q": HOSTILE},
    ]:
        response = leader_client.get(_url("organisation-list"), params)
        assert response.status_code == 200
        assert HOSTILE not in response.content.decode()


def test_export_follows_the_filter_and_defuses_formulas(leader_client, partnership, no_scopes):
    OrganisationFactory(
        partnership=partnership, name='=HYPERLINK("http://x")', kind="company", city="@SUM(A1)"
    )
    OrganisationFactory(partnership=partnership, name="Gemeente Oost", kind="municipality")
    response = leader_client.get(_url("organisation-export"), {"kind": "company"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Naam"
    assert len(rows) == 2
    assert_defused(sheet, '=HYPERLINK("http://x")')
    assert_defused(sheet, "@SUM(A1)")


@pytest.mark.parametrize(
    "params", [{"stage": "bogus"}, {"kind": "castle", "q": "oost"}, {"network": "999999"}]
)
def test_export_with_an_invalid_filter_goes_back_to_the_list_and_exports_nothing(
    leader_client, partnership, no_scopes, params
):
    OrganisationFactory(partnership=partnership)
    response = leader_client.get(_url("organisation-export"), params)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == _url("organisation-list")
    assert parse_qs(location.query) == {key: [value] for key, value in params.items()}
    assert [m.level for m in get_messages(response.wsgi_request)] == [messages.ERROR]


def test_export_file_name_has_the_partnership_and_the_date(leader_client, partnership):
    response = leader_client.get(_url("organisation-export"))
    stamp = timezone.localdate().isoformat()
    assert f'filename="organisaties-twente-{stamp}.xlsx"' in response["Content-Disposition"]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _populate(partnership, count):
    with scopes_disabled():
        for i in range(count):
            organisation = OrganisationFactory(
                partnership=partnership, stage=list(Stage.values)[i % 7]
            )
            InteractionFactory(organisation=organisation)
            NetworkMemberFactory(network__partnership=partnership, organisation=organisation)


@pytest.mark.parametrize("page", ["organisation-list", "organisation-board", "dashboard"])
def test_list_pages_run_a_fixed_number_of_queries(leader_client, partnership, page):
    url = reverse("dashboard", kwargs={"slug": "twente"}) if page == "dashboard" else _url(page)
    _populate(partnership, 5)
    few = _queries(leader_client, url)
    _populate(partnership, 195)
    assert _queries(leader_client, url) == few


def test_detail_page_runs_a_fixed_number_of_queries(leader_client, partnership, leader):
    with scopes_disabled():
        organisation = OrganisationFactory(partnership=partnership)
    url = _url("organisation-detail", code=organisation.code)

    def grow(count):
        with scopes_disabled(), scope(partnership=partnership):
            for _ in range(count):
                contact = ContactFactory(organisation=organisation)
                SignatoryFactory(contact=ContactFactory(organisation=organisation))
                InteractionFactory(organisation=organisation).contacts.add(contact)
                NetworkMemberFactory(network__partnership=partnership, organisation=organisation)
                services.organisation_move(
                    organisation=organisation, stage=list(Stage.values)[_ % 7], user=leader
                )

    grow(5)
    few = _queries(leader_client, url)
    grow(20)
    assert _queries(leader_client, url) == few


def test_history_shows_who_changed_what(leader_client, leader, partnership, no_scopes):
    leader_client.post(
        _url("organisation-create"),
        {"name": "Historie B.V.", "kind": "company", "stage": "prospect", "city": "Almelo"},
    )
    organisation = Organisation.objects.get()
    leader_client.post(
        _url("organisation-update", code=organisation.code),
        {"name": "Historie B.V.", "kind": "company", "stage": "prospect", "city": "Hengelo"},
    )
    history = leader_client.get(_url("organisation-detail", code=organisation.code)).context[
        "history"
    ]
    assert len(history) == 2
    assert history[0].who == leader
    assert [(old, new) for _label, old, new in history[0].changes] == [("Almelo", "Hengelo")]


def test_history_shows_dates_amounts_and_the_co_signatory_as_the_page_does(
    leader, partnership, no_scopes
):
    organisation = OrganisationFactory(partnership=partnership)
    anna = ContactFactory(organisation=organisation, name="Anna Aalders")
    bram = ContactFactory(organisation=organisation, name="Bram Bos")
    proxy = ContactFactory(organisation=organisation, name="Piet Proxy")
    evidence = {"evidence_source": "kvk_extract", "evidence_reference": "KvK 1"}
    first = datetime.date(2026, 1, 15)
    contact_services.signatory_save(
        contact=anna, authority=Authority.JOINT_DIRECTOR, evidence_date=first, **evidence
    )
    signatory = contact_services.signatory_check(signatory=anna.signatory, user=leader)
    checked_at = signatory.checked_at
    bram_signatory = contact_services.signatory_save(
        contact=bram, authority=Authority.JOINT_DIRECTOR, evidence_date=first, **evidence
    )
    contact_services.signatory_save(
        contact=anna,
        authority=Authority.JOINT_DIRECTOR,
        co_signatory=bram_signatory,
        evidence_date=datetime.date(2026, 2, 1),
        **evidence,
    )
    contact_services.signatory_save(
        contact=proxy, authority=Authority.PROXY, proxy_limit=Decimal("10000.50")
    )
    contact_services.signatory_save(
        contact=proxy, authority=Authority.PROXY, proxy_limit=Decimal("20000.00")
    )
    with translation.override("nl"), scope(partnership=partnership):
        changes = {
            (old, new)
            for entry in organisation_history(organisation=organisation)
            for _label, old, new in entry.changes
        }
        expected = {
            ("—", "Bram Bos"),
            (date_format(first, "j b Y"), date_format(datetime.date(2026, 2, 1), "j b Y")),
            (date_format(timezone.localtime(checked_at), "j b Y H:i"), "—"),
            ("€\xa010.000,50", "€\xa020.000,00"),
        }
    assert expected <= changes
    assert not any("+00:00" in value or value == "…" for pair in changes for value in pair)


def test_partnership_settings_validate_quiet_days(leader_client, partnership):
    data = {
        "name": "Regio Twente Techniek",
        "region": "Twente",
        "start_year": 2025,
        "end_year": 2024,
        "quiet_after_days": 3,
    }
    response = leader_client.post(_url("partnership-settings"), data)
    assert response.status_code == 200
    assert {"end_year", "quiet_after_days"} <= set(response.context["form"].errors)
    partnership.refresh_from_db()
    assert partnership.quiet_after_days == 90
    data.update(end_year=2028, quiet_after_days=60)
    assert leader_client.post(_url("partnership-settings"), data).status_code == 302
    partnership.refresh_from_db()
    assert partnership.quiet_after_days == 60
