"""Teaching the model a handwriting on the Draw page, as a person does: draw with the mouse on the
real pad, correct the answer, retrain, draw again; and the drawings survive a reload."""

import re

import pytest

from browser import (
    PREDICTION,
    click,
    draw_strokes,
    exceptions,
    first_number,
    open_draw,
    prediction,
    screenshot,
    wait_idle,
    wait_text,
    watch_chart,
    watched_lengths,
)
from drawn_digits import BACKWARDS_THREE, REDRAWN, moved

pytestmark = pytest.mark.e2e
#: The retrain's answer must be on screen within this many seconds of the click (issue 13).
ANSWER_SECONDS = 3.0

#: Records, in the page, when the Retrain button is clicked.
WATCH_CLICK = """() => {
    window.__retrain = {clicked: null, answered: null};
    document.addEventListener('click', (e) => {
        if (e.target.closest('.st-key-retrain')) window.__retrain.clicked = performance.now();
    }, true);
}"""
#: Checked at every animation frame (as often as the page can change on screen, and no more: a check
#: at every change of the page would slow it down): when the retrain's report first shows its numbers.
ANSWERED = """() => {
    const done = window.__retrain;
    const report = document.querySelector('.st-key-retrain_report');
    if (done.clicked && !done.answered && report && /read right[\\s\\S]*\\d+ of \\d+/.test(report.textContent))
        done.answered = performance.now();
    return done.answered !== null;
}"""


def _drawings_count(page) -> str:
    return re.search(r"(\d+) drawings? \(at most", page.locator("body").inner_text()).group(1)


def test_corrections_teach_the_model_a_backwards_three_and_survive_a_reload(page, server, record_property):
    open_draw(page, server)
    wait_text(page, "No drawings yet")
    read_before = []
    for kept, how in enumerate(REDRAWN[:4], start=1):
        draw_strokes(page, moved(BACKWARDS_THREE, *how))
        read_before.append(first_number(prediction(page)))
        if kept == 1:
            screenshot(page, "handwriting-misread")
        click(page, "correct_3")
        wait_text(page, "Kept your 3", PREDICTION)
        wait_text(page, "your first drawing" if kept == 1 else f"{kept} drawings now, {kept} of them 3s", PREDICTION)
        wait_text(page, "Draw a digit", PREDICTION)
    assert 3 not in read_before, f"the ready model should misread a backwards 3: {read_before}"
    wait_text(page, "4 drawings (at most")
    assert _drawings_count(page) == "4"

    page.evaluate(WATCH_CLICK)
    watch_chart(page, ".st-key-learning_curve")
    click(page, "retrain")
    page.wait_for_function(ANSWERED, polling="raf", timeout=30_000)
    lengths = [n for _, n in watched_lengths(page)]
    assert len(lengths) >= 5 and lengths == sorted(lengths), f"the retrain's curve was not seen to grow: {lengths}"
    timing = page.evaluate("window.__retrain")
    seconds = (timing["answered"] - timing["clicked"]) / 1000
    record_property("retrain_answer_seconds", f"{seconds:.2f}")
    print(f"the retrain's answer was on screen {seconds:.2f} s after the click")
    assert seconds <= ANSWER_SECONDS, f"the retrain's answer took {seconds:.2f} s"
    wait_idle(page)  # the fair count comes a moment later, then the page runs again
    report = wait_text(page, "Counted fairly", ".st-key-retrain_report")
    for _ in range(100):
        if re.search(r"Counted fairly\s*\d of 4", report):
            break
        page.wait_for_timeout(100)
        report = page.locator(".st-key-retrain_report").first.inner_text()
    assert re.search(r"Counted fairly\s*\d of 4", report), report
    wait_text(page, "retrained with 4 of your drawings")
    screenshot(page, "handwriting-retrained")

    draw_strokes(page, moved(BACKWARDS_THREE, *REDRAWN[4]))  # a fresh one, drawn differently again
    assert first_number(prediction(page)) == 3
    assert exceptions(page) == []

    page.reload()
    wait_idle(page)
    wait_text(page, "4 drawings (at most")
    wait_text(page, "retrained with 4 of your drawings")  # the retrained model is given back too
    assert exceptions(page) == []
