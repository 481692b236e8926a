"""The pipeline board in Chromium: drag a card to another column (saved, and still there
after a reload), a failed save puts the card back with the reason, and the select and
button move a card by keyboard."""

from playwright.sync_api import expect


def _list(page, stage):
    return page.locator(f"[data-stage-list={stage}]")


def _drag(page, card, target):
    """Drag `card` by its kind line (not its link, select or button) onto `target`, with
    mouse steps as a person does (SortableJS works on mouse events here)."""
    handle = card.locator(".small").first
    handle.scroll_into_view_if_needed()
    start = handle.bounding_box()
    page.mouse.move(start["x"] + 5, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + 15, start["y"] + start["height"] / 2, steps=3)
    end = target.bounding_box()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 10, steps=15)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 12, steps=2)
    page.mouse.up()


def test_drag_a_card_to_another_column_and_move_one_by_keyboard(
    live_server, page, a11y, demo, sign_in
):
    page.set_viewport_size({"width": 1600, "height": 1000})
    sign_in()
    page.goto(live_server.url + "/p/demo/partners/board/")
    a11y()

    card = _list(page, "prospect").locator("[data-move-url]").first
    name = card.get_by_role("link").inner_text()
    committed_before = int(
        page.locator("[data-stage-column=committed] [data-stage-count]").get_attribute(
            "data-stage-count"
        )
    )
    _drag(page, card, _list(page, "committed"))
    moved = _list(page, "committed").locator("[data-move-url]").first
    expect(moved.get_by_role("link")).to_have_text(name)
    status = page.locator("[data-board-status]")
    expect(status.locator(".alert-success")).to_contain_text(name)
    expect(page.locator("[data-stage-column=committed] [data-stage-count]")).to_have_attribute(
        "data-stage-count", str(committed_before + 1)
    )
    expect(moved.locator("select")).to_have_value("committed")
    a11y()

    # Saved: after a reload the card is in its new column.
    page.reload()
    a11y()
    expect(_list(page, "committed").get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(_list(page, "prospect").get_by_role("link", name=name, exact=True)).to_have_count(0)

    # A failed save: the card goes back and the message says why.
    page.route("**/stage/", lambda route: route.abort())
    card = _list(page, "prospect").locator("[data-move-url]").first
    other = card.get_by_role("link").inner_text()
    _drag(page, card, _list(page, "paused"))
    expect(status.locator(".alert-danger")).to_be_visible()
    expect(_list(page, "prospect").get_by_role("link", name=other, exact=True)).to_be_visible()
    expect(_list(page, "paused").get_by_role("link", name=other, exact=True)).to_have_count(0)
    a11y()
    page.unroute("**/stage/")

    # Refused (a role taken away meanwhile): back, and the message says it is not allowed.
    page.route("**/stage/", lambda route: route.fulfill(status=403, body="Forbidden"))
    _drag(page, card, _list(page, "paused"))
    forbidden = page.locator("[data-pipeline-board]").get_attribute("data-msg-forbidden")
    expect(status.locator(".alert-danger")).to_have_text(forbidden)
    expect(_list(page, "prospect").get_by_role("link", name=other, exact=True)).to_be_visible()
    page.unroute("**/stage/")
    page.reload()
    a11y()
    expect(_list(page, "prospect").get_by_role("link", name=other, exact=True)).to_be_visible()

    # By keyboard: the stage choice and the "Move" button of the card.
    card = _list(page, "prospect").locator("[data-move-url]").filter(has_text=other)
    select = card.locator("select")
    select.focus()
    select.select_option("paused")
    page.keyboard.press("Tab")
    expect(card.locator("button[type=submit]")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    expect(_list(page, "paused").get_by_role("link", name=other, exact=True)).to_be_visible()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success")).first).to_contain_text(
        other
    )
    a11y()
