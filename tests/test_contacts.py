"""Contacts and signatories: services, forms with bad input, the list, its export, and the
signing status on the organisation page."""

import datetime
from decimal import Decimal
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from partners.models import (
    Authority,
    Contact,
    EvidenceSource,
    Interaction,
    OrganisationKind,
    Role,
    Signatory,
)
from partners.models.organisations import validate_phone
from partners.selectors import contacts as selectors
from partners.services import contacts as services
from partners.tenancy import Tenant
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrganisationFactory,
    SignatoryFactory,
)
from tests.xlsx_checks import assert_defused

SCRIPT = "<script>alert(1)</script>"
TODAY = datetime.date(2026, 1, 15)


@pytest.fixture
def organisation(partnership, no_scopes):
    return OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _evidence(**overrides):
    return {
        "evidence_source": EvidenceSource.KVK_EXTRACT,
        "evidence_reference": "KvK 12345678",
        "evidence_date": datetime.date(2026, 1, 10),
        **overrides,
    }


def _url(name, code=None):
    kwargs = {"slug": "twente"}
    if code is not None:
        kwargs["code"] = code
    return reverse(f"partners:{name}", kwargs=kwargs)


def _fresh(obj):
    with scopes_disabled():
        return type(obj).objects.get(pk=obj.pk)


# --- Services: contacts ------------------------------------------------------------------


def test_making_a_contact_primary_unsets_the_previous_primary(organisation):
    first = services.contact_create(organisation=organisation, name="Anna", is_primary=True)
    second = services.contact_create(organisation=organisation, name="Bram", is_primary=True)
    assert _fresh(first).is_primary is False
    assert _fresh(second).is_primary is True


def test_updating_a_contact_to_primary_switches_the_primary(organisation):
    first = services.contact_create(organisation=organisation, name="Anna", is_primary=True)
    second = services.contact_create(organisation=organisation, name="Bram")
    services.contact_update(contact=second, is_primary=True)
    assert list(
        Contact.objects.filter(organisation=organisation, is_primary=True).values_list(
            "name", flat=True
        )
    ) == ["Bram"]
    assert _fresh(first).is_primary is False


def test_primary_contact_of_another_organisation_stays_primary(partnership, organisation):
    elsewhere = ContactFactory(
        organisation=OrganisationFactory(partnership=partnership), is_primary=True
    )
    services.contact_create(organisation=organisation, name="Anna", is_primary=True)
    assert _fresh(elsewhere).is_primary is True


def test_an_invalid_contact_saves_nothing_and_keeps_the_old_primary(organisation):
    first = services.contact_create(organisation=organisation, name="Anna", is_primary=True)
    with pytest.raises(ValidationError) as error:
        services.contact_create(
            organisation=organisation, name="Bram", email="geen-adres", is_primary=True
        )
    assert "email" in error.value.message_dict
    assert _fresh(first).is_primary is True
    assert Contact.objects.filter(organisation=organisation).count() == 1


def test_a_signatory_contact_cannot_be_deleted(organisation):
    signatory = SignatoryFactory(contact=ContactFactory(organisation=organisation))
    with pytest.raises(ValidationError):
        services.contact_delete(contact=signatory.contact)
    assert Contact.objects.filter(pk=signatory.contact.pk).exists()


def test_a_co_signatory_cannot_be_deleted_and_the_message_names_the_partner(organisation):
    anna = SignatoryFactory(
        contact=ContactFactory(organisation=organisation, name="Anna Aalders"),
        authority=Authority.JOINT_DIRECTOR,
    )
    SignatoryFactory(
        contact=ContactFactory(organisation=organisation, name="Bram Bos"),
        authority=Authority.JOINT_DIRECTOR,
        co_signatory=anna,
    )
    with pytest.raises(ValidationError) as error:
        services.contact_delete(contact=anna.contact)
    assert "Bram Bos" in " ".join(error.value.messages)
    assert Signatory.objects.filter(pk=anna.pk).exists()


def test_deleting_a_contact_in_a_contact_moment_only_removes_the_link(organisation):
    contact = ContactFactory(organisation=organisation)
    moment = InteractionFactory(organisation=organisation)
    moment.contacts.add(contact)
    services.contact_delete(contact=contact)
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert Interaction.objects.filter(pk=moment.pk).exists()
    assert moment.contacts.count() == 0


# --- Services: signatories ---------------------------------------------------------------


def _signatory(contact, authority=Authority.SOLE_DIRECTOR, **kwargs):
    return services.signatory_save(
        contact=contact, authority=authority, **{**_evidence(), **kwargs}
    )


def test_a_joint_director_is_paired_both_ways_with_a_joint_co_signatory(organisation):
    # Bram was recorded as jointly authorised before anyone else was a signatory.
    bram = SignatoryFactory(
        contact=ContactFactory(organisation=organisation), authority=Authority.JOINT_DIRECTOR
    )
    anna = _signatory(
        ContactFactory(organisation=organisation), Authority.JOINT_DIRECTOR, co_signatory=bram
    )
    assert anna.co_signatory == bram
    assert _fresh(bram).co_signatory_id == anna.pk


def test_a_joint_director_keeps_an_existing_co_signatory(organisation):
    carla = SignatoryFactory(contact=ContactFactory(organisation=organisation))
    bram = SignatoryFactory(
        contact=ContactFactory(organisation=organisation),
        authority=Authority.JOINT_DIRECTOR,
        co_signatory=carla,
    )
    anna = _signatory(
        ContactFactory(organisation=organisation), Authority.JOINT_DIRECTOR, co_signatory=bram
    )
    assert anna.co_signatory == bram
    assert _fresh(bram).co_signatory_id == carla.pk


def test_a_sole_director_co_signatory_is_not_paired_back(organisation):
    sole = SignatoryFactory(contact=ContactFactory(organisation=organisation))
    _signatory(
        ContactFactory(organisation=organisation), Authority.JOINT_DIRECTOR, co_signatory=sole
    )
    assert _fresh(sole).co_signatory_id is None


def test_a_joint_director_without_co_signatory_is_saved_but_not_valid_to_sign(organisation):
    contact = ContactFactory(organisation=organisation, name="Anna de Vries")
    signatory = _signatory(contact, Authority.JOINT_DIRECTOR)
    assert signatory.co_signatory is None
    status = selectors.organisation_signing_status(
        organisation=organisation,
        contacts=selectors.organisation_contacts(organisation=organisation),
    )
    assert not status.valid
    assert any("Anna de Vries" in reason for reason in status.reasons)


def test_a_joint_director_cannot_be_their_own_co_signatory(organisation):
    anna = SignatoryFactory(contact=ContactFactory(organisation=organisation))
    with pytest.raises(ValidationError) as error:
        _signatory(anna.contact, Authority.JOINT_DIRECTOR, co_signatory=anna)
    assert "co_signatory" in error.value.message_dict
    assert _fresh(anna).authority == Authority.SOLE_DIRECTOR


def test_a_co_signatory_of_another_organisation_is_refused(partnership, organisation):
    elsewhere = SignatoryFactory(
        contact=ContactFactory(organisation=OrganisationFactory(partnership=partnership))
    )
    contact = ContactFactory(organisation=organisation)
    with pytest.raises(ValidationError) as error:
        _signatory(contact, Authority.JOINT_DIRECTOR, co_signatory=elsewhere)
    assert "co_signatory" in error.value.message_dict


@pytest.mark.parametrize("limit", [None, Decimal("0"), Decimal("-100.00")])
def test_a_proxy_needs_a_limit_above_zero(organisation, limit):
    contact = ContactFactory(organisation=organisation)
    with pytest.raises(ValidationError) as error:
        _signatory(contact, Authority.PROXY, proxy_limit=limit)
    assert "proxy_limit" in error.value.message_dict
    assert not Signatory.objects.filter(contact=contact).exists()


def test_a_proxy_limit_is_kept_as_decimal(organisation):
    proxy = _signatory(
        ContactFactory(organisation=organisation), Authority.PROXY, proxy_limit=Decimal("2500.50")
    )
    assert _fresh(proxy).proxy_limit == Decimal("2500.50")


def test_a_float_proxy_limit_is_refused(organisation):
    with pytest.raises(TypeError):
        _signatory(ContactFactory(organisation=organisation), Authority.PROXY, proxy_limit=2500.5)


def test_limit_and_co_signatory_are_cleared_for_a_sole_director(organisation):
    other = SignatoryFactory(contact=ContactFactory(organisation=organisation))
    sole = _signatory(
        ContactFactory(organisation=organisation),
        Authority.SOLE_DIRECTOR,
        proxy_limit=Decimal("1000.00"),
        co_signatory=other,
    )
    sole = _fresh(sole)
    assert sole.proxy_limit is None
    assert sole.co_signatory_id is None


@pytest.mark.parametrize(
    ("kind", "authority"),
    [
        (OrganisationKind.MBO, Authority.SOLE_DIRECTOR),
        (OrganisationKind.MUNICIPALITY, Authority.SCHOOL_BOARD),
        (OrganisationKind.COMPANY, Authority.MUNICIPAL_MANDATE),
    ],
)
def test_an_authority_that_does_not_fit_the_kind_is_refused(
    partnership, no_scopes, kind, authority
):
    contact = ContactFactory(organisation=OrganisationFactory(partnership=partnership, kind=kind))
    with pytest.raises(ValidationError) as error:
        _signatory(contact, authority)
    assert "authority" in error.value.message_dict


@pytest.mark.parametrize(
    ("kind", "authority"),
    [
        (OrganisationKind.MBO, Authority.SCHOOL_BOARD),
        (OrganisationKind.MUNICIPALITY, Authority.MUNICIPAL_MANDATE),
        (OrganisationKind.COMPANY, Authority.SOLE_DIRECTOR),
    ],
)
def test_an_authority_that_fits_the_kind_is_saved(partnership, no_scopes, kind, authority):
    contact = ContactFactory(organisation=OrganisationFactory(partnership=partnership, kind=kind))
    assert _signatory(contact, authority).pk is not None


def test_evidence_dated_in_the_future_is_refused(organisation):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        _signatory(ContactFactory(organisation=organisation), evidence_date=tomorrow)
    assert "evidence_date" in error.value.message_dict


@pytest.mark.parametrize(
    "change",
    [
        {"evidence_reference": "KvK 87654321"},
        {"evidence_source": EvidenceSource.BOARD_REGULATIONS},
        {"evidence_date": datetime.date(2026, 1, 11)},
    ],
)
def test_changing_the_evidence_clears_the_check(organisation, leader, change):
    contact = ContactFactory(organisation=organisation)
    services.signatory_check(signatory=_signatory(contact), user=leader)
    services.signatory_save(
        contact=contact, authority=Authority.SOLE_DIRECTOR, **{**_evidence(), **change}
    )
    signatory = _fresh(contact.signatory)
    assert signatory.checked_at is None
    assert signatory.checked_by is None


def test_saving_the_same_evidence_keeps_the_check(organisation, leader):
    contact = ContactFactory(organisation=organisation)
    services.signatory_check(signatory=_signatory(contact), user=leader)
    services.signatory_save(
        contact=contact, authority=Authority.PROXY, proxy_limit=Decimal("500"), **_evidence()
    )
    signatory = _fresh(contact.signatory)
    assert signatory.checked_by == leader
    assert signatory.checked_at is not None


def test_checking_records_who_and_when(organisation, leader):
    signatory = _signatory(ContactFactory(organisation=organisation))
    before = timezone.now()
    services.signatory_check(signatory=signatory, user=leader)
    signatory = _fresh(signatory)
    assert signatory.checked_by == leader
    assert signatory.checked_at >= before


@pytest.mark.parametrize(
    "missing",
    [{"evidence_source": ""}, {"evidence_reference": ""}, {"evidence_date": None}],
)
def test_checking_incomplete_evidence_is_refused(organisation, leader, missing):
    signatory = _signatory(ContactFactory(organisation=organisation), **missing)
    with pytest.raises(ValidationError):
        services.signatory_check(signatory=signatory, user=leader)
    assert _fresh(signatory).checked_at is None


def test_removing_a_signatory_clears_co_signatory_links_and_keeps_the_contact(organisation):
    anna = SignatoryFactory(
        contact=ContactFactory(organisation=organisation), authority=Authority.JOINT_DIRECTOR
    )
    bram = SignatoryFactory(
        contact=ContactFactory(organisation=organisation),
        authority=Authority.JOINT_DIRECTOR,
        co_signatory=anna,
    )
    services.signatory_remove(signatory=anna)
    assert not Signatory.objects.filter(pk=anna.pk).exists()
    assert Contact.objects.filter(pk=anna.contact.pk).exists()
    assert _fresh(bram).co_signatory_id is None
    # The change to Bram is in his history, not only in the database.
    assert bram.history.first().co_signatory_id is None


# --- Views and forms ---------------------------------------------------------------------


def _contact_data(**overrides):
    return {
        "name": "Anna Aalders",
        "email": "anna@metaal.nl",
        "phone": "053 123 4567",
        "job_title": "Directeur",
        **overrides,
    }


def test_editor_adds_a_contact_and_returns_to_the_organisation(editor_client, organisation):
    response = editor_client.post(
        _url("contact-create", organisation.code), _contact_data(is_primary="on")
    )
    assert response.status_code == 302
    assert response.url == _url("organisation-detail", organisation.code)
    contact = Contact.objects.get(organisation=organisation)
    assert (contact.name, contact.email, contact.is_primary) == (
        "Anna Aalders",
        "anna@metaal.nl",
        True,
    )
    assert contact.history.first().history_user.email == "redacteur@twente.nl"


def test_editing_a_contact_records_the_editor_in_history(editor_client, editor, organisation):
    contact = ContactFactory(organisation=organisation, name="Anna")
    response = editor_client.post(
        _url("contact-update", contact.code), _contact_data(name="Anna de Vries")
    )
    assert response.status_code == 302
    assert _fresh(contact).name == "Anna de Vries"
    latest = contact.history.first()
    assert latest.name == "Anna de Vries"
    assert latest.history_user == editor


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "A" * 10_000),
        ("email", "geen-e-mailadres"),
        ("email", SCRIPT),
        ("phone", "bel me maar"),
        ("phone", "12"),
        ("phone", "--------"),
        ("phone", "0" * 10_000),
        ("job_title", "J" * 10_000),
    ],
)
def test_bad_contact_input_is_a_form_error_and_saves_nothing(
    editor_client, organisation, field, value
):
    response = editor_client.post(
        _url("contact-create", organisation.code), _contact_data(**{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Contact.objects.filter(organisation=organisation).exists()
    assert SCRIPT not in response.content.decode()


@pytest.mark.parametrize(
    "phone",
    ["053 123 4567", "+31 53 123 4567", "053-1234567", "(053) 123 45 67", "+31612345678"],
)
def test_phone_numbers_of_8_to_15_digits_are_accepted(phone):
    validate_phone(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "--------",
        "(((   )))",
        "1234567",  # 7 digits
        "1234567890123456",  # 16 digits
        "053+1234567",  # + not at the start
        "++31 53 123 4567",
        "053 123 4567 x2",
        "053.123.4567",
    ],
)
def test_phone_numbers_without_8_to_15_digits_or_with_other_characters_are_refused(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_a_bad_edit_leaves_the_contact_unchanged(editor_client, organisation):
    contact = ContactFactory(organisation=organisation, name="Anna", email="anna@metaal.nl")
    response = editor_client.post(
        _url("contact-update", contact.code), _contact_data(name="Bram", email="kapot")
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    contact = _fresh(contact)
    assert (contact.name, contact.email) == ("Anna", "anna@metaal.nl")


def test_script_in_a_contact_is_shown_escaped(editor_client, organisation):
    response = editor_client.post(
        _url("contact-create", organisation.code), _contact_data(name=SCRIPT, job_title=SCRIPT)
    )
    assert response.status_code == 302
    for url in (_url("contact-list"), _url("contact-update", Contact.objects.get().code)):
        page = editor_client.get(url).content.decode()
        assert SCRIPT not in page
        assert escape(SCRIPT) in page


def test_a_contact_of_another_partnership_is_404(editor_client, other_partnership, no_scopes):
    foreign = ContactFactory(organisation=OrganisationFactory(partnership=other_partnership))
    assert editor_client.get(_url("contact-update", foreign.code)).status_code == 404
    assert editor_client.post(_url("contact-delete", foreign.code)).status_code == 404
    assert Contact.objects.filter(pk=foreign.pk).exists()


def test_deleting_a_signatory_contact_is_refused_on_the_page(editor_client, organisation):
    signatory = SignatoryFactory(contact=ContactFactory(organisation=organisation))
    response = editor_client.post(_url("contact-delete", signatory.contact.code))
    assert response.status_code == 400
    assert Contact.objects.filter(pk=signatory.contact.pk).exists()


def test_deleting_a_plain_contact_works_after_confirmation(editor_client, organisation):
    contact = ContactFactory(organisation=organisation)
    assert editor_client.get(_url("contact-delete", contact.code)).status_code == 200
    assert Contact.objects.filter(pk=contact.pk).exists()
    response = editor_client.post(_url("contact-delete", contact.code))
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()


def _signatory_data(**overrides):
    data = {
        "authority": Authority.SOLE_DIRECTOR,
        "co_signatory": "",
        "proxy_limit": "",
        "evidence_source": EvidenceSource.KVK_EXTRACT,
        "evidence_reference": "KvK 12345678",
        "evidence_date": "2026-01-10",
    }
    return {**data, **overrides}


def test_editor_makes_a_contact_a_signatory(editor_client, editor, organisation):
    contact = ContactFactory(organisation=organisation)
    response = editor_client.post(_url("signatory-edit", contact.code), _signatory_data())
    assert response.status_code == 302
    signatory = Signatory.objects.get(contact=contact)
    assert signatory.authority == Authority.SOLE_DIRECTOR
    assert signatory.evidence_date == datetime.date(2026, 1, 10)
    assert signatory.history.first().history_user == editor


def test_editor_makes_a_joint_director_with_a_co_signatory(editor_client, organisation):
    bram = SignatoryFactory(
        contact=ContactFactory(organisation=organisation), authority=Authority.JOINT_DIRECTOR
    )
    contact = ContactFactory(organisation=organisation)
    response = editor_client.get(_url("signatory-edit", contact.code))
    assert str(bram.code) in response.content.decode()
    response = editor_client.post(
        _url("signatory-edit", contact.code),
        _signatory_data(authority=Authority.JOINT_DIRECTOR, co_signatory=str(bram.code)),
    )
    assert response.status_code == 302
    anna = Signatory.objects.get(contact=contact)
    assert anna.co_signatory == bram
    assert _fresh(bram).co_signatory == anna


def test_a_proxy_limit_typed_the_dutch_way_is_read_as_decimal(editor_client, organisation):
    contact = ContactFactory(organisation=organisation)
    response = editor_client.post(
        _url("signatory-edit", contact.code),
        _signatory_data(authority=Authority.PROXY, proxy_limit="2500,50"),
    )
    assert response.status_code == 302
    assert Signatory.objects.get(contact=contact).proxy_limit == Decimal("2500.50")


@pytest.mark.parametrize("limit", ["-100", "0", "0,00", "tweeduizend", "", "1" * 20])
def test_a_bad_proxy_limit_is_a_form_error(editor_client, organisation, limit):
    contact = ContactFactory(organisation=organisation)
    response = editor_client.post(
        _url("signatory-edit", contact.code),
        _signatory_data(authority=Authority.PROXY, proxy_limit=limit),
    )
    assert response.status_code == 200
    assert "proxy_limit" in response.context["form"].errors
    assert not Signatory.objects.filter(contact=contact).exists()


def test_a_proxy_limit_given_to_a_sole_director_is_dropped(editor_client, organisation):
    contact = ContactFactory(organisation=organisation)
    response = editor_client.post(
        _url("signatory-edit", contact.code), _signatory_data(proxy_limit="-5")
    )
    assert response.status_code == 302
    assert Signatory.objects.get(contact=contact).proxy_limit is None


def test_a_joint_director_may_be_saved_before_the_second_director_exists(
    editor_client, organisation
):
    contact = ContactFactory(organisation=organisation)
    response = editor_client.post(
        _url("signatory-edit", contact.code),
        _signatory_data(authority=Authority.JOINT_DIRECTOR),
    )
    assert response.status_code == 302
    assert Signatory.objects.get(contact=contact).co_signatory is None


def test_a_forged_co_signatory_of_another_organisation_is_a_form_error(
    editor_client, partnership, organisation
):
    elsewhere = SignatoryFactory(
        contact=ContactFactory(organisation=OrganisationFactory(partnership=partnership))
    )
    contact = ContactFactory(organisation=organisation)
    response = editor_client.post(
        _url("signatory-edit", contact.code),
        _signatory_data(authority=Authority.JOINT_DIRECTOR, co_signatory=str(elsewhere.code)),
    )
    assert response.status_code == 200
    assert "co_signatory" in response.context["form"].errors
    assert not Signatory.objects.filter(contact=contact).exists()


def test_a_forged_co_signatory_of_another_partnership_is_a_form_error(
    editor_client, other_partnership, organisation
):
    foreign = SignatoryFactory(
        contact=ContactFactory(organisation=OrganisationFactory(partnership=other_partnership))
    )
    contact = ContactFactory(organisation=organisation)
    response = editor_client.post(
        _url("signatory-edit", contact.code),
        _signatory_data(authority=Authority.JOINT_DIRECTOR, co_signatory=str(foreign.code)),
    )
    assert response.status_code == 200
    assert "co_signatory" in response.context["form"].errors
    assert not Signatory.objects.filter(contact=contact).exists()


def test_a_signatory_cannot_choose_themselves_as_co_signatory(editor_client, organisation):
    anna = SignatoryFactory(contact=ContactFactory(organisation=organisation))
    response = editor_client.post(
        _url("signatory-edit", anna.contact.code),
        _signatory_data(authority=Authority.JOINT_DIRECTOR, co_signatory=str(anna.code)),
    )
    assert response.status_code == 200
    assert "co_signatory" in response.context["form"].errors
    assert _fresh(anna).authority == Authority.SOLE_DIRECTOR


def test_an_authority_that_does_not_fit_the_school_is_a_form_error(
    editor_client, partnership, no_scopes
):
    school = OrganisationFactory(partnership=partnership, kind=OrganisationKind.VMBO)
    contact = ContactFactory(organisation=school)
    response = editor_client.post(
        _url("signatory-edit", contact.code), _signatory_data(authority=Authority.SOLE_DIRECTOR)
    )
    assert response.status_code == 200
    assert "authority" in response.context["form"].errors
    assert not Signatory.objects.filter(contact=contact).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("evidence_reference", "R" * 10_000),
        ("evidence_date", "2999-01-01"),
        ("evidence_date", "gisteren"),
        ("evidence_source", "handdruk"),
        ("authority", "king"),
        ("authority", ""),
    ],
)
def test_bad_signatory_input_is_a_form_error_and_saves_nothing(
    editor_client, organisation, field, value
):
    contact = ContactFactory(organisation=organisation)
    response = editor_client.post(
        _url("signatory-edit", contact.code), _signatory_data(**{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Signatory.objects.filter(contact=contact).exists()


def test_script_in_the_evidence_reference_is_shown_escaped(editor_client, organisation):
    contact = ContactFactory(organisation=organisation)
    editor_client.post(
        _url("signatory-edit", contact.code), _signatory_data(evidence_reference=SCRIPT)
    )
    assert Signatory.objects.get(contact=contact).evidence_reference == SCRIPT
    page = editor_client.get(_url("signatory-edit", contact.code)).content.decode()
    assert SCRIPT not in page
    assert escape(SCRIPT) in page


def test_checking_through_the_page_records_the_editor(editor_client, editor, organisation):
    signatory = SignatoryFactory(contact=ContactFactory(organisation=organisation))
    response = editor_client.post(_url("signatory-check", signatory.contact.code))
    assert response.status_code == 302
    assert _fresh(signatory).checked_by == editor


def test_checking_incomplete_evidence_through_the_page_changes_nothing(editor_client, organisation):
    signatory = SignatoryFactory(
        contact=ContactFactory(organisation=organisation), evidence_reference=""
    )
    response = editor_client.post(_url("signatory-check", signatory.contact.code))
    assert response.status_code == 302
    assert _fresh(signatory).checked_at is None


def test_removing_a_signatory_through_the_page(editor_client, organisation):
    signatory = SignatoryFactory(contact=ContactFactory(organisation=organisation))
    assert editor_client.get(_url("signatory-delete", signatory.contact.code)).status_code == 200
    response = editor_client.post(_url("signatory-delete", signatory.contact.code))
    assert response.status_code == 302
    assert not Signatory.objects.filter(pk=signatory.pk).exists()


def test_viewer_cannot_make_a_signatory(client, viewer, organisation):
    client.force_login(viewer)
    contact = ContactFactory(organisation=organisation)
    response = client.post(_url("signatory-edit", contact.code), _signatory_data())
    assert response.status_code == 403
    assert not Signatory.objects.filter(contact=contact).exists()


# --- The contact list --------------------------------------------------------------------


@pytest.fixture
def landscape(partnership, other_partnership, no_scopes):
    company = OrganisationFactory(partnership=partnership, name="Bouwbedrijf Oost")
    school = OrganisationFactory(
        partnership=partnership, name="Twents Carmel College", kind=OrganisationKind.VMBO
    )
    anna = ContactFactory(
        organisation=company, name="Anna Aalders", job_title="Directeur", is_primary=True
    )
    SignatoryFactory(contact=anna)
    ContactFactory(organisation=company, name="Bram Bos", job_title="Werkvoorbereider")
    carla = ContactFactory(organisation=school, name="Carla Claassen", email="c.claassen@carmel.nl")
    SignatoryFactory(contact=carla, authority=Authority.SCHOOL_BOARD)
    ContactFactory(
        organisation=OrganisationFactory(partnership=other_partnership),
        name="Anna Zeeuws",
    )


def _names(response):
    return sorted(contact.name for contact in response.context["page"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Anna Aalders", "Bram Bos", "Carla Claassen"]),
        ({"q": "anna"}, ["Anna Aalders"]),
        ({"q": "CARMEL"}, ["Carla Claassen"]),
        ({"q": "werkvoor"}, ["Bram Bos"]),
        ({"q": "c.claassen@"}, ["Carla Claassen"]),
        ({"kind": OrganisationKind.VMBO}, ["Carla Claassen"]),
        ({"is_signatory": "yes"}, ["Anna Aalders", "Carla Claassen"]),
        ({"is_signatory": "no"}, ["Bram Bos"]),
        ({"authority": Authority.SCHOOL_BOARD}, ["Carla Claassen"]),
        ({"is_primary": "yes"}, ["Anna Aalders"]),
        ({"is_primary": "no"}, ["Bram Bos", "Carla Claassen"]),
        ({"q": "anna", "is_signatory": "no"}, []),
        ({"kind": "castle"}, ["Anna Aalders", "Bram Bos", "Carla Claassen"]),
    ],
)
def test_the_contact_list_filters_and_searches_within_the_partnership(
    editor_client, landscape, query, expected
):
    response = editor_client.get(_url("contact-list"), query)
    assert response.status_code == 200
    assert _names(response) == expected


def test_the_contact_list_paginates_by_25(editor_client, organisation):
    ContactFactory.create_batch(30, organisation=organisation)
    first = editor_client.get(_url("contact-list"))
    second = editor_client.get(_url("contact-list"), {"page": 2})
    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 5


def test_viewer_sees_the_list_without_edit_buttons(client, viewer, organisation):
    contact = ContactFactory(organisation=organisation)
    client.force_login(viewer)
    page = client.get(_url("contact-list")).content.decode()
    assert contact.name in page or escape(contact.name) in page
    assert _url("contact-update", contact.code) not in page


def _landscape_of(partnership, organisations, per_organisation):
    for index in range(organisations):
        organisation = OrganisationFactory(partnership=partnership)
        first = SignatoryFactory(
            contact=ContactFactory(organisation=organisation, is_primary=True),
            authority=Authority.JOINT_DIRECTOR,
        )
        second = SignatoryFactory(
            contact=ContactFactory(organisation=organisation),
            authority=Authority.JOINT_DIRECTOR,
            co_signatory=first,
        )
        first.co_signatory = second
        first.checked_by = partnership.memberships.first().user if index % 2 else None
        first.checked_at = timezone.now() if index % 2 else None
        first.save()
        ContactFactory.create_batch(per_organisation - 2, organisation=organisation)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_contact_list_runs_the_same_queries_for_5_and_200_contacts(
    editor_client, partnership, no_scopes, django_assert_num_queries
):
    _landscape_of(partnership, organisations=1, per_organisation=5)
    small = _count_queries(editor_client, _url("contact-list"))
    _landscape_of(partnership, organisations=39, per_organisation=5)
    assert Contact.objects.count() == 200
    with django_assert_num_queries(small):
        editor_client.get(_url("contact-list"), {"page": 3})
    with django_assert_num_queries(small):
        editor_client.get(_url("contact-list"), {"is_signatory": "yes", "q": "e"})


def test_the_export_runs_the_same_queries_for_5_and_200_contacts(
    editor_client, partnership, no_scopes, django_assert_num_queries
):
    _landscape_of(partnership, organisations=1, per_organisation=5)
    small = _count_queries(editor_client, _url("contact-export"))
    _landscape_of(partnership, organisations=39, per_organisation=5)
    with django_assert_num_queries(small):
        response = editor_client.get(_url("contact-export"))
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.max_row == 201


# --- Excel export ------------------------------------------------------------------------


def test_the_export_holds_every_filtered_row_with_its_signatory(
    editor_client, partnership, leader, no_scopes
):
    organisation = OrganisationFactory(partnership=partnership, name="Bouwbedrijf Oost")
    anna = ContactFactory(
        organisation=organisation,
        name="Anna Aalders",
        job_title="Directeur",
        email="anna@oost.nl",
        phone="053 123 4567",
        is_primary=True,
    )
    signatory = SignatoryFactory(
        contact=anna,
        evidence_reference="KvK 11112222",
        evidence_date=TODAY,
        checked_by=leader,
        checked_at=timezone.now(),
    )
    ContactFactory(organisation=organisation, name='=HYPERLINK("http://x")')
    ContactFactory.create_batch(30, organisation=organisation)

    proxy = SignatoryFactory(
        contact=ContactFactory(organisation=organisation, name="Piet Proxy"),
        authority=Authority.PROXY,
        proxy_limit=Decimal("12500.50"),
    )
    bram = SignatoryFactory(
        contact=ContactFactory(organisation=organisation, name="Bram Bos"),
        authority=Authority.JOINT_DIRECTOR,
        co_signatory=proxy,
    )

    response = editor_client.get(_url("contact-export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) == 14
    assert all(rows[0])
    assert len(rows) == 1 + 34  # all rows, not one page
    by_name = {row[0]: row for row in rows[1:]}
    row = by_name["Anna Aalders"]
    with translation.override("nl"):
        authority = str(Authority.SOLE_DIRECTOR.label)
        source = str(EvidenceSource.KVK_EXTRACT.label)
        yes, no = translation.gettext("yes"), translation.gettext("no")
    assert row[:6] == (
        "Anna Aalders",
        "Bouwbedrijf Oost",
        "Directeur",
        "anna@oost.nl",
        "053 123 4567",
        yes,
    )
    assert row[6:9] == (authority, None, None)
    assert row[9:11] == (source, "KvK 11112222")
    assert row[11].date() == TODAY
    assert row[12] == str(leader)
    assert row[13] is not None
    assert signatory.checked_at is not None
    assert by_name["Bram Bos"][5] == no
    # The proxy limit is an exact amount in euro number format; the co-signatory by name.
    proxy_row = next(
        cells for cells in sheet.iter_rows(min_row=2) if cells[0].value == "Piet Proxy"
    )
    assert Decimal(str(proxy_row[7].value)) == Decimal("12500.50")
    assert "€" in proxy_row[7].number_format
    assert by_name["Bram Bos"][8] == "Piet Proxy"
    assert bram.co_signatory == proxy
    assert_defused(sheet, '=HYPERLINK("http://x")')


def test_the_export_file_name_has_the_partnership_and_the_date(editor_client, organisation):
    response = editor_client.get(_url("contact-export"))
    stamp = timezone.localdate().isoformat()
    assert f'filename="contactpersonen-twente-{stamp}.xlsx"' in response["Content-Disposition"]


@pytest.mark.parametrize("params", [{"kind": "castle"}, {"authority": "king"}, {"q": "x" * 300}])
def test_an_export_with_an_invalid_filter_goes_back_to_the_list(editor_client, landscape, params):
    response = editor_client.get(_url("contact-export"), params)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == _url("contact-list")
    assert parse_qs(location.query) == {key: [value] for key, value in params.items()}
    assert [m.level for m in get_messages(response.wsgi_request)] == [messages.ERROR]


def test_the_export_follows_the_filter(editor_client, landscape):
    response = editor_client.get(_url("contact-export"), {"is_signatory": "yes"})
    sheet = load_workbook(BytesIO(response.content)).active
    names = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["Anna Aalders", "Carla Claassen"]


# --- The organisation page's contacts and signing status ---------------------------------


def _render_partial(organisation, role=Role.EDITOR):
    contacts = selectors.organisation_contacts(organisation=organisation)
    status = selectors.organisation_signing_status(organisation=organisation, contacts=contacts)
    html = render_to_string(
        "partners/contacts/_organisation_contacts.html",
        {
            "tenant": Tenant(partnership=organisation.partnership, role=role),
            "organisation": organisation,
            "contacts": contacts,
            "signing_status": status,
        },
    )
    return html, status


def test_an_organisation_without_signatory_shows_why(organisation):
    ContactFactory(organisation=organisation, name="Bram Bos")
    html, status = _render_partial(organisation)
    assert status.valid is False
    assert 'data-signing="invalid"' in html
    assert all(escape(reason) in html for reason in status.reasons)


def test_a_lone_joint_director_is_not_valid_until_the_co_signatory_is_added(organisation, leader):
    anna = _signatory(ContactFactory(organisation=organisation, name="Anna Aalders"))
    services.signatory_check(signatory=anna, user=leader)
    # Anna becomes jointly authorised; the second director is not recorded yet.
    Signatory.objects.filter(pk=anna.pk).update(authority=Authority.JOINT_DIRECTOR)
    html, status = _render_partial(organisation)
    assert status.valid is False
    assert any("Anna Aalders" in reason for reason in status.reasons)
    assert 'data-signing="invalid"' in html

    bram = _signatory(
        ContactFactory(organisation=organisation, name="Bram Bos"),
        Authority.JOINT_DIRECTOR,
        co_signatory=_fresh(anna),
    )
    services.signatory_check(signatory=bram, user=leader)
    html, status = _render_partial(organisation)
    assert status.valid is True
    assert 'data-signing="valid"' in html
    assert "Bram Bos" in html


def test_a_checked_sole_director_is_a_valid_signatory(organisation, leader):
    signatory = SignatoryFactory(contact=ContactFactory(organisation=organisation))
    services.signatory_check(signatory=signatory, user=leader)
    html, status = _render_partial(organisation)
    assert status.valid is True
    assert status.valid_signatories == [signatory.pk]
    assert 'data-signing="valid"' in html


def test_the_partial_shows_write_buttons_to_editors_only(organisation):
    contact = ContactFactory(organisation=organisation, email="anna@metaal.nl")
    editor_html, _status = _render_partial(organisation, Role.EDITOR)
    viewer_html, _status = _render_partial(organisation, Role.VIEWER)
    for url in (
        _url("contact-update", contact.code),
        _url("signatory-edit", contact.code),
        _url("contact-delete", contact.code),
        _url("contact-create", organisation.code),
    ):
        assert url in editor_html
        assert url not in viewer_html
    assert "mailto:anna@metaal.nl" in viewer_html


def test_the_partial_escapes_script_in_every_field(organisation):
    contact = ContactFactory(
        organisation=organisation, name=SCRIPT, job_title=SCRIPT, email="a@b.nl"
    )
    SignatoryFactory(contact=contact, evidence_reference=SCRIPT)
    html, status = _render_partial(organisation)
    assert SCRIPT not in html
    assert escape(SCRIPT) in html


def test_contacts_and_signing_status_take_one_query_for_any_number_of_contacts(
    organisation, leader, django_assert_num_queries
):
    _landscape_of_one(organisation, 40, checker=leader)
    with django_assert_num_queries(1):
        contacts = selectors.organisation_contacts(organisation=organisation)
    with django_assert_num_queries(0):
        selectors.organisation_signing_status(organisation=organisation, contacts=contacts)
        render_to_string(
            "partners/contacts/_organisation_contacts.html",
            {
                "tenant": Tenant(partnership=organisation.partnership, role=Role.EDITOR),
                "organisation": organisation,
                "contacts": contacts,
                "signing_status": selectors.organisation_signing_status(
                    organisation=organisation, contacts=contacts
                ),
            },
        )
    assert len(contacts) == 40


def _landscape_of_one(organisation, count, checker):
    first = SignatoryFactory(
        contact=ContactFactory(organisation=organisation), authority=Authority.JOINT_DIRECTOR
    )
    SignatoryFactory(
        contact=ContactFactory(organisation=organisation),
        authority=Authority.JOINT_DIRECTOR,
        co_signatory=first,
    )
    SignatoryFactory(
        contact=ContactFactory(organisation=organisation),
        authority=Authority.PROXY,
        proxy_limit=Decimal("5000.00"),
        checked_by=checker,
        checked_at=timezone.now(),
    )
    ContactFactory.create_batch(count - 3, organisation=organisation)
