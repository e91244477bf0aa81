"""The lecture room and accessibility, in headless Chromium: presentation mode on the displays a
lecture room has (bounding boxes against the screen and each other), the dark look's widgets,
and axe-core on every page in every look."""

import re
import time

import pytest

from lrviz import colors, figures

from browser import (
    PREDICTION,
    axe_violations,
    button,
    click,
    draw_strokes,
    exceptions,
    first_number,
    open_draw,
    open_sidebar,
    prediction,
    screenshot,
    settle,
    wait_idle,
    wait_rerun,
    wait_text,
)

pytestmark = pytest.mark.e2e
#: Projectors and screens of lecture rooms (width, height).
DISPLAYS = [(1024, 768), (1280, 720), (1366, 768), (1920, 1080)]
PAGES = {"train": "", "draw": "draw", "explore": "explore", "how": "how"}

#: Boxes (viewport pixels) of what the Train page must show without scrolling, and of the text
#: inside its charts: ticks, axis titles, legend entries, map titles, with their font sizes.
_MEASURE = """() => {
    const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect();
        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height}; };
    const texts = (chart, selector) => [...chart.querySelectorAll(selector)]
        .filter(el => el.getBoundingClientRect().width > 0 && (el.textContent || '').trim())
        .map(el => ({text: el.textContent.trim(), size: parseFloat(getComputedStyle(el).fontSize), ...box(el)}));
    const curve = document.querySelector('.st-key-learning_curve .lrviz-chart');
    const weights = document.querySelector('.st-key-weights .lrviz-chart');
    const x = weights && weights._fullLayout ? weights._fullLayout.xaxis : null;
    const main = document.querySelector('[data-testid="stMain"]');
    return {
        viewport: {width: window.innerWidth, height: window.innerHeight},
        scrolled: main ? main.scrollTop : 0,
        sidebarCollapsed: document.querySelector('[data-testid="stSidebar"]').getAttribute('data-collapsed'),
        task: box(document.querySelector('.st-key-task_preset')),
        train: box(document.querySelector('.st-key-train button:not([disabled]), .st-key-train button')),
        stop: box(document.querySelector('.st-key-stop button')),
        leave: box(document.querySelector('.st-key-leave_presentation button')),
        curve: box(curve), weights: box(weights),
        // one cell of the mosaic, in pixels (a map is 8 cells across)
        cell: x ? x._length / (x.range[1] - x.range[0]) : 0,
        curveTexts: curve ? {
            xticks: texts(curve, '.xtick text'), yticks: texts(curve, '.ytick text'),
            y2ticks: texts(curve, '.y2tick text'),
            titles: texts(curve, '.g-xtitle text, .g-ytitle text, .g-y2title text'),
            legend: texts(curve, '.legend .traces .legendtext'),
        } : null,
        mapTitles: weights ? texts(weights, '.annotation-text') : [],
        colorbar: weights ? texts(weights, '.colorbar text') : [],
    };
}"""


def _inside(inner: dict, outer: dict, slack: float = 1.0) -> bool:
    return (inner["left"] >= outer["left"] - slack and inner["top"] >= outer["top"] - slack
            and inner["right"] <= outer["right"] + slack and inner["bottom"] <= outer["bottom"] + slack)


def _overlap(a: dict, b: dict, slack: float = 1.0) -> bool:
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > slack
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > slack)


def _overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:] if _overlap(a, b)]


def _check_layout(m: dict, size: tuple[int, int]) -> list[str]:
    """What is wrong with the Train page's presentation layout on this display (empty: nothing)."""
    problems = []
    screen = {"left": 0, "top": 0, "right": m["viewport"]["width"], "bottom": m["viewport"]["height"]}
    if m["scrolled"]:
        problems.append(f"the page is scrolled by {m['scrolled']} px")
    if m["sidebarCollapsed"] != "true":
        problems.append("the sidebar is open")
    for name in ("task", "train", "stop", "leave", "curve", "weights"):
        if m[name] is None or not m[name]["width"]:
            problems.append(f"{name} is not shown")
        elif not _inside(m[name], screen):
            problems.append(f"{name} is not on the screen: {m[name]}")
    if problems:
        return problems
    if _overlap(m["curve"], m["weights"]):
        problems.append("the learning curve and the weight maps overlap")
    texts = m["curveTexts"]
    for kind, boxes in texts.items():
        for text in boxes:
            if not _inside(text, m["curve"]):
                problems.append(f"curve {kind} {text['text']!r} sticks out of the chart")
            if text["size"] < figures.MIN_PRESENTATION_FONT:
                problems.append(f"curve {kind} {text['text']!r} is {text['size']} px")
    if len(texts["legend"]) != 4 or len(texts["xticks"]) < 3 or len(texts["titles"]) != 3:
        problems.append(f"the curve lacks a legend, ticks or titles: {texts}")
    everything = [box for boxes in texts.values() for box in boxes]
    problems += [f"curve: {a!r} overlaps {b!r}" for a, b in _overlapping(everything)]
    map_side = 8 * m["cell"]
    if map_side < 64:
        problems.append(f"weight maps are {map_side:.0f} px across")
    if len(m["mapTitles"]) != 10:
        problems.append(f"map titles: {[t['text'] for t in m['mapTitles']]}")
    problems += [f"map titles {a!r} and {b!r} overlap" for a, b in _overlapping(m["mapTitles"] + m["colorbar"])]
    for text in m["mapTitles"] + m["colorbar"]:
        if text["size"] < figures.MIN_PRESENTATION_FONT:
            problems.append(f"weights text {text['text']!r} is {text['size']} px")
        if not _inside(text, m["weights"]):
            problems.append(f"weights text {text['text']!r} sticks out of the chart")
    return problems


def _settled_size(page, size: tuple[int, int]) -> dict:
    """Resize the window and wait until both charts have followed (their boxes stop changing)."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    previous, deadline = None, time.monotonic() + 15
    while time.monotonic() < deadline:
        time.sleep(0.4)
        current = page.evaluate(_MEASURE)
        if current == previous:
            return current
        previous = current
    return previous


def test_presentation_mode_fits_every_lecture_room_display(browser, server):
    """Train all ten digits in presentation mode, then on each display, light and dark: the task,
    Train/Stop, the whole learning curve and all ten weight maps on the screen, readable and apart,
    without scrolling; the sidebar closed, and a button in sight that leaves presentation mode."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(60_000)
    failures = {}
    for look in ("light", "dark"):
        page.goto(f"{server}/?present=1&look={look}&task=all&iters=200&lr=0.5")
        wait_idle(page)
        if look == "light":
            click(page, "train")
        page.wait_for_selector("text=Finished at iteration", timeout=60_000)  # (dark: the run, after a reload)
        settle(page, ".st-key-weights")
        for size in DISPLAYS:
            measured = _settled_size(page, size)
            screenshot(page, f"present-{look}-{size[0]}x{size[1]}")
            problems = _check_layout(measured, size)
            if problems:
                failures[(look, *size)] = problems
        assert exceptions(page) == []
    assert failures == {}
    # the button in sight leaves presentation mode (and the sidebar opens again)
    click(page, "leave_presentation")
    wait_rerun(page)
    page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]')"
                           ".getAttribute('data-collapsed') === 'false'", timeout=10_000)
    assert "present=1" not in page.url
    assert page.locator(".st-key-lr").count() == 1  # every setting is back
    context.close()


#: Colours of icons and of patches of the page, measured in the browser: for each visible icon
#: (an SVG, or one of Streamlit's icon-font glyphs) outside the charts and outside controls that
#: cannot be used now (WCAG exempts those; the dark look draws them dashed), its contrast with
#: what it sits on; and any element painted in a light colour (the dark look must have none).
_COLOUR_CHECK = """(accent) => {
    const parse = (c) => { const m = /rgba?\\(([^)]+)\\)/.exec(c || ''); if (!m) return null;
        const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
        return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
    const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const over = (c, base) => ({r: c.r * c.a + base.r * (1 - c.a), g: c.g * c.a + base.g * (1 - c.a),
                                b: c.b * c.a + base.b * (1 - c.a), a: 1});
    const background = (el) => { const layers = [];
        for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
            if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; } }
        return layers.reverse().reduce((base, c) => over(c, base), {r: 255, g: 255, b: 255, a: 1}); };
    const opacity = (el) => { let o = 1;
        for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity); return o; };
    const skip = (el) => el.closest('.lrviz-chart, .katex, .lrviz-pad, [data-testid="stHeaderActionElements"]');
    const seen = (el) => { const r = el.getBoundingClientRect(); return r.width >= 4 && r.height >= 4
        && getComputedStyle(el).visibility !== 'hidden' && opacity(el) > 0.05; };
    const where = (el) => { const host = el.closest('[data-testid]');
        return host ? host.getAttribute('data-testid') : el.tagName; };
    const icons = [];
    for (const el of document.querySelectorAll('.stApp svg, .stApp [data-testid="stIconMaterial"]')) {
        if (skip(el) || !seen(el) || el.closest('button:disabled, [data-disabled="true"]')) continue;
        let color = parse(getComputedStyle(el).color);
        if (el.tagName === 'svg') {
            const painted = [...el.querySelectorAll('path, circle, rect, line, polyline')].map(p => getComputedStyle(p))
                .map(s => parse(s.fill !== 'none' ? s.fill : s.stroke)).find(c => c && c.a > 0);
            color = painted || color;
        }
        const base = background(el);
        const shown = over({...color, a: color.a * opacity(el)}, base);
        icons.push({where: where(el), ratio: ratio(shown, base)});
    }
    const light = [];
    for (const el of document.querySelectorAll('.stApp *')) {
        if (skip(el) || el.tagName === 'CANVAS' || !seen(el)) continue;
        const r = el.getBoundingClientRect();
        if (r.width < 20 && r.height < 20) continue;  // a switch's knob: light on its dark track, as switches are
        const c = parse(getComputedStyle(el).backgroundColor);
        if (c && `#${[c.r, c.g, c.b].map(v => v.toString(16).padStart(2, '0')).join('')}`.toUpperCase() === accent)
            continue;  // the look's own accent (the progress bar), checked in tests/test_colors.py
        if (c && c.a > 0.5 && lum(c) > 0.4) light.push(`${where(el)} ${el.tagName} ${c.r},${c.g},${c.b}`);
    }
    return {icons, light};
}"""

#: axe rules not run, each with its reason (none today: every rule runs on every page).
RULES_OFF: dict[str, str] = {}


NAV = {"train": "Train", "draw": "Draw", "explore": "Explore", "how": "How it works"}


def _charts_drawn(page) -> None:
    """Wait until every chart of the page is drawn (plotly.js draws after the script has finished)
    and no more are coming."""
    count, deadline = -1, time.monotonic() + 30
    while time.monotonic() < deadline:
        time.sleep(0.3)
        drawn = page.evaluate("() => [...document.querySelectorAll('.lrviz-chart')].map(el => !!el._fullLayout)")
        if all(drawn) and len(drawn) == count:
            break
        count = len(drawn)
    wait_idle(page)


def _go(page, name: str) -> None:
    """Change page by the sidebar's link, as a person would (no reload: axe stays in the page)."""
    open_sidebar(page)
    page.get_by_role("link", name=NAV[name]).click()
    wait_rerun(page)
    if name == "draw":  # with an answer: the probabilities, the 8x8 input and the explanation
        draw_strokes(page, [[(140, 40), (140, 240)]])
        wait_rerun(page)
        page.locator(".st-key-answer").wait_for()
    _charts_drawn(page)


def test_axe_finds_nothing_on_any_page_in_any_look(page, server):
    """axe-core on Train (before and after training, with results), Draw (with an answer), Explore
    (with runs) and How it works: in the normal look, and in presentation mode light and dark; and
    How it works on a phone. Every icon has 3:1 against what it sits on (axe checks text only), and
    in the dark look no widget is a light patch."""
    page.set_viewport_size({"width": 1280, "height": 800})
    _charts_drawn(page)
    found = {}
    found["normal/empty train"] = axe_violations(page, rules_off=RULES_OFF)
    page.goto(f"{server}/?task=all&iters=60&lr=0.5")
    wait_idle(page)
    click(page, "train")
    page.wait_for_selector("text=Finished at iteration", timeout=60_000)
    settle(page, ".st-key-learning_curve")
    page.get_by_text("The numbers of the learning curve as a table").click()  # the curve's table, open
    page.locator(".st-key-curve_table table").wait_for()
    colour_problems = []
    for look in ("normal", "light", "dark"):
        if look == "light":  # presentation mode on, by the sidebar's switch
            open_sidebar(page)
            page.locator("[data-testid='stSidebar'] .st-key-present label").first.click()
            wait_rerun(page)
        if look == "dark":
            open_sidebar(page)
            page.locator(".st-key-look button:visible", has_text="dark").click()
            wait_rerun(page)
        for name in (["train", "draw", "explore", "how"] if look != "light" else ["how", "train", "draw", "explore"]):
            if not (look == "normal" and name == "train") and not (look == "light" and name == "how"):
                _go(page, name)
            else:
                _charts_drawn(page)
            if look == "normal":
                assert "present=1" not in page.url, page.url
            else:  # (the address is updated when the page's run has ended)
                page.wait_for_function("() => location.search.includes('present=1')", timeout=10_000)
            found[f"{look}/{name}"] = axe_violations(page, rules_off=RULES_OFF)
            assert exceptions(page) == [], (look, name)
            checked = page.evaluate(_COLOUR_CHECK, colors.DARK.accent.upper())
            colour_problems += [f"{look}/{name}: icon in {icon['where']} {icon['ratio']:.2f}:1"
                                for icon in checked["icons"] if icon["ratio"] < 3]
            if look == "dark":
                screenshot(page, f"a11y-dark-{name}")
                colour_problems += [f"dark/{name}: light patch {patch}" for patch in checked["light"]]
    # a phone: formulas wider than the screen scroll sideways, and take the keyboard's focus to do so
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("""() => {
        const formulas = [...document.querySelectorAll('.katex-display')];
        const scrolls = (el) => el.scrollWidth > el.clientWidth + 1;
        return formulas.some(scrolls) && formulas.every(el => scrolls(el) === (el.getAttribute('tabindex') === '0'));
    }""", timeout=10_000)
    found["phone/how"] = axe_violations(page, rules_off=RULES_OFF)
    violations = [f"{where}: {v['id']} ({v['impact']}): {v['help']}: {node}"
                  for where, found_there in found.items() for v in found_there for node in v["nodes"][:3]]
    assert violations == [], "\n".join(violations)
    assert colour_problems == [], "\n".join(colour_problems)


#: What has the keyboard's focus: the key of its widget, its tag and its name (looking into a
#: component's shadow root, where the drawing pad's canvas is).
_FOCUS = """() => { let el = document.activeElement; if (!el) return null;
    while (el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    const host = el.getRootNode().host || el;
    const key = [...(host.closest('[class*="st-key-"]')?.classList || [])].find(c => c.startsWith('st-key-'));
    return {key: key ? key.slice(7) : '', tag: el.tagName, disabled: !!el.disabled,
            name: (el.getAttribute('aria-label') || el.innerText || '').trim().slice(0, 60)}; }"""


def _tab_to(page, found, limit: int = 40) -> int:
    """Press Tab until `found(focus)` holds for what has the focus; how many presses it took."""
    seen = []
    for count in range(1, limit + 1):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(_FOCUS))
        if found(seen[-1]):
            return count
    raise AssertionError(f"not reached in {limit} Tabs; the focus went to {seen}")


def _tabs_from_the_top(page, found, few: int = 10) -> int:
    """Tabs from the top of the page to `found`. Tried again after a reload when it took more than `few`:
    on a loaded machine a page still settling may redraw the element that has the focus, which starts
    the Tabs over."""
    tabs = _tab_to(page, found)
    if tabs > few:
        page.reload()
        wait_idle(page)
        page.wait_for_selector(".st-key-log_y input")
        tabs = _tab_to(page, found)
    return tabs


@pytest.mark.opens_its_page
def test_train_and_stop_from_the_keyboard(page, server, record_property):
    """Keyboard only: from the top of the page, Train is a few Tabs away (the button row comes first,
    after the sidebar's links); Enter trains to the end; Stop is reached and pressed the same way."""
    page.goto(f"{server}/?iters=300")
    wait_idle(page)
    page.wait_for_selector(".st-key-log_y input")  # the page is drawn (the browser draws after the script ends)
    tabs = _tabs_from_the_top(page, lambda f: f["key"] == "train" and f["tag"] == "BUTTON")
    assert tabs <= 10, f"Train took {tabs} Tabs: {_tab_to(page, lambda f: False, limit=tabs)}"
    page.keyboard.press("Enter")
    assert re.search(r"Finished at iteration\s+300", wait_text(page, "Finished at iteration", timeout=60))
    page.goto(f"{server}/?task=all&iters=20000")
    wait_idle(page)
    page.wait_for_selector(".st-key-log_y input")
    assert _tabs_from_the_top(page, lambda f: f["key"] == "train" and f["tag"] == "BUTTON") == tabs
    page.keyboard.press("Space")
    page.wait_for_selector(".st-key-stop_running button:not([disabled])", timeout=30_000)  # (keys while it trains)
    to_stop = _tab_to(page, lambda f: f["key"] == "stop_running" and not f["disabled"], limit=10)
    page.keyboard.press("Enter")
    text = wait_text(page, "Stopped at iteration", timeout=60)
    assert not button(page, "continue").is_disabled()
    record_property("tabs", f"Train: {tabs} Tabs from the top; Stop: {to_stop} more")
    print(f"Train: {tabs} Tabs from the top of the page; Stop {to_stop} Tab(s) after Train")
    assert int(re.search(r"Stopped at iteration\s+(\d+)", text).group(1)) < 20_000 and exceptions(page) == []


@pytest.mark.opens_its_page
def test_draw_from_the_keyboard(page, server):
    """Keyboard only on Draw: the pad takes the focus and draws with the arrow keys and Space; the
    corrections are buttons in the Tab order; a test digit is picked by typing its number."""
    open_draw(page, server)
    page.wait_for_selector(".st-key-draw_pen input")
    tabs = _tab_to(page, lambda f: f["tag"] == "CANVAS")
    assert tabs <= 10, f"the pad took {tabs} Tabs"
    page.keyboard.press("Space")  # the pen down at the top middle: a stroke straight down
    for _ in range(18):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")  # lifted: the drawing goes to the model
    assert first_number(prediction(page)) == 1
    _tab_to(page, lambda f: f["key"] == "correct_right")
    page.keyboard.press("Enter")  # "Right, it is a 1": kept
    wait_text(page, "Kept your 1", selector=PREDICTION)
    _tab_to(page, lambda f: f["key"] == "draw_test_digit" and f["tag"] == "INPUT")
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    text = wait_text(page, "of the digits' test set", selector=PREDICTION)
    assert first_number(text) == 7 and "reads it right" in text, text
    for key in ("probabilities", "input", "contributions"):
        page.locator(f".st-key-{key} .js-plotly-plot").wait_for()
    _tab_to(page, lambda f: f["key"] == "draw_explain_class" and f["tag"] == "INPUT")  # explain another score
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    wait_text(page, "neuron of 1", selector=PREDICTION)
    assert exceptions(page) == []


def _box(box: dict) -> dict:
    """A Playwright bounding box as the edges `_inside` compares."""
    return {"left": box["x"], "top": box["y"], "right": box["x"] + box["width"], "bottom": box["y"] + box["height"]}


#: The box of the first element matching a selector, in viewport pixels (null when absent).
_BOX = """(selector) => {
    const el = [...document.querySelectorAll(selector)].find(e => e.getBoundingClientRect().width);
    if (!el) return null; const r = el.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height}; }"""


def test_a_phone_trains_and_draws_without_scrolling(browser, server):
    """390x844: Train and Stop within the first screen of the Train page, and on Draw the answer
    in sight next to the pad while drawing; axe finds nothing on either."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{server}/?iters=200")
    wait_idle(page)
    page.wait_for_selector(".st-key-log_y input")  # the page is drawn
    screen = {"left": 0, "top": 0, "right": 390, "bottom": 844}
    for key in ("train", "stop"):
        button(page, key).wait_for()
        box = _box(button(page, key).bounding_box())
        assert _inside(box, screen), (key, box)
    button(page, "train").tap()
    page.wait_for_selector("text=Finished at iteration", timeout=60_000)
    screenshot(page, "phone-train")
    page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
    found = {"phone/train": axe_violations(page, rules_off=RULES_OFF)}
    open_draw(page, server)
    draw_strokes(page, [[(140, 40), (140, 240)]])
    assert first_number(prediction(page)) == 1
    line = page.evaluate(_BOX, ".st-key-answer_line")
    pad = _box(page.locator(".st-key-canvas canvas").last.bounding_box())  # (in the pad's shadow root)
    assert line is not None and _inside(line, screen) and _inside(pad, screen), (line, pad)
    assert "1" in page.locator(".st-key-answer_line").inner_text()
    assert page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop") == 0
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "phone-draw")
    _charts_drawn(page)
    found["phone/draw"] = axe_violations(page, rules_off=RULES_OFF)
    violations = [f"{where}: {v['id']} ({v['impact']}): {v['help']}: {node}"
                  for where, found_there in found.items() for v in found_there for node in v["nodes"][:3]]
    assert violations == [], "\n".join(violations)
    assert exceptions(page) == []
    context.close()


#: Boxes of what the Draw page must show without scrolling once it has an answer.
_DRAW_MEASURE = """() => {
    const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect();
        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height}; };
    const prediction = document.querySelector('.st-key-prediction');
    const main = document.querySelector('[data-testid="stMain"]');
    return {
        scrolled: main ? main.scrollTop : 0,
        pad: box(document.querySelector('.st-key-canvas')),
        answer: box(document.querySelector('.st-key-answer')),
        bars: box(document.querySelector('.st-key-probabilities .lrviz-chart')),
        barLabels: [...document.querySelectorAll('.st-key-probabilities .xtick text')].map(t => t.textContent.trim()),
        input: box(document.querySelector('.st-key-input .lrviz-chart')),
        zLine: box(prediction && prediction.querySelector('.katex-display')),
    };
}"""


def test_presentation_mode_shows_the_whole_answer_on_draw(browser, server):
    """Draw in presentation mode on each lecture-room display: the pad, the answer, all ten labelled
    probability bars, the 8×8 input and the z = w·x + b line on the screen without scrolling."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{server}/draw?present=1&look=light")
    wait_idle(page)
    page.locator(".st-key-canvas canvas").last.wait_for()
    draw_strokes(page, [[(140, 40), (140, 240)]])
    wait_rerun(page)
    page.locator(".st-key-probabilities .js-plotly-plot").wait_for()
    shown = page.locator(".st-key-prediction").inner_text()
    assert "The model reads a 1" in shown and "None" not in shown and "Is that right" not in shown, shown
    failures = {}
    for width, height in DISPLAYS:
        page.set_viewport_size({"width": width, "height": height})
        time.sleep(1.0)  # the charts follow the window
        measured = page.evaluate(_DRAW_MEASURE)
        screenshot(page, f"present-draw-{width}x{height}")
        screen = {"left": 0, "top": 0, "right": width, "bottom": height}
        problems = [f"{name} is not shown" for name in ("pad", "answer", "bars", "input", "zLine")
                    if measured[name] is None]
        problems += [f"{name} is off the screen: {measured[name]}"
                     for name in ("pad", "answer", "bars", "input", "zLine")
                     if measured[name] is not None and not _inside(measured[name], screen)]
        if measured["barLabels"] != [str(d) for d in range(10)]:
            problems.append(f"probability bars labelled {measured['barLabels']}")
        if measured["scrolled"]:
            problems.append(f"scrolled by {measured['scrolled']} px")
        if problems:
            failures[(width, height)] = problems
    assert exceptions(page) == []
    assert failures == {}
    context.close()
