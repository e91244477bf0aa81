"""Shared test helpers: running the app in AppTest and reading its Plotly charts."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


@pytest.fixture(scope="session")
def server():
    """The app under `streamlit run`, shared by the end-to-end tests; yields its URL."""
    from browser import streamlit_server

    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def class_server():
    """`scripts/serve.sh --workers 2`: two app workers behind nginx, shared by the serving tests."""
    import serving

    served = serving.start("--workers", "2")
    try:
        if served.access_log is None:
            raise RuntimeError(f"serve.sh did not start: {served.output()}")
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(request, browser, server):
    """A new browser session on the app's first page, loaded and idle; for a test marked
    `opens_its_page`, a blank one (it goes to its own address first)."""
    from browser import wait_idle

    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(60_000)
    if request.node.get_closest_marker("opens_its_page") is None:
        page.goto(server)
        wait_idle(page)
    yield page
    context.close()


@pytest.fixture
def app(monkeypatch) -> AppTest:
    """The whole app (navigation, sidebar, default page) in AppTest, not yet run.

    No browser watches an AppTest run, so a short run is not spread over the seconds a
    browser needs to show it (lrviz.live.MIN_DURATION); the browser tests keep that.
    """
    from lrviz import live

    monkeypatch.setattr(live, "MIN_DURATION", 0.0)
    return AppTest.from_file(APP, default_timeout=60)


def charts(at: AppTest) -> dict[str, dict]:
    """The page's charts (lrviz's chart component, pages/_chart.py) as {key: Plotly figure spec}, as a
    browser shows them: with the patches of a live run that ended in this script run applied, in order
    (see `apply_patch`)."""
    found, bases = {}, {}
    for element in at.get("bidi_component"):
        if element.proto.component_name.endswith("lrviz_chart") and element.proto.json:
            data = json.loads(element.proto.json)
            if "figure" in data:  # (a figure the server keeps ready comes as JSON text)
                figure = data["figure"]
                found[data["name"]] = json.loads(figure) if isinstance(figure, str) else figure
                bases[data["name"]] = data.get("base", "")
    for patches in feeds(at):
        for name, patch in patches.items():
            if name in found and patch.get("base") == bases[name]:
                apply_patch(found[name], patch)
    return found


def apply_patch(figure: dict, patch: dict) -> None:
    """What the chart component's JavaScript does with a live frame's patch: add the curve's points
    it does not have yet (`extend`), and set the heatmap's new values (`restyle`)."""
    if "extend" in patch:
        extend = patch["extend"]
        have = len(figure["data"][0]["x"]) if figure["data"] else 0
        skip = max(0, have - extend["start"])
        for trace, y in zip(figure["data"], extend["y"], strict=True):
            trace["x"] = list(trace["x"]) + extend["x"][skip:]
            trace["y"] = list(trace["y"]) + y[skip:]
    for name, value in patch.get("restyle", {}).items():
        figure["data"][0][name] = value


def chart(at: AppTest, key: str) -> dict:
    """The chart drawn under `key`."""
    found = charts(at)
    assert key in found, f"no chart keyed {key}; found {sorted(found)}"
    return found[key]


def feeds(at: AppTest) -> list[dict]:
    """The patches of the live-view frames on the page (those of a live run that ended in this script
    run), in the order of their moments."""
    frames = [frame for e in at.get("bidi_component")
              if e.proto.component_name.endswith("lrviz_chart") and e.proto.json and '"frames"' in e.proto.json
              for frame in json.loads(e.proto.json)["frames"]]
    return [frame["patches"] for frame in frames]


def texts(at: AppTest) -> str:
    """All markdown, captions, alerts and metric labels of the page, as one string."""
    parts = [e.value for kind in ("markdown", "caption", "error", "info", "success", "warning") for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def array(value) -> np.ndarray:
    """A data array of a figure spec: plain lists, or Plotly 7's packed {dtype, bdata, shape}."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = [int(n) for n in shape.split(",")]
        return flat.reshape(shape) if shape else flat
    return np.asarray(value, dtype=float)


def pytest_terminal_summary(terminalreporter) -> None:
    """Say in the test output how many drawn digits the ready model read right (the Draw page's
    accuracy on mouse drawings, recorded by test_e2e_draw)."""
    for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed"):
        for name, value in report.user_properties:
            if name == "drawn_digits":
                terminalreporter.write_sep("-", "Draw page, digits drawn with the mouse")
                terminalreporter.write_line(value)
