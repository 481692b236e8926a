from playwright.sync_api import expect


def test_sign_in_reach_partnership_switch_language_and_sign_out(live_server, page, a11y, demo):
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/")
    a11y()

    # A wrong password first: a clear message, nothing else.
    page.get_by_label("E-mailadres").fill("leider@demo.sterk.test")
    page.get_by_label("Wachtwoord").fill("niet-het-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text("klopt niet")
    a11y()

    page.get_by_label("Wachtwoord").fill("sterk-demo-2026")
    page.get_by_role("button", name="Inloggen").click()
    # The only partnership opens straight away.
    expect(page).to_have_url(live_server.url + "/p/demo/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demo")
    expect(page.get_by_text("fictief", exact=False).first).to_be_visible()
    a11y()

    for link, heading in [
        ("Partners", "Partners"),
        ("Activiteiten", "Activiteitenplan"),
        ("Cofinanciering", "Cofinanciering"),
        ("Overeenkomsten", "Samenwerkingsovereenkomst"),
        ("Leden", "Leden"),
    ]:
        page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
            "link", name=link, exact=True
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        a11y()

    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    a11y()
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("link", name="Activities", exact=True)).to_be_visible()
    a11y()

    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("link", name="Activiteiten", exact=True)).to_be_visible()
    a11y()

    page.get_by_role("button", name="Lotte de Leider").click()
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(live_server.url + "/accounts/login/")
    a11y()
    page.goto(live_server.url + "/p/demo/")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/p/demo/")
    a11y()


def test_leader_invites_a_person_who_joins_through_the_link(
    live_server, page, a11y, demo, sign_in, mailoutbox
):
    sign_in()
    page.goto(live_server.url + "/p/demo/members/")
    a11y()
    page.get_by_role("link", name="Iemand uitnodigen").click()
    a11y()
    page.get_by_label("E-mailadres").fill("nieuwe.collega@example.nl")
    page.get_by_label("Rol").select_option("viewer")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.get_by_role("status")).to_contain_text("nieuwe.collega@example.nl")
    a11y()

    link = next(
        line.strip() for line in mailoutbox[0].body.splitlines() if "/invitations/" in line
    ).replace("http://127.0.0.1:8000", live_server.url)
    page.context.clear_cookies()
    page.goto(link)
    a11y()
    page.get_by_label("Voornaam").fill("Nina")
    page.get_by_label("Achternaam").fill("Nieuw")
    page.get_by_label("Wachtwoord*", exact=True).fill("Lasrobot-Helmond-7")
    page.get_by_label("Wachtwoord nogmaals").fill("Lasrobot-Helmond-7")
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page).to_have_url(live_server.url + "/p/demo/")
    a11y()
