"""The main pages fit a 1366 × 768 screen: no sideways scrolling, amounts on one line, the
charts' labels inside their canvas. In Dutch, as the demo's project leader; axe on every page."""

import pytest

WIDTH, HEIGHT = 1366, 768
PAGES = [
    "/p/demo/",
    "/p/demo/cofinancing/contributions/",
    "/p/demo/cofinancing/",
    "/p/demo/partners/board/",
    "/p/demo/agreements/",
]

MEASURE = """() => {
  const lines = (node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    return new Set([...range.getClientRects()].filter((r) => r.width > 0)
      .map((r) => Math.round(r.top))).size;
  };
  const wrapped = [];
  let checked = 0;
  for (const cell of document.querySelectorAll("main td, main th, main .money")) {
    if (!cell.textContent.includes("€") || cell.offsetParent === null) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (/€\\s?-?[\\d.]+,\\d{2}/.test(node.textContent) && node.textContent.length < 40) {
        checked += 1;
        if (lines(node) > 1) wrapped.push(node.textContent.trim());
      }
    }
  }
  const charts = [...document.querySelectorAll("canvas[data-chart]")].map((canvas) => {
    const chart = window.Chart && window.Chart.getChart(canvas);
    if (!chart) return null;
    const x = chart.scales.x;
    const items = x && x.getLabelItems ? x.getLabelItems() : [];
    const widest = items.reduce((right, item) => {
      const text = Array.isArray(item.label) ? item.label.join(" ") : String(item.label);
      return Math.max(right, item.options.translation[0]
        + chart.ctx.measureText(text).width / 2);
    }, 0);
    return { width: chart.width, right: widest };
  }).filter(Boolean);
  return {
    page: document.documentElement.scrollWidth,
    window: window.innerWidth,
    header: document.querySelector("header, nav.navbar")?.scrollWidth ?? 0,
    wrapped,
    checked,
    charts,
  };
}"""


@pytest.fixture
def wide(page):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    return page


def test_the_main_pages_fit_1366_px(wide, live_server, a11y, demo, sign_in):
    sign_in()
    for path in PAGES:
        wide.goto(live_server.url + path)
        a11y()
        if path == "/p/demo/cofinancing/":
            wide.wait_for_function(
                "() => [...document.querySelectorAll('canvas[data-chart]')]"
                ".every((c) => window.Chart && window.Chart.getChart(c))"
            )
        found = wide.evaluate(MEASURE)
        assert found["window"] == WIDTH
        assert found["page"] <= WIDTH, (path, found)
        assert found["header"] <= WIDTH, (path, found)
        assert not found["wrapped"], f"amounts that wrap on {path}: {found['wrapped']}"
        if path in ("/p/demo/cofinancing/contributions/", "/p/demo/cofinancing/"):
            assert found["checked"] > 0, f"no amounts measured on {path}"
        if path == "/p/demo/cofinancing/":
            assert len(found["charts"]) == 2, found["charts"]
        for chart in found["charts"]:
            assert chart["right"] <= chart["width"], f"an axis label is clipped: {chart}"
