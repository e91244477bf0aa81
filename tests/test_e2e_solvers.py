"""Solvers in headless Chromium: one update at a time with Step (by keyboard), and solvers side by side on Explore."""

import re

import pytest

from browser import button, chart_data, click, exceptions, screenshot, settle, wait_idle, wait_rerun, wait_text

pytestmark = pytest.mark.e2e
CURVE = ".st-key-learning_curve"
COMPARE = ".st-key-compare_curves"


def _x_title(page, selector: str) -> str:
    return page.evaluate("(s) => document.querySelector(s + ' .js-plotly-plot')._fullLayout.xaxis.title.text",
                         selector)


@pytest.mark.opens_its_page
def test_step_makes_one_update_at_a_time_by_keyboard(page, server):
    page.goto(f"{server}/?batch=16&iters=100")
    wait_idle(page)
    step = button(page, "step")
    step.focus()
    page.keyboard.press("Enter")
    wait_rerun(page)
    text = wait_text(page, "Mini-batch cost", ".st-key-step_result")
    assert "iteration 0 → 1, on a mini-batch of 16 of the 288 training digits" in text
    assert "Training cost" in text and "Mini-batch cost" in text
    curve = settle(page, CURVE)
    names = [t["name"] for t in curve["traces"]]
    assert names[:3] == ["mini-batch cost", "mini-batch trend", "train cost"]
    assert curve["traces"][2]["x"] == [0, 1]
    change = settle(page, ".st-key-step_change")
    assert len(change["traces"][0]["z"]) == 8  # ΔW as an 8x8 map
    assert chart_data(page, ".st-key-step_batch") is not None  # the digits of the mini-batch
    button(page, "step").focus()
    page.keyboard.press(" ")  # Space presses a button too
    wait_rerun(page)
    wait_text(page, "iteration 1 → 2", ".st-key-step_result")
    assert settle(page, CURVE)["traces"][2]["x"] == [0, 1, 2]
    screenshot(page, "solvers-step")
    click(page, "continue")  # goes on from there, to the target
    page.wait_for_selector("text=Finished at iteration", timeout=60_000)
    assert settle(page, CURVE)["traces"][2]["x"][-1] == 100
    assert page.locator(".st-key-step_result").count() == 0  # the step's panel is gone once the run moved on
    assert exceptions(page) == []


@pytest.mark.opens_its_page
def test_solvers_side_by_side_against_three_axes(page, server):
    page.goto(f"{server}/?batch=64&iters=200&l2=0.01&init=random&seed=2")
    wait_idle(page)
    page.get_by_role("link", name="Explore").click()
    wait_idle(page)
    wait_text(page, "Solvers side by side")
    click(page, "compare_solvers")
    wait_rerun(page, 120_000)
    compare = settle(page, COMPARE)
    names = [t["name"] for t in compare["traces"]]
    assert names == [f"run {k} · {part}" for k in range(1, 5) for part in ("train", "test")]
    iterations = [compare["traces"][k]["x"][-1] for k in (0, 2, 4, 6)]
    assert iterations == [200, 200, 200, 20]  # gradient descent, momentum, Adam; Newton's method stops at 20
    assert compare["traces"][0]["y"][0] == compare["traces"][6]["y"][0]  # the same start: the same first cost
    assert compare["traces"][6]["y"][-1] < compare["traces"][0]["y"][-1]  # Newton's method gets lowest
    table = page.locator(".st-key-compare_table").inner_text()
    assert "Adam" in table and "Newton" in table and "momentum 0.9" in table
    assert _x_title(page, COMPARE) == "iteration (updates)"
    screenshot(page, "solvers-compare-iterations")

    page.locator(".st-key-compare_x").get_by_text("computing time", exact=True).click()
    wait_rerun(page)
    timed = settle(page, COMPARE)
    assert _x_title(page, COMPARE) == "computing time (s)"
    seconds = [timed["traces"][k]["x"][-1] for k in (0, 2, 4, 6)]
    assert all(0 < s < 30 for s in seconds)
    assert timed["traces"][0]["x"] == sorted(timed["traces"][0]["x"])  # time only goes on

    page.locator(".st-key-compare_x").get_by_text("examples seen", exact=True).click()
    wait_rerun(page)
    epochs = settle(page, COMPARE)
    assert _x_title(page, COMPARE).startswith("examples seen")
    # 288 training digits in mini-batches of 64: 5 updates a pass; Newton's method takes them all each update
    assert epochs["traces"][0]["x"][-1] == pytest.approx(200 / 5)
    assert epochs["traces"][6]["x"][-1] == pytest.approx(20)
    screenshot(page, "solvers-compare-epochs")
    assert re.search(r"run 4: 0 vs 1 · Newton", page.locator(".st-key-compare_runs").inner_text())
    assert exceptions(page) == []
