"""The network map and the approach pack (docs/rules.md, "The network map and the approach
pack"): positions computed on the server, filters, gaps, fixed query counts, the pack's
texts with their placeholders, the PDFs read back and the approach checklist."""

import json
import re
import subprocess
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from activities.models import ActivityStatus, CooperationForm
from outreach import services
from outreach.layout import positions
from outreach.models import ApproachStep, PackTexts
from outreach.selectors import map_data, map_gaps
from outreach.texts import DEFAULTS, check_placeholders, fill
from partners.models import Organisation, OrganisationKind, Sector, Stage
from tests.factories import (
    ActivityFactory,
    ContactFactory,
    ContributionFactory,
    GoalFactory,
    InteractionFactory,
    NetworkFactory,
    NetworkMemberFactory,
    OrganisationFactory,
    ParticipantFactory,
)


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages: the interface in English (Dutch is the default)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


HOSTILE = "<script>alert(1)</script>"


def _region(partnership):
    """Two networks, five organisations of three kinds, two activities, contributions."""
    with scopes_disabled():
        techniek = NetworkFactory(partnership=partnership, name="Techniekpact Twente")
        jetnet = NetworkFactory(partnership=partnership, name="Jet-Net Twente")
        metal = OrganisationFactory(
            partnership=partnership, name="Metaal B.V.", stage=Stage.SIGNED, sector=Sector.METAL
        )
        build = OrganisationFactory(
            partnership=partnership,
            name="Bouw B.V.",
            stage=Stage.PROSPECT,
            sector=Sector.CONSTRUCTION,
        )
        school = OrganisationFactory(
            partnership=partnership,
            name="Vakcollege",
            kind=OrganisationKind.VMBO,
            sector="",
            stage=Stage.COMMITTED,
        )
        town = OrganisationFactory(
            partnership=partnership,
            name="Gemeente Hengelo",
            kind=OrganisationKind.MUNICIPALITY,
            sector="",
            stage=Stage.APPROACHED,
        )
        loose = OrganisationFactory(partnership=partnership, name="Los B.V.", stage=Stage.PROSPECT)
        NetworkMemberFactory(network=techniek, organisation=metal)
        NetworkMemberFactory(network=techniek, organisation=build)
        NetworkMemberFactory(network=jetnet, organisation=school)
        NetworkMemberFactory(network=jetnet, organisation=build)
        guest = ActivityFactory(
            partnership=partnership,
            short_code="A1",
            title="Gastlessen CNC",
            lead_organisation=school,
            status=ActivityStatus.RUNNING,
            form=CooperationForm.GUEST_TEACHERS,
        )
        ParticipantFactory(activity=guest, organisation=metal)
        ActivityFactory(
            partnership=partnership,
            short_code="A2",
            title="Techniekdag",
            status=ActivityStatus.PLANNED,
            form=CooperationForm.CAREER_ORIENTATION,
        )
        ContributionFactory(organisation=metal, value=Decimal("500.00"))
        ContributionFactory(organisation=metal, value=Decimal("250.00"))
        ContributionFactory(
            organisation=metal,
            value=Decimal("9999.00"),
            status="cancelled",
            cancel_reason="Gaat niet door.",
        )
    return {
        "techniek": techniek,
        "jetnet": jetnet,
        "metal": metal,
        "build": build,
        "school": school,
        "town": town,
        "loose": loose,
        "guest": guest,
    }


def _nodes(data):
    return {node["data"]["id"]: node for node in data["elements"]["nodes"]}


# --- The map's data and layout --------------------------------------------------------------


def test_map_has_nodes_for_organisations_networks_and_activities_with_their_edges(
    partnership, no_scopes
):
    region = _region(partnership)
    data = map_data(partnership=partnership, filters={})
    nodes = _nodes(data)
    assert data["counts"] == {"organisations": 5, "networks": 2, "activities": 2}
    metal = nodes[f"o{region['metal'].pk}"]
    assert metal["classes"] == "organisation kind-business stage-signed"
    assert metal["data"]["url"] == reverse(
        "partners:organisation-detail", args=["twente", region["metal"].code]
    )
    # Sized by pledged-and-up contributions (the cancelled one does not count): the largest.
    assert metal["data"]["size"] == 52
    assert nodes[f"o{region['loose'].pk}"]["data"]["size"] == 18
    assert nodes[f"o{region['school'].pk}"]["classes"].startswith("organisation kind-school")
    assert nodes[f"o{region['town'].pk}"]["classes"].startswith("organisation kind-government")
    assert nodes[f"n{region['techniek'].pk}"]["classes"] == "network"
    edges = {(edge["data"]["source"], edge["data"]["target"]) for edge in data["elements"]["edges"]}
    assert (f"o{region['build'].pk}", f"n{region['jetnet'].pk}") in edges
    # The lead organisation and a participant are tied to their activity.
    assert (f"o{region['school'].pk}", f"a{region['guest'].pk}") in edges
    assert (f"o{region['metal'].pk}", f"a{region['guest'].pk}") in edges
    assert len(edges) == 6


def test_positions_are_the_same_every_time_and_every_node_has_one(partnership, no_scopes):
    _region(partnership)
    first = map_data(partnership=partnership, filters={})
    second = map_data(partnership=partnership, filters={})
    assert first == second
    places = [(n["position"]["x"], n["position"]["y"]) for n in first["elements"]["nodes"]]
    assert len(set(places)) == len(places)


def test_layout_puts_networks_inside_and_groups_members_around_their_first_network():
    placed = positions(
        networks=[(1, "B-net", "b"), (2, "A-net", "a")],
        organisations=[
            (10, "company", "X", "x"),
            (11, "company", "Y", "y"),
            (12, "vmbo", "Z", "z"),
        ],
        memberships=[(1, 10), (2, 10), (1, 11)],
        activities=[(5, "A1")],
        participations=[(5, 12)],
    )
    radius = lambda p: (p.x**2 + p.y**2) ** 0.5  # noqa: E731
    assert all(radius(p) < 200 for p in placed["network"].values())
    assert all(radius(p) > 300 for p in placed["organisation"].values())
    assert 160 < radius(placed["activity"][5]) < radius(placed["organisation"][12])
    # X's first network (by name) is A-net, so X comes first, then Y (B-net), then Z (none).
    assert (
        placed["organisation"][10]
        == positions(
            networks=[(2, "A-net", "a"), (1, "B-net", "b")],
            organisations=[
                (12, "vmbo", "Z", "z"),
                (11, "company", "Y", "y"),
                (10, "company", "X", "x"),
            ],
            memberships=[(1, 11), (2, 10), (1, 10)],
            activities=[(5, "A1")],
            participations=[(5, 12)],
        )["organisation"][10]
    )


# --- Positions kept ------------------------------------------------------------------------


def _at(data) -> dict[str, tuple[float, float]]:
    return {
        node["data"]["id"]: (node["position"]["x"], node["position"]["y"])
        for node in data["elements"]["nodes"]
    }


def _layout(partnership):
    from outreach.models import MapLayout

    return MapLayout.objects.get(partnership=partnership)


def test_positions_are_kept_and_read_back_not_computed_again(partnership, no_scopes):
    region = _region(partnership)
    first = _at(map_data(partnership=partnership, filters={}))
    layout = _layout(partnership)
    assert {key: tuple(point) for key, point in layout.positions.items()} == first
    # A node moved in the stored layout stays where it was put: the layout is read, not
    # computed again.
    key = f"o{region['metal'].pk}"
    layout.positions[key] = [999.0, -999.0]
    layout.save()
    assert _at(map_data(partnership=partnership, filters={}))[key] == (999.0, -999.0)
    # A filter shows the same positions for the nodes it keeps.
    filtered = _at(map_data(partnership=partnership, filters={"stage": Stage.PROSPECT}))
    assert filtered and all(
        filtered[key] == point for key, point in filtered.items() if key[0] == "o"
    )
    assert all(
        filtered[key] == (999.0, -999.0) if key == f"o{region['metal'].pk}" else first[key]
        for key in filtered
    )


def test_new_nodes_are_placed_beside_the_others_without_moving_them(partnership, no_scopes):
    from outreach.layout import MIN_GAP

    region = _region(partnership)
    before = _at(map_data(partnership=partnership, filters={}))
    newcomer = OrganisationFactory(partnership=partnership, name="Aaa Nieuw B.V.")
    NetworkMemberFactory(network=region["techniek"], organisation=newcomer)
    fair = ActivityFactory(partnership=partnership, short_code="A3", title="Beurs")
    ParticipantFactory(activity=fair, organisation=newcomer)
    after = _at(map_data(partnership=partnership, filters={}))
    assert {key: after[key] for key in before} == before  # nobody moved
    new = {f"o{newcomer.pk}", f"a{fair.pk}"}
    assert set(after) == set(before) | new
    for key in new:
        assert all(
            ((after[key][0] - x) ** 2 + (after[key][1] - y) ** 2) ** 0.5 >= MIN_GAP
            for other, (x, y) in after.items()
            if other != key
        )
    # The activity stands on the side of its one organisation.
    import math

    o, a = after[f"o{newcomer.pk}"], after[f"a{fair.pk}"]
    assert abs(math.atan2(o[1], o[0]) - math.atan2(a[1], a[0])) < 0.05
    assert _layout(partnership).positions[f"a{fair.pk}"] == list(a)


def test_an_activity_placed_without_ties_is_placed_again_once_it_has_one(partnership, no_scopes):
    import math

    region = _region(partnership)
    before = _at(map_data(partnership=partnership, filters={}))
    activity = ActivityFactory(partnership=partnership, short_code="A9")
    lonely = f"a{activity.pk}"
    with_lonely = _at(map_data(partnership=partnership, filters={}))
    assert lonely in _layout(partnership).loose  # placed with nothing tied to it
    ParticipantFactory(activity=activity, organisation=region["town"])
    after = _at(map_data(partnership=partnership, filters={}))
    assert lonely not in _layout(partnership).loose
    town = after[f"o{region['town'].pk}"]
    angle = lambda p: math.atan2(p[1], p[0])  # noqa: E731
    assert abs(angle(after[lonely]) - angle(town)) < 0.05
    assert {key: after[key] for key in before} == before
    assert with_lonely[lonely] != after[lonely]


def test_arrange_again_places_every_node_anew_and_only_a_leader_may(
    partnership, leader, leader_client, editor, no_scopes
):
    from django.test import Client

    editor_client = Client()
    editor_client.force_login(editor)
    region = _region(partnership)
    first = _at(map_data(partnership=partnership, filters={}))
    layout = _layout(partnership)
    key = f"o{region['metal'].pk}"
    layout.positions[key] = [999.0, -999.0]
    layout.save()
    url = reverse("outreach:map-arrange", args=["twente"])
    assert editor_client.post(url).status_code == 403
    assert _layout(partnership).positions[key] == [999.0, -999.0]
    page = leader_client.get(reverse("outreach:map", args=["twente"])).content.decode()
    assert "Arrange the map again" in page and url in page
    assert (
        "Arrange the map again"
        not in editor_client.get(reverse("outreach:map", args=["twente"])).content.decode()
    )
    response = leader_client.post(url, follow=True)
    assert response.status_code == 200
    assert "arranged again" in " ".join(str(m) for m in response.context["messages"])
    assert _at(map_data(partnership=partnership, filters={})) == first
    assert _layout(partnership).arranged_by == leader
    assert leader_client.get(url).status_code == 405


@pytest.mark.parametrize(
    "stored",
    [
        {"o1": "x"},
        ["not", "a", "dict"],
        {"o1": [1]},
        {"o1": ["1", 2]},
        {"o1": [None, 0]},
        "garbage",
    ],
)
def test_a_damaged_stored_layout_is_placed_anew_without_an_error(partnership, no_scopes, stored):
    from outreach.models import MapLayout

    _region(partnership)
    fresh = _at(map_data(partnership=partnership, filters={}))
    MapLayout.objects.filter(partnership=partnership).update(positions=stored, loose="x")
    assert _at(map_data(partnership=partnership, filters={})) == fresh


def test_a_deleted_organisation_leaves_the_stored_layout_when_nodes_are_placed_next(
    partnership, no_scopes
):
    region = _region(partnership)
    map_data(partnership=partnership, filters={})
    gone = f"o{region['loose'].pk}"
    region["loose"].delete()
    OrganisationFactory(partnership=partnership, name="Nieuw")
    map_data(partnership=partnership, filters={})
    assert gone not in _layout(partnership).positions


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "vmbo"}, {"school"}),
        ({"sector": "construction"}, {"build"}),
        ({"stage": "prospect"}, {"build", "loose"}),
        ({"network": "jetnet"}, {"school", "build"}),
    ],
)
def test_filters_narrow_the_organisations_and_what_ties_them(
    partnership, no_scopes, filters, expected
):
    region = _region(partnership)
    filters = {
        name: region[value] if name == "network" else value for name, value in filters.items()
    }
    nodes = _nodes(map_data(partnership=partnership, filters=filters))
    shown = {key for key in region if f"o{getattr(region[key], 'pk', 0)}" in nodes}
    assert {key for key in shown if isinstance(region[key], Organisation)} == expected
    if "network" in filters:
        assert f"n{region['techniek'].pk}" not in nodes


def test_map_page_filters_by_get_and_passes_the_elements_as_json(leader_client, partnership):
    region = _region(partnership)
    url = reverse("outreach:map", args=["twente"])
    response = leader_client.get(url, {"network": str(region["jetnet"].code)})
    assert response.status_code == 200
    content = response.content.decode()
    data = json.loads(
        re.search(
            r'<script id="network-map-data" type="application/json">(.*?)</script>', content, re.S
        ).group(1)
    )
    ids = {node["data"]["id"] for node in data["nodes"]}
    assert f"o{region['school'].pk}" in ids and f"o{region['metal'].pk}" not in ids
    # No inline script: the data is JSON, the drawing a static file.
    assert "network-map.js" in content and "cytoscape.min.js" in content


def test_map_refuses_a_network_of_another_partnership_and_hostile_values(
    leader_client, partnership, other_partnership
):
    _region(partnership)
    with scopes_disabled():
        foreign = NetworkFactory(partnership=other_partnership, name="Zeeuws netwerk")
    url = reverse("outreach:map", args=["twente"])
    with translation.override("en"):
        response = leader_client.get(
            url, {"network": str(foreign.code), "kind": HOSTILE, "stage": "x" * 5000}
        )
    assert response.status_code == 200
    assert HOSTILE not in response.content.decode()
    assert "Zeeuws netwerk" not in response.content.decode()
    assert response.context["counts"]["organisations"] == 5
    assert set(response.context["form"].errors) == {"network", "kind", "stage"}
    # A hostile organisation name is escaped in the JSON and the table.
    with scopes_disabled():
        OrganisationFactory(partnership=partnership, name=HOSTILE)
    for name in ("outreach:map", "outreach:map-table"):
        assert HOSTILE not in leader_client.get(reverse(name, args=["twente"])).content.decode()


def test_gaps_name_sectors_and_kinds_without_a_committed_partner_and_unapproached_members(
    partnership, no_scopes
):
    region = _region(partnership)
    with translation.override("en"):
        gaps = map_gaps(partnership=partnership)
        sectors = [str(label) for label in gaps["sectors"]]
        kinds = [str(label) for label in gaps["kinds"]]
    assert "Construction and infrastructure" in sectors and "Metal" not in sectors
    assert "Other" not in sectors
    assert "Municipality" in kinds and "Company" not in kinds and "vmbo school" not in kinds
    networks = {row["network"].pk: row["prospects"] for row in gaps["networks"]}
    assert networks == {
        region["jetnet"].pk: [region["build"]],
        region["techniek"].pk: [region["build"]],
    }


def _many(partnership, start, count):
    with scopes_disabled():
        network = NetworkFactory(partnership=partnership, name=f"Netwerk {start}")
        activity = ActivityFactory(partnership=partnership, short_code=f"M{start}")
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    partnership=partnership,
                    name=f"Bedrijf {start + number:05d}",
                    kind=OrganisationKind.COMPANY,
                    sector=Sector.METAL,
                    stage=Stage.PROSPECT if number % 2 else Stage.SIGNED,
                )
                for number in range(count)
            ]
        )
        for organisation in organisations[:20]:
            NetworkMemberFactory(network=network, organisation=organisation)
            ParticipantFactory(activity=activity, organisation=organisation)
            ContributionFactory(organisation=organisation)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_table_runs_a_fixed_number_of_queries_for_5_and_2000_organisations(
    leader_client, partnership
):
    _many(partnership, 0, 5)
    url = reverse("outreach:map-table", args=["twente"])
    few = _count_queries(leader_client, url)
    _many(partnership, 5, 1995)
    assert _count_queries(leader_client, url) == few


@pytest.mark.parametrize("query", ["", "?stage=prospect"])
def test_map_runs_a_fixed_number_of_queries_for_5_and_2000_organisations(
    leader_client, partnership, query
):
    """The same count when the positions are read as kept, and the same (a few more) when
    new nodes are placed and written, at 5 and at 2,000 organisations."""
    url = reverse("outreach:map", args=["twente"]) + query
    _many(partnership, 0, 5)
    leader_client.get(url)  # the first layout is stored
    kept_few = _count_queries(leader_client, url)
    _many(partnership, 5, 1)  # a node appears: it is placed and written
    placed_few = _count_queries(leader_client, url)
    _many(partnership, 6, 1994)
    placed_many = _count_queries(leader_client, url)
    kept_many = _count_queries(leader_client, url)
    assert kept_few == kept_many
    assert placed_few == placed_many
    assert kept_few < placed_many <= kept_many + 2  # the write (and, filtered, the organisations)
    with scopes_disabled():
        assert Organisation.objects.filter(partnership=partnership).count() == 2000
    if not query:
        response = leader_client.get(url)
        assert response.context["counts"]["organisations"] == 2000


# --- The pack's texts --------------------------------------------------------------------------


@pytest.mark.parametrize("text", list(DEFAULTS.values()))
def test_default_texts_use_known_placeholders_only(text):
    check_placeholders(text)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Beste {klant},", "{klant}"),
        ("{organisation.__class__}", "{organisation.__class__}"),
        ("{organisation:>99999999}", "{organisation:>99999999}"),
        ("{0}", "{0}"),
    ],
)
def test_an_unknown_placeholder_is_refused_naming_it(text, named):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        check_placeholders(text)
    assert named in refused.value.messages[0]


def test_a_lone_brace_is_refused_and_doubled_braces_print_one():
    with pytest.raises(ValidationError):
        check_placeholders("Beste {organisation")
    assert fill("{{organisation}} {organisation}", {"organisation": "Metaal"}) == (
        "{organisation} Metaal"
    )


def test_saving_texts_with_an_unknown_placeholder_saves_nothing(partnership, leader, no_scopes):
    texts = {**DEFAULTS, "letter_body": "Voor {organisatie}."}
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.pack_texts_save(partnership=partnership, user=leader, **texts)
    assert "{organisatie}" in str(refused.value.message_dict["letter_body"])
    assert not PackTexts.objects.exists()
    with pytest.raises(ValidationError):
        services.pack_texts_save(partnership=partnership, user=leader, **{**DEFAULTS, "gains": " "})
    assert not PackTexts.objects.exists()


def test_texts_form_shows_the_error_and_saves_good_texts_once(leader_client, partnership):
    region = _region(partnership)
    url = reverse("outreach:pack-texts", args=["twente", region["build"].code])
    assert "Uitnodiging" in leader_client.get(url).content.decode()
    with translation.override("en"):
        response = leader_client.post(url, {**DEFAULTS, "flyer_title": "Doe mee, {klant}"})
    assert response.status_code == 200
    assert "Unknown placeholder {klant}" in response.content.decode()
    for form_value in ("", "x" * 300, HOSTILE):
        data = {**DEFAULTS, "letter_subject": form_value}
        response = leader_client.post(url, data)
        if form_value != HOSTILE:
            assert response.status_code == 200
    with scopes_disabled():
        assert PackTexts.objects.get().letter_subject == HOSTILE
    good = {**DEFAULTS, "letter_subject": "Kom erbij, {organisation}"}
    for _ in range(2):
        response = leader_client.post(url, good)
        assert response.status_code == 302
    with scopes_disabled():
        assert PackTexts.objects.count() == 1
    preview = leader_client.get(reverse("outreach:pack", args=["twente", region["build"].code]))
    content = preview.content.decode()
    assert "Kom erbij, Bouw B.V." in content
    assert HOSTILE not in content


# --- The PDFs ----------------------------------------------------------------------------------


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pages(content: bytes, tmp_path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def test_letter_and_flyer_read_back_with_the_regions_data(
    leader_client, partnership, leader, tmp_path
):
    region = _region(partnership)
    with scopes_disabled():
        GoalFactory(partnership=partnership, title="Meer instroom in techniek")
        ContactFactory(organisation=region["build"], name="Bea Bouwer", is_primary=True)
        leader.first_name, leader.last_name = "Lotte", "Leider"
        leader.save()
        services.pack_texts_save(
            partnership=partnership,
            user=leader,
            **{**DEFAULTS, "letter_opening": "Beste {contact} van {organisation},"},
        )
    letter = leader_client.get(
        reverse("outreach:pack-letter", args=["twente", region["build"].code])
    )
    assert letter["Content-Type"] == "application/pdf"
    assert letter["Content-Disposition"] == 'attachment; filename="uitnodiging-bouw-bv.pdf"'
    text = " ".join(_pdf_text(letter.content, tmp_path).split())
    assert "Beste Bea Bouwer van Bouw B.V.," in text
    assert "Meer instroom in techniek" in text
    assert "Practice supervisors" not in text  # Dutch whatever the reader's language
    assert "Praktijkbegeleiders of gastdocenten: Gastlessen CNC" in text or "Gastlessen CNC" in text
    assert "A2 Techniekdag" in text and "A1 Gastlessen CNC" in text
    assert "Lotte Leider" in text and "leider@twente.nl" in text
    assert "Wat het uw bedrijf oplevert" in text
    flyer = leader_client.get(reverse("outreach:pack-flyer", args=["twente", region["build"].code]))
    flyer_text = " ".join(_pdf_text(flyer.content, tmp_path).split())
    assert "Doe mee met Regio Twente Techniek" in flyer_text
    assert "Gastlessen CNC" in flyer_text and "Lotte Leider" in flyer_text
    assert _pages(flyer.content, tmp_path) == 1


def test_flyer_stays_one_page_with_many_goals_and_activities(leader_client, partnership, tmp_path):
    region = _region(partnership)
    with scopes_disabled():
        for number in range(30):
            GoalFactory(partnership=partnership, title=f"Doel {number} " + "lang " * 20)
            ActivityFactory(
                partnership=partnership,
                short_code=f"B{number}",
                title=f"Activiteit {number} " + "lang " * 15,
                status=ActivityStatus.PLANNED,
                form=(number % 8) + 1,
            )
    flyer = leader_client.get(reverse("outreach:pack-flyer", args=["twente", region["build"].code]))
    assert _pages(flyer.content, tmp_path) == 1


def test_pack_is_only_for_organisations_in_the_pipeline(leader_client, partnership):
    region = _region(partnership)
    for name in ("outreach:pack", "outreach:pack-letter", "outreach:pack-flyer"):
        assert (
            leader_client.get(reverse(name, args=["twente", region["metal"].code])).status_code
            == 404
        )
        assert leader_client.get(reverse(name, args=["twente", uuid.uuid4()])).status_code == 404


def test_leader_contact_is_the_relationship_owner_when_there_is_one(
    partnership, leader, editor, no_scopes
):
    from outreach.pack import pack_context

    region = _region(partnership)
    assert pack_context(partnership=partnership, organisation=region["build"])["leader"][
        "email"
    ] == ("leider@twente.nl")
    region["build"].relationship_owner = editor
    region["build"].save()
    assert pack_context(partnership=partnership, organisation=region["build"])["leader"][
        "email"
    ] == ("redacteur@twente.nl")


# --- The approach checklist ------------------------------------------------------------------


def test_a_step_is_ticked_from_a_contact_moment_and_shown_on_the_organisation_page(
    leader_client, partnership
):
    region = _region(partnership)
    with scopes_disabled():
        visit = InteractionFactory(organisation=region["build"])
    tick = reverse("outreach:step-tick", args=["twente", region["build"].code])
    for _ in range(2):  # a double submit is harmless
        response = leader_client.post(tick, {"step": "first_visit", "interaction": visit.code})
        assert response.status_code == 302
    with scopes_disabled():
        step = ApproachStep.objects.get()
    assert (step.step, step.interaction) == ("first_visit", visit)
    with translation.override("en"):
        page = leader_client.get(
            reverse("partners:organisation-detail", args=["twente", region["build"].code])
        )
    content = page.content.decode()
    assert "1 of 4 steps of the guide done" in content
    assert "First visit at the company" in content and "Approach pack" in content
    leader_client.post(
        reverse("outreach:step-untick", args=["twente", region["build"].code]),
        {"step": "first_visit"},
    )
    with scopes_disabled():
        assert not ApproachStep.objects.exists()


def test_a_step_cannot_be_ticked_from_another_organisations_moment_or_a_forged_step(
    leader_client, partnership, other_partnership
):
    region = _region(partnership)
    with scopes_disabled():
        other_moment = InteractionFactory(organisation=region["metal"])
        foreign = InteractionFactory(
            organisation=OrganisationFactory(partnership=other_partnership)
        )
        own = InteractionFactory(organisation=region["build"])
    tick = reverse("outreach:step-tick", args=["twente", region["build"].code])
    for data in (
        {"step": "first_visit", "interaction": other_moment.code},
        {"step": "first_visit", "interaction": foreign.code},
        {"step": HOSTILE, "interaction": own.code},
        {"step": "first_visit", "interaction": "x" * 5000},
        {},
    ):
        assert leader_client.post(tick, data).status_code == 302
    with scopes_disabled():
        assert not ApproachStep.objects.exists()
        with pytest.raises(ValidationError):
            services.approach_step_tick(
                partnership=partnership,
                organisation=region["build"],
                step="first_visit",
                interaction=other_moment,
                user=None,
            )


def test_organisation_page_runs_a_fixed_number_of_queries_with_the_checklist(
    leader_client, partnership
):
    region = _region(partnership)
    url = reverse("partners:organisation-detail", args=["twente", region["build"].code])
    with scopes_disabled():
        InteractionFactory(organisation=region["build"])
    few = _count_queries(leader_client, url)
    with scopes_disabled():
        moments = [InteractionFactory(organisation=region["build"]) for _ in range(20)]
        for step, moment in zip(
            ("first_visit", "school_invitation", "several_levels"), moments, strict=False
        ):
            services.approach_step_tick(
                partnership=partnership,
                organisation=region["build"],
                step=step,
                interaction=moment,
                user=None,
            )
    assert _count_queries(leader_client, url) == few


# --- The demo ----------------------------------------------------------------------------------


def test_demo_has_a_map_worth_looking_at_and_a_pack_ready_for_a_prospect(db, settings, no_scopes):
    from io import StringIO

    from django.core.management import call_command

    from outreach.demo import PROSPECT
    from partners.models import Partnership

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    partnership = Partnership.objects.get(slug="demo")
    data = map_data(partnership=partnership, filters={})
    assert data["counts"]["organisations"] >= 40 and data["counts"]["networks"] >= 5
    assert len(data["elements"]["edges"]) > 40
    prospect = Organisation.objects.get(partnership=partnership, name=PROSPECT)
    assert prospect.stage in ("prospect", "approached", "in_conversation")
    assert [step.step for step in ApproachStep.objects.filter(organisation=prospect)] == [
        "first_visit"
    ]
    assert PackTexts.objects.filter(partnership=partnership).exists()
    call_command("seed_demo", stdout=StringIO())
    assert ApproachStep.objects.count() == 1 and PackTexts.objects.count() == 1
