"""The full set of articles of the agreement (docs/rules.md §12): the eighteen default
articles in the PDF with their placeholders filled, own articles, order, removal, the
licence choice, the wording of contributions and the annexes."""

import datetime
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from agreements.clauses import (
    DEFAULT_BY_KEY,
    DEFAULT_CLAUSES,
    REQUIRED_KEYS,
    article_add,
    article_move,
    article_outline,
    article_remove,
    clause_save,
    effective_clauses,
)
from agreements.models import Agreement, AgreementArticle
from agreements.pdf import render_pdf
from agreements.signing import _headings
from agreements.snapshot import build_snapshot
from tests.factories import (
    ActivityFactory,
    ContributionFactory,
    GoalFactory,
    OrganisationFactory,
    ParticipantFactory,
    PartnershipFactory,
)
from tests.test_snapshot import _count_queries, ready_partnership

HASH = "fedcba9876543210" * 4
HOSTILE = "<script>alert(1)</script>"
LIST_URL = "/p/twente/agreements/clauses/"


def _url(name, key=None):
    kwargs = {"slug": "twente"} | ({"key": key} if key else {})
    return reverse(f"agreements:{name}", kwargs=kwargs)


def _keys(partnership):
    with scopes_disabled():
        return [clause["key"] for clause in effective_clauses(partnership=partnership)]


def _pdf_text(partnership, tmp_path) -> str:
    with scopes_disabled():
        snapshot = build_snapshot(partnership=partnership)
    path = tmp_path / "agreement.pdf"
    path.write_bytes(render_pdf(snapshot, number=1, snapshot_sha256=HASH))
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return result.stdout.replace("\u00a0", " ")


def _flat(text: str) -> str:
    """The text on one line; a word broken at its hyphen at a line end is joined again."""
    return re.sub(r"(\w-) (?=\w)", r"\1", " ".join(text.split()))


@pytest.fixture
def ready(partnership):
    """A ready partnership with an activity with a goal, a pledged room and a pledged money
    contribution, and a realised labour contribution."""
    ready_partnership(partnership, companies=1)
    with scopes_disabled():
        company = OrganisationFactory(partnership=partnership, name="Zaalverhuur Oost")
        activity = ActivityFactory(
            partnership=partnership,
            short_code="B2",
            title="Techniekdagen",
            start_date=datetime.date(2025, 9, 1),
            end_date=datetime.date(2026, 6, 30),
        )
        activity.goals.add(GoalFactory(partnership=partnership, title="Meer meiden in techniek"))
        ParticipantFactory(activity=activity, partnership=partnership, organisation=company)
        ContributionFactory(
            organisation=company,
            kind="room",
            description="Praktijklokaal",
            hours=None,
            hourly_rate=None,
            units=Decimal("12"),
            unit_price=Decimal("250.00"),
            value=Decimal("3000.00"),
            status="pledged",
        )
        ContributionFactory(
            organisation=company,
            kind="money",
            description="Geld voor materiaal",
            hours=None,
            hourly_rate=None,
            amount=Decimal("750.00"),
            value=Decimal("750.00"),
            status="pledged",
        )
        ContributionFactory(
            organisation=company, description="Gastlessen gegeven", status="realised"
        )
    return partnership


# --- the default articles in the PDF ---------------------------------------------------------


def test_there_are_eighteen_default_articles_with_unique_keys_and_the_old_keys_kept():
    keys = [key for key, _title, _text in DEFAULT_CLAUSES]
    assert len(keys) == 18 == len(set(keys))
    assert keys[0] == "considerations"
    assert keys[-1] == "signatures"
    old = {
        "parties", "considerations", "purpose", "penvoerder", "tasks", "contributions",
        "administration", "term", "joining", "confidentiality", "liability", "disputes",
        "signatures",
    }  # fmt: skip
    new = {"definitions", "governance", "intellectual_property", "termination", "amendment"}
    assert set(keys) == old | new
    assert set(keys) >= REQUIRED_KEYS


def test_every_article_is_in_the_pdf_numbered_with_its_placeholders_filled(ready, tmp_path):
    text = _pdf_text(ready, tmp_path)
    flat = _flat(text)
    assert "{" not in text and "}" not in text
    assert "Overwegingen" in flat
    assert "Artikel 1. Overwegingen" not in flat  # the preamble has no number
    numbered = [title for key, title, _text in DEFAULT_CLAUSES if key != "considerations"]
    for number, title in enumerate(numbered, start=1):
        assert f"Artikel {number}. {title}" in flat, title
    assert flat.index("Overwegende dat") < flat.index("Artikel 1. Begripsbepalingen")
    # The placeholders added for these articles, filled in.
    assert "regeling Sterk Techniekonderwijs (STO 2025–2028) voor de periode 2025–2028" in flat
    assert "Grondslag: de totale subsidiabele kosten van de Begroting" in flat
    assert re.search(r"volgens de huidige Begroting € [\d.]+,\d\d", flat)
    assert "een stuurgroep waarin iedere partij met één vertegenwoordiger zitting heeft" in flat
    assert "niet-exclusief, kosteloos en niet-overdraagbaar recht" in flat
    assert "CC BY 4.0" not in flat


def test_the_signature_article_says_what_art_3_15a_bw_says_and_no_more(ready, tmp_path):
    flat = _flat(_pdf_text(ready, tmp_path))
    assert (
        "voldoende betrouwbaar is gelet op het doel waarvoor zij wordt gebruikt, als bedoeld "
        "in artikel 3:15a van het Burgerlijk Wetboek" in flat
    )
    assert "handgeschreven" not in flat
    assert "dezelfde rechtsgevolgen" not in flat


def test_accession_needs_only_the_new_party_and_the_penvoerder():
    text = _flat(DEFAULT_BY_KEY["joining"][1])
    assert "toetredingsverklaring" in text
    assert "door de Penvoerder namens alle partijen" in text
    assert "machtigen de Penvoerder hierbij" in text
    assert "nieuwe ondertekening door alle partijen is daarvoor niet nodig" in text


def test_the_agreement_takes_effect_from_the_start_of_the_period(ready):
    from agreements.clauses import render_clause

    with scopes_disabled():
        snapshot = build_snapshot(partnership=ready)
    start, end = snapshot["partnership"]["start_year"], snapshot["partnership"]["end_year"]
    text = " ".join(render_clause(DEFAULT_BY_KEY["term"][1], snapshot))
    assert f"werkt terug tot en met 1 januari {start}" in text
    assert f"eindigt op 31 december {end}" in text


def test_the_scheme_years_and_the_agreement_settings_are_in_the_snapshot(ready):
    with scopes_disabled():
        snapshot = build_snapshot(partnership=ready)
    assert snapshot["scheme"]["start_year"] == 2025
    assert snapshot["scheme"]["end_year"] == 2028
    assert snapshot["agreement"]["licence"] == "shared"
    assert snapshot["agreement"]["steering_group"] == ""
    assert snapshot["agreement"]["licence_label"]


def test_leader_chooses_an_open_licence_and_a_steering_group_that_the_pdf_prints(
    ready, leader_client, tmp_path
):
    response = leader_client.post(
        _url("agreement-settings"),
        {"penvoerder": "", "licence": "open", "steering_group": "een stuurgroep van  vijf"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        agreement = Agreement.objects.get(partnership=ready)
    assert (agreement.licence, agreement.steering_group) == ("open", "een stuurgroep van vijf")
    flat = _flat(_pdf_text(ready, tmp_path))
    assert "Creative Commons Naamsvermelding 4.0 Internationaal (CC BY 4.0)" in flat
    assert "aangestuurd door een stuurgroep van vijf." in flat


@pytest.mark.parametrize("value", ["forged", "a\nb"], ids=["unknown-licence", "two-lines"])
def test_settings_refuse_an_unknown_licence_and_make_the_steering_group_one_line(
    leader_client, partnership, value
):
    data = {"licence": "open", "steering_group": "Stuurgroep"}
    data["licence" if value == "forged" else "steering_group"] = value
    response = leader_client.post(_url("agreement-settings"), data)
    with scopes_disabled():
        stored = Agreement.objects.filter(partnership=partnership).first()
    if value == "forged":
        assert response.status_code == 200
        assert stored is None or (stored.licence, stored.steering_group) == ("shared", "")
    else:  # the agreement prints it in a sentence: line breaks become spaces
        assert response.status_code == 302
        assert stored.steering_group == "a b"


def test_signers_overview_headings_follow_the_pdf_numbering(ready, tmp_path):
    with scopes_disabled():
        snapshot = build_snapshot(partnership=ready)
    headings = _headings(snapshot)
    assert headings["tasks"] == "Artikel 4. Taken en verantwoordelijkheden"
    assert headings["tasks"] in _flat(_pdf_text(ready, tmp_path))


# --- contributions and annexes in the PDF ----------------------------------------------------


def test_contributions_are_labelled_pledged_or_delivered_and_rooms_in_dagdelen(ready, tmp_path):
    text = _pdf_text(ready, tmp_path)
    flat = _flat(text)
    lines = text[: text.index("Bijlage 1 Activiteitenplan")].splitlines()

    def row(description):
        index = next(i for i, line in enumerate(lines) if description in line)
        return _flat(lines[index]), _flat(lines[index + 1])

    room, room_valuation = row("Praktijklokaal")
    assert room.endswith("Praktijklokaal toegezegd € 3.000,00")
    assert room_valuation == "12 dagdelen × € 250,00 = € 3.000,00"
    money, money_valuation = row("Geld voor materiaal")
    assert money.endswith("toegezegd € 750,00")
    assert money_valuation == "Bedrag: € 750,00"
    assert row("Gastlessen gegeven")[0].endswith("Gastlessen gegeven geleverd € 500,00")
    assert "eenheden" not in flat
    assert "betaalde bedrag" not in flat.lower()


def test_a_partys_total_is_printed_once_even_when_its_table_spans_pages(partnership, tmp_path):
    ready_partnership(partnership, companies=1)
    with scopes_disabled():
        big = OrganisationFactory(partnership=partnership, name="Grootbedrijf Twente")
        for index in range(70):
            ContributionFactory(
                organisation=big, description=f"Gastles nummer {index:02d}", status="confirmed"
            )
    text = _pdf_text(partnership, tmp_path)
    body = text[: text.index("Bijlage 1 Activiteitenplan")]
    start = body.index("Gastles nummer 00")
    end = body.index("Gastles nummer 69")
    assert body.count("\f", start, end) >= 1, "the table should span a page break"
    assert len(re.findall(r"Totaal Grootbedrijf Twente\s+€ 35\.000,00", body)) == 1
    assert body.index("Totaal Grootbedrijf Twente") > end


def test_the_annexes_follow_the_signatures(ready, tmp_path):
    flat = _flat(_pdf_text(ready, tmp_path))
    signatures = flat.index("Ondertekening Aldus overeengekomen")
    first = flat.index("Bijlage 1 Activiteitenplan")
    second = flat.index("Bijlage 2 Begroting per jaar")
    third = flat.index("Bijlage 3 Bijdragen per partij")
    assert signatures < first < second < third
    plan = flat[first:second]
    assert "B2 Techniekdagen" in plan
    assert "Doel: Meer meiden in techniek" in plan
    assert "Jaren: 2025, 2026" in plan
    assert "Deelnemers: Zaalverhuur Oost" in plan
    assert "A1 Gastlessen" in plan
    budget = flat[second:third]
    assert "Subsidiabele kosten" in budget
    assert "Bedrijfscofinanciering" in budget
    contributions = flat[third:]
    assert re.search(r"Zaalverhuur Oost € 4\.250,00 € 4\.250,00", contributions)
    assert "Alle partijen" in contributions


def test_snapshot_queries_do_not_grow_with_the_number_of_activities(db, django_assert_num_queries):
    small = ready_partnership(PartnershipFactory(), companies=1)
    large = ready_partnership(PartnershipFactory(), companies=1)
    with scopes_disabled():
        for index in range(30):
            activity = ActivityFactory(partnership=large, short_code=f"X{index:02d}")
            activity.goals.add(GoalFactory(partnership=large), GoalFactory(partnership=large))
            article_add(partnership=large, title=f"Eigen {index}", text="Tekst.", user=None)
    expected = _count_queries(small)
    with scopes_disabled(), django_assert_num_queries(expected):
        snapshot = build_snapshot(partnership=large)
    assert len(snapshot["activities"]) == 31
    assert len(snapshot["activities"][1]["goals"]) == 2
    assert len(snapshot["clauses"]) == 48


# --- own articles, order, removal ------------------------------------------------------------


def test_leader_adds_an_own_article_that_stands_before_the_signatures(
    ready, leader_client, tmp_path
):
    response = leader_client.post(
        _url("clause-add"), {"title": "Communicatie", "text": "{partnership} communiceert samen."}
    )
    assert response.status_code == 302
    assert response.url == LIST_URL
    keys = _keys(ready)
    assert keys[-1] == "signatures"
    assert keys[-2].startswith("own-")
    flat = _flat(_pdf_text(ready, tmp_path))
    assert "Artikel 18. Ondertekening" in flat
    assert flat.index("Artikel 16. Geschillen") < flat.index("Artikel 17. Communicatie")
    assert "communiceert samen." in flat


def test_leader_edits_and_deletes_an_own_article_after_confirming(
    leader, leader_client, partnership
):
    with scopes_disabled():
        own = article_add(partnership=partnership, title="Eigen", text="Eerst.", user=leader)
    response = leader_client.post(
        _url("clause-edit", own.key), {"title": "Eigen, herzien", "text": "Daarna."}
    )
    assert response.status_code == 302
    with scopes_disabled():
        own.refresh_from_db()
    assert (own.title, own.text) == ("Eigen, herzien", "Daarna.")
    confirm = leader_client.get(_url("clause-delete", own.key))
    assert confirm.status_code == 200
    assert "Eigen, herzien" in confirm.content.decode()
    assert own.key in _keys(partnership)
    assert leader_client.post(_url("clause-delete", own.key)).status_code == 302
    assert own.key not in _keys(partnership)


def test_a_default_article_cannot_be_deleted(leader_client, partnership):
    assert leader_client.get(_url("clause-delete", "purpose")).status_code == 404
    assert leader_client.post(_url("clause-delete", "purpose")).status_code == 404
    assert "purpose" in _keys(partnership)


def test_leader_moves_an_article_up_and_down(leader_client, partnership):
    before = _keys(partnership)
    assert (
        leader_client.post(_url("clause-move", "purpose"), {"direction": "up"}).status_code == 302
    )
    after = _keys(partnership)
    index = before.index("purpose")
    assert after[index - 1 : index + 1] == ["purpose", before[index - 1]]
    leader_client.post(_url("clause-move", "purpose"), {"direction": "down"})
    assert _keys(partnership) == before


def test_the_first_article_does_not_move_further_up(leader, partnership):
    with scopes_disabled():
        assert (
            article_move(partnership=partnership, key="considerations", direction="up", user=leader)
            is False
        )
        with pytest.raises(ValidationError):
            article_move(partnership=partnership, key="purpose", direction="sideways", user=leader)
    assert _keys(partnership) == [key for key, _t, _x in DEFAULT_CLAUSES]


def test_moving_skips_removed_articles(leader, partnership):
    with scopes_disabled():
        article_remove(partnership=partnership, key="purpose", user=leader)
        article_move(partnership=partnership, key="tasks", direction="up", user=leader)
    keys = _keys(partnership)
    assert keys.index("tasks") == keys.index("parties") - 1


def test_leader_removes_an_optional_article_after_confirming_and_reinstates_it(
    leader_client, partnership
):
    before = _keys(partnership)
    confirm = leader_client.get(_url("clause-remove", "intellectual_property"))
    assert confirm.status_code == 200
    assert "Intellectueel eigendom" in confirm.content.decode()
    assert _keys(partnership) == before  # asking removes nothing
    assert leader_client.post(_url("clause-remove", "intellectual_property")).status_code == 302
    assert "intellectual_property" not in _keys(partnership)
    with scopes_disabled():
        snapshot = build_snapshot(partnership=partnership)
    assert "intellectual_property" not in [c["key"] for c in snapshot["clauses"]]
    listed = leader_client.get(LIST_URL)
    assert [c["key"] for c in listed.context["removed"]] == ["intellectual_property"]
    assert leader_client.post(_url("clause-reinstate", "intellectual_property")).status_code == 302
    assert _keys(partnership) == before


@pytest.mark.parametrize("key", sorted(REQUIRED_KEYS))
def test_a_required_article_cannot_be_removed(leader, leader_client, partnership, key):
    title = DEFAULT_BY_KEY[key][0]
    confirm = leader_client.get(_url("clause-remove", key))
    assert confirm.status_code == 200
    assert confirm.context["error"]
    assert title in confirm.context["error"]
    response = leader_client.post(_url("clause-remove", key), follow=True)
    assert key in _keys(partnership)
    assert any(title in str(message) for message in response.context["messages"])
    with scopes_disabled(), pytest.raises(ValidationError) as raised:
        article_remove(partnership=partnership, key=key, user=leader)
    assert title in str(raised.value)


def test_an_unknown_placeholder_in_an_own_article_is_refused_naming_it(leader_client, partnership):
    response = leader_client.post(
        _url("clause-add"), {"title": "Eigen", "text": "Voor {partnership} en {foo}."}
    )
    assert response.status_code == 200
    assert "{foo}" in response.context["form"].errors["text"][0]
    with scopes_disabled():
        assert not AgreementArticle.objects.filter(partnership=partnership).exists()


def test_the_emptied_text_of_a_required_article_is_refused(leader, leader_client, partnership):
    response = leader_client.post(_url("clause-edit", "parties"), {"text": "  "})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["text"]
    with scopes_disabled(), pytest.raises(ValidationError) as raised:
        clause_save(partnership=partnership, key="parties", text=" \n ", user=leader)
    assert "Partijen en vertegenwoordiging" in str(raised.value)
    assert _keys(partnership) == [key for key, _t, _x in DEFAULT_CLAUSES]


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("", "Tekst."),
        ("Twee\nregels", "Tekst."),
        ("x" * 201, "Tekst."),
        ("Titel", ""),
        ("Titel", "x" * 20001),
    ],
    ids=["no-title", "two-lines", "long-title", "no-text", "long-text"],
)
def test_an_own_article_needs_a_single_line_title_and_a_text_within_limits(
    leader_client, partnership, title, text
):
    response = leader_client.post(_url("clause-add"), {"title": title, "text": text})
    assert response.status_code == 200
    assert response.context["form"].errors
    with scopes_disabled():
        assert not AgreementArticle.objects.filter(partnership=partnership).exists()


def test_a_hostile_title_and_text_are_shown_escaped(leader_client, partnership, tmp_path):
    assert (
        leader_client.post(_url("clause-add"), {"title": HOSTILE, "text": HOSTILE}).status_code
        == 302
    )
    content = leader_client.get(LIST_URL).content.decode()
    assert HOSTILE not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert _flat(_pdf_text(partnership, tmp_path)).count(HOSTILE) == 2


def test_a_refused_own_article_saves_nothing_at_all(leader, partnership):
    with scopes_disabled():
        article_remove(partnership=partnership, key="purpose", user=leader)
        rows = list(AgreementArticle.objects.values_list("key", "position", "is_removed"))
        with pytest.raises(ValidationError):
            article_add(partnership=partnership, title="Eigen", text="{foo}", user=leader)
        assert list(AgreementArticle.objects.values_list("key", "position", "is_removed")) == rows


def test_effective_clauses_runs_two_queries_with_own_and_removed_articles(
    leader, partnership, django_assert_max_num_queries
):
    with scopes_disabled():
        for index in range(10):
            article_add(partnership=partnership, title=f"Eigen {index}", text="Tekst.", user=leader)
        article_remove(partnership=partnership, key="purpose", user=leader)
        clause_save(partnership=partnership, key="term", text="Anders.", user=leader)
        with django_assert_max_num_queries(2):
            clauses = effective_clauses(partnership=partnership)
    assert len(clauses) == 18 - 1 + 10
    assert next(c for c in clauses if c["key"] == "term")["text"] == "Anders."


def test_another_partnerships_order_and_own_articles_do_not_leak(
    leader, partnership, other_partnership
):
    with scopes_disabled():
        article_add(partnership=other_partnership, title="Zeeuws", text="Tekst.", user=None)
        article_remove(partnership=other_partnership, key="purpose", user=None)
        outline = article_outline(partnership=partnership)
    assert [c["key"] for c in outline] == [key for key, _t, _x in DEFAULT_CLAUSES]


def test_editor_may_not_add_move_remove_or_reinstate(client, editor, partnership):
    client.force_login(editor)
    assert client.post(_url("clause-add"), {"title": "X", "text": "Y"}).status_code == 403
    assert client.post(_url("clause-move", "purpose"), {"direction": "up"}).status_code == 403
    assert client.post(_url("clause-remove", "purpose")).status_code == 403
    assert client.post(_url("clause-reinstate", "purpose")).status_code == 403
    assert _keys(partnership) == [key for key, _t, _x in DEFAULT_CLAUSES]
