"""Teaching the model a handwriting on the Draw page, as a person does: draw with the mouse on the
real pad, correct the answer, retrain, draw again; and the drawings survive a reload."""

import re

import pytest

from browser import (
    PREDICTION,
    RETRAIN_ANSWER,
    RETRAIN_REPORT,
    draw_strokes,
    exceptions,
    first_number,
    open_draw,
    prediction,
    screenshot,
    seconds_to_show,
    wait_idle,
    wait_text,
    watch_chart,
    watched_lengths,
)
from drawn_digits import BACKWARDS_THREE, REDRAWN, moved

pytestmark = pytest.mark.e2e


def _drawings_count(page) -> str:
    return re.search(r"(\d+) drawings? \(at most", page.locator("body").inner_text()).group(1)


@pytest.mark.opens_its_page
@pytest.mark.alone
def test_corrections_teach_the_model_a_backwards_three_and_survive_a_reload(page, server, record_property):
    open_draw(page, server)
    wait_text(page, "No drawings yet")
    read_before, kept_seconds = [], []
    for kept, how in enumerate(REDRAWN[:4], start=1):
        draw_strokes(page, moved(BACKWARDS_THREE, *how))
        read_before.append(first_number(prediction(page)))
        if kept == 1:
            screenshot(page, "handwriting-misread")
        said = "your first drawing" if kept == 1 else f"{kept} drawings now, {kept} of them 3s"
        kept_seconds.append(seconds_to_show(page, "correct_3", PREDICTION, f"Kept your 3 .*{said}"))
        wait_text(page, "Draw a digit", PREDICTION)
    assert 3 not in read_before, f"the ready model should misread a backwards 3: {read_before}"
    wait_text(page, "4 drawings (at most")
    assert _drawings_count(page) == "4"

    watch_chart(page, ".st-key-learning_curve")
    seconds = seconds_to_show(page, "retrain", RETRAIN_REPORT, RETRAIN_ANSWER)
    lengths = [n for _, n in watched_lengths(page)]
    assert len(lengths) >= 5 and lengths == sorted(lengths), f"the retrain's curve was not seen to grow: {lengths}"
    record_property("retrain_answer_seconds", f"{seconds:.2f}")
    print(f"the corrections' answers were on screen {', '.join(f'{t:.2f}' for t in kept_seconds)} s after the "
          f"clicks, the retrain's {seconds:.2f} s after its click")
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
