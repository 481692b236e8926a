import re

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def _login(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def test_sign_in_with_email_is_case_insensitive_and_goes_to_the_only_partnership(client, leader):
    response = _login(client, "LEIDER@Twente.nl", PASSWORD)
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == "/p/twente/"


def test_wrong_password_gives_a_clear_message_and_no_session(client, leader):
    response = _login(client, "leider@twente.nl", "wrong-password")
    assert response.status_code == 200
    assert "Het e-mailadres of het wachtwoord klopt niet" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "email", ["", "not-an-address", "x" * 300 + "@example.nl", "<script>@x.nl"]
)
def test_malformed_email_on_sign_in_is_a_form_error(client, leader, email):
    response = _login(client, email, PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_repeated_failures_lock_the_account_with_a_clear_message(client, leader, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "leider@twente.nl", "wrong").status_code == 200
    response = _login(client, "leider@twente.nl", "wrong")
    assert response.status_code == 429
    text = response.content.decode()
    assert "tijdelijk geblokkeerd" in text
    assert "15 minuten" in text
    # Even the right password is refused while locked.
    assert _login(client, "leider@twente.nl", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_home_lists_partnerships_when_member_of_several(client, leader, other_partnership):
    from django_scopes import scopes_disabled

    from partners.models import Membership, Role

    with scopes_disabled():
        Membership.objects.create(partnership=other_partnership, user=leader, role=Role.VIEWER)
    client.force_login(leader)
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Regio Twente Techniek" in text and "Regio Zeeland" in text


def test_home_shows_empty_state_without_partnerships(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/")
    assert "nog geen lid" in response.content.decode()


def test_sign_out_ends_the_session(client, leader):
    client.force_login(leader)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get("/p/twente/").status_code == 302


def reset(client, data):
    """Ask for a reset link; the outbox delivers its e-mail after commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("accounts:password_reset"), data)


def test_password_reset_for_unknown_address_looks_the_same_and_sends_nothing(client, leader):
    unknown = reset(client, {"email": "niemand@example.nl"})
    known = reset(client, {"email": "leider@twente.nl"})
    assert unknown.status_code == known.status_code == 302
    assert unknown.url == known.url
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["leider@twente.nl"]


def test_password_reset_link_sets_a_new_password_once(client, leader):
    reset(client, {"email": "leider@twente.nl"})
    body = mail.outbox[0].body
    assert "Open deze link" in body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    new = "een-heel-nieuw-wachtwoord-42"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.check_password(new)
    # The link cannot be used again.
    again = client.get(link, follow=True)
    assert "niet meer geldig" in again.content.decode()


def test_password_reset_rejects_weak_and_mismatched_passwords(client, leader):
    reset(client, {"email": "leider@twente.nl"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", mail.outbox[0].body).group(
        1
    )
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    for p1, p2 in [("kort", "kort"), ("een-heel-nieuw-wachtwoord", "iets-anders-123456")]:
        response = client.post(form_url, {"new_password1": p1, "new_password2": p2})
        assert response.status_code == 200
        assert response.context["form"].errors
    leader.refresh_from_db()
    assert leader.check_password(PASSWORD)


def test_language_switch_to_english_and_back(client, leader):
    client.force_login(leader)
    page = client.get("/p/twente/partners/")
    assert '<html lang="nl">' in page.content.decode()
    assert "Nog geen organisaties" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/p/twente/partners/"})
    page = client.get("/p/twente/partners/")
    assert '<html lang="en">' in page.content.decode()
    assert "No organisations yet" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "nl", "next": "/p/twente/partners/"})
    assert "Nog geen organisaties" in client.get("/p/twente/partners/").content.decode()


def test_an_english_browser_still_gets_dutch_until_switching(client, leader):
    client.force_login(leader)
    page = client.get("/p/twente/partners/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Nog geen organisaties" in page.content.decode()
    assert page["Content-Language"] == "nl"


def test_unknown_language_keeps_dutch(client, leader):
    client.force_login(leader)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert '<html lang="nl">' in client.get("/p/twente/").content.decode()


def test_lockout_is_per_account_not_per_address(client, leader, viewer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "leider@twente.nl", "wrong")
    assert _login(client, "leider@twente.nl", PASSWORD).status_code == 429
    # A colleague behind the same address signs in as usual.
    assert _login(client, "lezer@twente.nl", PASSWORD).status_code == 302


def test_short_password_is_refused_with_a_translated_message(client, leader):
    reset(client, {"email": "leider@twente.nl"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", mail.outbox[0].body).group(
        1
    )
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "kort", "new_password2": "kort"})
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "This password" not in errors  # the Dutch catalogue has it


def test_error_pages_use_the_site_layout_in_dutch(client, viewer):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert '<html lang="nl">' in response.content.decode()
    assert 'href="/"' in response.content.decode()
    client.force_login(viewer)
    response = client.get("/p/twente/members/invite/")
    assert response.status_code == 403
    assert '<html lang="nl">' in response.content.decode()
    assert "/p/twente/" in response.content.decode()


def test_signing_out_says_so(client, leader):
    client.force_login(leader)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["info"]


VARIANTS = ["LEIDER@twente.nl", " leider@TWENTE.NL ", "Leider@Twente.Nl", "\tleider@twente.nl\n"]


@pytest.mark.parametrize("right_variant", ["leider@twente.nl", " LEIDER@TWENTE.NL "])
def test_case_and_whitespace_variants_of_one_address_share_the_tries(
    client, leader, settings, right_variant
):
    tries = [*VARIANTS, "leider@twente.nl"][: settings.AXES_FAILURE_LIMIT]
    assert len(tries) == settings.AXES_FAILURE_LIMIT == 5
    for attempt in tries[:-1]:
        assert _login(client, attempt, "wrong").status_code == 200
    assert _login(client, tries[-1], "wrong").status_code == 429
    response = _login(client, right_variant, PASSWORD)
    assert response.status_code == 429
    assert "tijdelijk geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_variant_of_the_address_signs_in_before_the_limit(client, leader, settings):
    for attempt in VARIANTS[: settings.AXES_FAILURE_LIMIT - 1]:
        _login(client, attempt, "wrong")
    assert _login(client, " LEIDER@twente.NL ", PASSWORD).status_code == 302


def test_lockout_username_normalises_credentials_and_posted_data(rf):
    from accounts.views import lockout_username

    assert lockout_username(None, {"username": "  A@X.nl "}) == "a@x.nl"
    assert lockout_username(rf.post("/", {"username": " B@Y.NL"})) == "b@y.nl"
    assert lockout_username(rf.post("/", {})) is None
