"""One-line fields (names, titles, roles, descriptions shown on one line) refuse a line or
paragraph break everywhere they can be filled: forms, the admin, full_clean and the import.
A partnership name with a line break broke every invitation mail (BadHeaderError)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import override
from django_scopes import scopes_disabled

from accounts.models import User
from cofinancing.importer import import_workbook
from partners.forms.members import AcceptInvitationForm
from partners.models import Organisation, Partnership
from signing.round_forms import PaperForm
from signing.sign_forms import RedirectForm, SignForm
from sterk.validators import SINGLE_LINE_MESSAGE, validate_single_line
from tests.factories import OrganisationFactory
from tests.fixtures_xlsx import PARTNERSHIP, workbook


def dutch_message() -> str:
    # Read through gettext, so these tests hold before and after the translation is merged.
    with override("nl"):
        return str(SINGLE_LINE_MESSAGE)


def codes(form, field) -> list[str]:
    return [error.code for error in form.errors.as_data()[field]]


BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("separator", BREAKS, ids=repr)
def test_the_validator_refuses_every_line_and_paragraph_separator(separator):
    with pytest.raises(ValidationError) as caught:
        validate_single_line(f"Regio{separator}Twente")
    assert caught.value.code == "line_break"


@pytest.mark.parametrize("value", ["Regio Twente", "Tab\tseparated", "Café – ‘Ō’", ""])
def test_the_validator_accepts_one_line(value):
    validate_single_line(value)


# Model CharFields a person fills in but that are not names or text on one line: codes with
# a strict format of their own, and the signing app's records, which only services fill
# (from forms that check, see below) and which the admin shows read-only.
NOT_FREE_TEXT = {
    ("partners", "Organisation", "kvk_number"),
    ("partners", "Organisation", "brin_code"),
    ("partners", "Contact", "phone"),
    ("partners", "Invitation", "token_hash"),
    ("accounts", "User", "password"),
    # Decided by cofinancing.services.evidence from the file's content, never typed.
    ("cofinancing", "Evidence", "content_type"),
    ("cofinancing", "Evidence", "sha256"),
    ("cofinancing", "AnnualStatement", "pdf_sha256"),
    ("cofinancing", "AnnualStatement", "ledger_sha256"),
    ("cofinancing", "CompanyStatement", "snapshot_sha256"),
    ("cofinancing", "CompanyStatement", "pdf_sha256"),
}
SERVICE_ONLY_APPS = {"signing", "agreements"}
OUR_APPS = {
    "accounts",
    "partners",
    "activities",
    "governance",
    "cofinancing",
    "signing",
    "agreements",
}


def test_every_free_text_char_field_of_our_models_refuses_line_breaks():
    missing = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in OUR_APPS or meta.app_label in SERVICE_ONLY_APPS:
            continue
        if model.__name__.startswith("Historical"):
            continue  # django-simple-history copies the fields, validators included
        for field in meta.get_fields():
            if (
                type(field) is not models.CharField
                or field.choices
                or not field.editable
                or (meta.app_label, model.__name__, field.name) in NOT_FREE_TEXT
            ):
                continue
            if validate_single_line not in field.validators:
                missing.append(f"{meta.label}.{field.name}")
    assert not missing, missing


def test_the_check_above_would_see_a_forgotten_field():
    field = Partnership._meta.get_field("name")
    assert validate_single_line in field.validators
    assert validate_single_line not in Partnership._meta.get_field("slug").validators


def test_partnership_settings_refuse_a_name_with_a_line_break(leader_client, partnership):
    response = leader_client.post(
        "/p/twente/settings/",
        {
            "name": "Regio Twente\nTechniek",
            "region": "Twente",
            "start_year": partnership.start_year,
            "end_year": partnership.end_year,
            "quiet_after_days": partnership.quiet_after_days,
        },
    )
    assert response.status_code == 200
    assert codes(response.context["form"], "name") == ["line_break"]
    assert dutch_message() in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.name == "Regio Twente Techniek"


def test_a_new_organisation_with_a_paragraph_separator_is_refused(leader_client, partnership):
    # The form already collapses white space in the name; the city it keeps as typed.
    response = leader_client.post(
        "/p/twente/partners/new/",
        {"name": "Metaalwerken", "kind": "company", "stage": "prospect", "city": "A\u2029B"},
    )
    assert response.status_code == 200
    assert codes(response.context["form"], "city") == ["line_break"]
    assert dutch_message() in response.content.decode()
    with scopes_disabled():
        assert not Organisation.objects.filter(name__startswith="Metaal").exists()


def test_full_clean_refuses_it_as_services_call_it(partnership, no_scopes):
    organisation = OrganisationFactory.build(partnership=partnership, city="Hengelo\x85Oost")
    with pytest.raises(ValidationError) as caught:
        organisation.full_clean(exclude=["partnership"])
    assert list(caught.value.message_dict) == ["city"]


def test_the_admin_form_refuses_it(rf, partnership):
    superuser = User.objects.create_superuser("beheer@sterk.test", "x" * 12)
    request = rf.get("/")
    request.user = superuser
    model_admin = admin.site._registry[Partnership]
    form_class = model_admin.get_form(request, partnership)
    data = {
        "name": "Regio\u2028Twente",
        "slug": partnership.slug,
        "region": "Twente",
        "start_year": partnership.start_year,
        "end_year": partnership.end_year,
        "quiet_after_days": partnership.quiet_after_days,
    }
    form = form_class(data, instance=partnership)
    assert not form.is_valid()
    assert codes(form, "name") == ["line_break"]
    data["name"] = "Regio Twente"
    assert form_class(data, instance=partnership).is_valid(), "only the break is refused"


def test_a_user_name_with_a_line_break_is_refused(db):
    user = User.objects.create_user("a@sterk.test", "x" * 12)
    user.first_name = "Anna\nBcc: x@y.z"
    with pytest.raises(ValidationError) as caught:
        user.full_clean()
    assert "first_name" in caught.value.message_dict


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (AcceptInvitationForm, "first_name"),
        (AcceptInvitationForm, "last_name"),
        (SignForm, "typed_name"),
        (RedirectForm, "name"),
    ],
)
def test_plain_forms_refuse_it(form, field):
    kwargs = {"email": "a@x.nl"} if form is AcceptInvitationForm else {}
    bound = form({field: "Anna\r\nJansen"}, **kwargs)
    bound.is_valid()
    assert codes(bound, field) == ["line_break"]


def test_the_paper_signed_by_refuses_it():
    field = PaperForm.base_fields["signed_by"]
    with pytest.raises(ValidationError):
        field.clean("Anna\nJansen")
    assert field.clean("Anna Jansen") == "Anna Jansen"


def test_the_import_refuses_a_line_break_in_a_one_line_cell(partnership, leader):
    result = import_workbook(
        workbook(partnership={**PARTNERSHIP, "Naam": "Regio\nTwente"}),
        partnership=partnership,
        user=leader,
    )
    assert not result.ok
    message = str(SINGLE_LINE_MESSAGE)
    assert any(message in str(error) for error in result.errors), result.error_messages
    partnership.refresh_from_db()
    assert partnership.name == "Regio Twente Techniek"
