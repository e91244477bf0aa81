"""End-to-end helpers: the app under `streamlit run` and headless Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
IDLE = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && app.getAttribute('data-test-connection-state') === 'CONNECTED';
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server():
    """`streamlit run app.py` on a free local port; yields its base URL."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"streamlit-{port}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log.name}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the script has finished and the browser is connected."""
    page.wait_for_function(IDLE, timeout=timeout)


def wait_url(page, fragment: str, timeout: float = 30_000) -> None:
    """Wait until the address contains `fragment`: the Train page writes every setting into
    the URL once its rerun has taken the new value."""
    page.wait_for_function("(fragment) => window.location.href.includes(fragment)", arg=fragment,
                           timeout=timeout)


def set_iterations(page, n: int) -> None:
    """Type a number of iterations on the Train page and wait until the page has taken it."""
    iterations = page.locator(".st-key-iters input")
    iterations.fill(str(n))
    iterations.press("Enter")
    wait_url(page, f"iters={n}")
    wait_idle(page)


def wait_rerun(page, timeout: float = 60_000) -> None:
    """After an interaction: wait for the rerun it causes to start (briefly), then to finish."""
    try:
        page.wait_for_function(
            "() => document.querySelector(\"[data-testid='stApp']\").getAttribute('data-test-script-state')"
            " === 'running'", timeout=1500)
    except Exception:  # a quick rerun may have come and gone already
        pass
    wait_idle(page, timeout)


def settle(page, selector: str, timeout: float = 30.0) -> dict:
    """Wait until the app is idle and the Plotly chart at `selector` stopped changing; return its data.

    The script state turns idle slightly before its last chart reaches the page, and a
    chart is redrawn after a rerun, so "idle" alone is not "done".
    """
    wait_idle(page)
    deadline = time.monotonic() + timeout
    previous, stable_since = None, time.monotonic()
    while time.monotonic() < deadline:
        current = chart_data(page, selector)
        if current != previous:
            previous, stable_since = current, time.monotonic()
        elif current is not None and time.monotonic() - stable_since > 0.8:
            wait_idle(page)
            return current
        time.sleep(0.1)
    raise AssertionError(f"chart {selector} did not settle: {previous}")


def chart_data(page, selector: str) -> dict | None:
    """The decoded data and layout of the Plotly chart at `selector` (None when it is not drawn)."""
    return page.evaluate(
        """(selector) => {
            const el = document.querySelector(selector + ' .js-plotly-plot');
            if (!el || !el._fullData || !el._fullData.length) return null;
            const plain = (v) => v && v.length !== undefined && typeof v !== 'string' ? Array.from(v, plain) : v;
            return {
                traces: el._fullData.map(t => ({type: t.type, name: t.name, x: plain(t.x), y: plain(t.y),
                                                z: plain(t.z)})),
                yaxis: {autorange: el._fullLayout.yaxis.autorange, range: plain(el._fullLayout.yaxis.range),
                        scaleanchor: el._fullLayout.yaxis.scaleanchor, type: el._fullLayout.yaxis.type},
            };
        }""",
        selector,
    )


def watch_chart(page, selector: str) -> None:
    """Start recording each new length of the chart's first trace, every 50 ms (frames come at least
    100 ms apart; a poll at every animation frame would take CPU from the training it watches)."""
    page.evaluate(
        """(selector) => {
            window.__lengths = [];
            const look = () => {
                const el = document.querySelector(selector + ' .js-plotly-plot');
                const n = el && el._fullData && el._fullData[0] && el._fullData[0].x ? el._fullData[0].x.length : null;
                const seen = window.__lengths;
                if (n && (seen.length === 0 || seen[seen.length - 1][1] !== n)) seen.push([performance.now(), n]);
            };
            setInterval(look, 50);
            look();
        }""",
        selector,
    )


def watched_lengths(page) -> list[tuple[float, int]]:
    return [tuple(x) for x in page.evaluate("window.__lengths")]


def exceptions(page) -> list[str]:
    """Texts of Streamlit exception boxes on the page (none should ever show)."""
    return page.locator("[data-testid='stException']").all_inner_texts()


def screenshot(page, name: str) -> Path:
    """Save a screenshot of the page as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def button(page, key: str):
    """The visible button of the widget with `key` (Streamlit also renders a hidden copy for sizing)."""
    return page.locator(f".st-key-{key} button:visible")


def click(page, key: str) -> None:
    button(page, key).click()


def canvas_box(page) -> dict:
    """Where the drawing canvas is on the screen (the top layer that takes the pen), once it
    has been there, unmoved, for a moment: a stroke on a canvas still being set up is lost."""
    canvas = page.locator(".st-key-canvas canvas").last
    canvas.wait_for()
    box = canvas.bounding_box()
    for _ in range(50):
        time.sleep(0.2)
        again = canvas.bounding_box()
        if again == box:
            return box
        box = again
    raise AssertionError(f"the canvas keeps moving: {box}")


def draw_strokes(page, strokes, steps: int = 4) -> None:
    """Drag the mouse along each polyline (canvas pixel coordinates), as a person draws."""
    box = canvas_box(page)
    for stroke in strokes:
        (x0, y0), rest = stroke[0], stroke[1:]
        page.mouse.move(box["x"] + x0, box["y"] + y0)
        page.mouse.down()
        for x, y in rest:
            page.mouse.move(box["x"] + x, box["y"] + y, steps=steps)
        page.mouse.up()


def upright(chart: dict) -> bool:
    """Whether a drawn heatmap has row 0 at the top (its y axis runs downward)."""
    low, high = chart["yaxis"]["range"]
    return low > high


def wait_text(page, text: str, selector: str = "body", timeout: float = 30.0) -> str:
    """Wait until the element's text contains `text` (a page renders a moment after its script
    has finished); return the element's text."""
    deadline = time.monotonic() + timeout
    while True:
        current = page.locator(selector).first.inner_text()
        if text in current:
            return current
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} did not appear in {selector}: {current[-600:]!r}")
        time.sleep(0.1)


#: The Draw page's answer, and everything shown with it.
PREDICTION = ".st-key-prediction"


def open_draw(page, server):
    """Open the Draw page and wait for its pad."""
    page.goto(f"{server}/draw")
    wait_idle(page)
    page.locator(".st-key-canvas canvas").last.wait_for()


def prediction(page, timeout: float = 20.0) -> str:
    """The prediction container's text once an answer is there and has stopped changing (each
    stroke of a digit drawn in several gets its own answer on the way)."""
    deadline = time.monotonic() + timeout
    text, since = None, time.monotonic()
    while time.monotonic() < deadline:
        wait_idle(page)
        now = page.locator(PREDICTION).inner_text()
        if now != text:
            text, since = now, time.monotonic()
        elif time.monotonic() - since > 0.4 and re.search(r"\d", text) and "probability" in text:
            return text
        time.sleep(0.1)
    raise AssertionError(f"no settled prediction; container says: {page.locator(PREDICTION).inner_text()!r}")


def first_number(text: str) -> int:
    """The first number in a text: the Draw page's answer in its prediction's text."""
    return int(re.search(r"\d+", text).group())


#: Records, in the page, when a button with one of the keys is clicked (`window.__clicked`).
_WATCH_CLICKS = """(keys) => {
    window.__clicked = null;
    window.__shown = null;
    document.addEventListener('click', (e) => {
        if (keys.some((key) => e.target.closest('.st-key-' + key))) window.__clicked = performance.now();
    }, true);
}"""
#: Checked at every animation frame (as often as the page can change on screen, and no more: a check
#: at every change of the page would slow it down): whether `pattern` is shown in `selector`.
_SHOWN = """([selector, pattern]) => {
    const element = document.querySelector(selector);
    if (window.__clicked !== null && window.__shown === null && element
            && new RegExp(pattern).test(element.textContent))
        window.__shown = performance.now();
    return window.__shown !== null;
}"""


def seconds_to_show(page, key: str, selector: str, pattern: str, timeout: float = 30_000) -> float:
    """Click the button `key`; the seconds, measured in the page, from the click to the first frame in
    which the element at `selector` shows text matching the regular expression `pattern`."""
    page.evaluate(_WATCH_CLICKS, [key])
    click(page, key)
    page.wait_for_function(_SHOWN, arg=[selector, pattern], polling="raf", timeout=timeout)
    clicked, shown = page.evaluate("[window.__clicked, window.__shown]")
    return (shown - clicked) / 1000


#: The Draw page's retrain report once it shows its first count ("... read right 4 of 4").
RETRAIN_REPORT, RETRAIN_ANSWER = ".st-key-retrain_report", r"read right[\s\S]*\d+ of \d+"



#: axe-core, fetched once by scripts/test.sh (pinned there) into a git-ignored cache.
AXE_GLOB = ".cache/axe-core-*/axe.min.js"


def axe_violations(page, rules_off: dict[str, str] | None = None) -> list[dict]:
    """Run axe-core on the page as it is now; every violation of any impact, as {id, impact, help,
    nodes: [target, ...]}. `rules_off` names rules not to run, each with the reason why.

    The inside of each chart is left out (its thousands of SVG nodes take most of axe's time):
    a chart is one `role="img"` with its text alternative, which axe checks, and whose content
    is presentational for assistive technology (the charts' colours are tested from the figures,
    tests/test_colors.py)."""
    found = sorted(ROOT.glob(AXE_GLOB))
    if not found:
        raise AssertionError(f"axe-core is missing ({AXE_GLOB}): `bash scripts/test.sh` fetches it once")
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(found[-1]))
    options = {"resultTypes": ["violations"],
               "rules": {rule: {"enabled": False} for rule in (rules_off or {})}}
    run = """async (options) => {
            const context = {exclude: [...document.querySelectorAll('.lrviz-chart > *')]};
            const result = await axe.run(context.exclude.length ? context : document, options);
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n')[1])}));
        }"""
    violations = page.evaluate(run, options)
    if violations:  # once more on the settled page: an element caught mid-fade (Streamlit fades what it redraws)
        time.sleep(1.0)
        wait_idle(page)
        violations = page.evaluate(run, options)
    return violations


def open_sidebar(page) -> None:
    """Open the sidebar if it is closed (presentation mode closes it), by its arrow, as a person would."""
    sidebar = page.locator("[data-testid='stSidebar']")
    if sidebar.get_attribute("data-collapsed") == "true":
        page.locator("[data-testid='stExpandSidebarButton']").click()
        page.wait_for_function("() => document.querySelector(\"[data-testid='stSidebar']\")"
                               ".getAttribute('data-collapsed') === 'false'", timeout=10_000)
        time.sleep(0.4)  # the sidebar slides in
