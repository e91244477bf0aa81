"""The Draw page as a person uses it: draw with the mouse on the real canvas, read the answer."""

import re

import pytest

from browser import (
    PREDICTION,
    canvas_box,
    click,
    draw_strokes,
    exceptions,
    first_number,
    open_draw,
    prediction,
    screenshot,
    wait_idle,
    wait_text,
)
from drawn_digits import DRAWN_DIGITS

pytestmark = pytest.mark.e2e


def _clear(page):
    click(page, "clear")
    wait_idle(page)
    page.wait_for_function(
        f"() => document.querySelector('{PREDICTION}').innerText.includes('Draw a digit')", timeout=20_000)


@pytest.mark.opens_its_page
def test_empty_canvas_asks_for_a_drawing(page, server):
    open_draw(page, server)
    text = page.locator(PREDICTION).inner_text()
    assert "Draw a digit" in text and not re.search(r"\d", text)
    wait_text(page, "ready model")
    assert exceptions(page) == []
    # the empty pad shows where to draw: its frame (the pad's own style sheet) is there
    frame = page.locator(".lrviz-pad").evaluate("(pad) => [getComputedStyle(pad).borderTopStyle, "
                                                "getComputedStyle(pad).borderTopWidth]")
    assert frame == ["solid", "1px"]
    screenshot(page, "draw-empty")


@pytest.mark.opens_its_page
def test_drawn_digits_are_read_by_the_ready_model(page, server, record_property):
    open_draw(page, server)
    right, answers = 0, []
    for i, (digit, strokes) in enumerate(DRAWN_DIGITS):
        draw_strokes(page, strokes, steps=2)
        text = prediction(page)
        said = first_number(text)
        answers.append(f"{digit}->{said}")
        right += said == digit
        if i == 0:
            assert re.match(r"\s*\d\s*\n", text), f"the answer is not the first thing shown: {text!r}"
            screenshot(page, "draw-first-digit")
        _clear(page)
    summary = f"{right} of {len(DRAWN_DIGITS)} drawn digits read right: {' '.join(answers)}"
    print(summary)
    record_property("drawn_digits", summary)
    assert right >= 0.8 * len(DRAWN_DIGITS), summary
    assert exceptions(page) == []


@pytest.mark.opens_its_page
def test_clear_then_draw_again(page, server):
    open_draw(page, server)
    draw_strokes(page, [[(140, 40), (140, 240)]])
    first = prediction(page)
    assert first_number(first) == 1
    _clear(page)
    draw_strokes(page, [[(90, 60), (190, 60), (120, 240)]])
    assert first_number(prediction(page)) == 7


def test_a_model_from_the_train_page_decides(page, server):
    page.get_by_text("2 vs rest", exact=True).click()
    wait_idle(page)
    click(page, "train")
    wait_idle(page)
    page.wait_for_selector("text=Finished at iteration", timeout=60_000)
    page.get_by_role("link", name="Draw").click()
    wait_idle(page)
    body = wait_text(page, "this session's model")
    assert "2 vs rest" in body
    two = next(strokes for digit, strokes in DRAWN_DIGITS if digit == 2)
    draw_strokes(page, two)
    text = prediction(page)
    assert "Is it a 2? Yes" in text, text
    screenshot(page, "draw-session-model")
    _clear(page)
    draw_strokes(page, [[(140, 40), (140, 240)]])
    assert "Is it a 2? No" in prediction(page)
    assert exceptions(page) == []


def test_a_finger_can_draw(browser, server):
    """Touch: a finger's strokes arrive as pointer events and never scroll the page instead."""
    context = browser.new_context(viewport={"width": 1180, "height": 820}, has_touch=True)  # a tablet, landscape
    page = context.new_page()
    open_draw(page, server)
    box = canvas_box(page)
    touch = context.new_cdp_session(page)
    path = [(box["x"] + box["width"] / 2, box["y"] + box["height"] * (0.15 + 0.035 * k)) for k in range(21)]
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": path[0][0], "y": path[0][1]}]})
    for x, y in path[1:]:
        touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    assert first_number(prediction(page)) == 1
    assert page.evaluate("window.scrollY") == 0
    screenshot(page, "draw-touch")
    context.close()
