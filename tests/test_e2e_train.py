"""The Train page as a person uses it, in headless Chromium against `streamlit run app.py`."""

import re
import time

import pytest

from browser import (
    button,
    chart_data,
    click,
    exceptions,
    screenshot,
    set_iterations,
    settle,
    upright,
    wait_idle,
    wait_rerun,
    wait_text,
    wait_url,
    watch_chart,
    watched_lengths,
)

pytestmark = pytest.mark.e2e
CURVE = ".st-key-learning_curve"
WEIGHTS = ".st-key-weights"


@pytest.mark.alone
def test_train_and_watch_the_neuron_learn(page):
    assert exceptions(page) == []
    page.wait_for_selector(".st-key-examples_0 .js-plotly-plot")  # plotly.js is loaded
    screenshot(page, "train-before")
    watch_chart(page, CURVE)
    click(page, "train")
    curve = settle(page, CURVE)
    lengths = [n for _, n in watched_lengths(page)]
    assert len(lengths) >= 10, f"the learning curve changed only {len(lengths)} times: {lengths}"
    assert lengths == sorted(lengths)  # it grows: each frame adds snapshots
    names = [t["name"] for t in curve["traces"]]
    assert names == ["train cost", "test cost", "train accuracy", "test accuracy"]
    assert curve["traces"][0]["x"][-1] == 1000
    costs = curve["traces"][0]["y"]
    assert costs[0] == pytest.approx(0.6931, abs=1e-4) and costs[-1] < 0.05
    weights = settle(page, WEIGHTS)
    (heatmap,) = weights["traces"]
    assert heatmap["type"] == "heatmap"
    assert len(heatmap["z"]) == 8 and all(len(row) == 8 for row in heatmap["z"])
    assert upright(weights) and weights["yaxis"]["scaleanchor"] == "x"
    body = wait_text(page, "Reading the weight map")
    assert "Test accuracy" in body and "Finished at iteration" in body and "Reading the weight map" in body
    assert exceptions(page) == []
    screenshot(page, "train-after")


def test_stop_keeps_the_partial_model_and_continue_goes_on(page):
    page.get_by_text("all ten", exact=True).click()
    wait_url(page, "task=all")
    wait_idle(page)
    set_iterations(page, 20_000)
    click(page, "train")
    page.wait_for_selector(f"{WEIGHTS} .js-plotly-plot")
    time.sleep(1.5)
    click(page, "stop_running")  # (while a run trains, the row's keys end in "_running")
    wait_idle(page)
    settle(page, CURVE)
    text = wait_text(page, "Stopped at iteration")
    stopped_at = int(re.search(r"Stopped at iteration\s+(\d+)", text).group(1))
    assert 0 < stopped_at < 20_000
    weights = chart_data(page, WEIGHTS)["traces"][0]["z"]
    assert len(weights) == 20 and len(weights[0]) == 44  # ten 8x8 maps: 2 rows of 5, room for titles
    screenshot(page, "train-stopped")
    click(page, "continue")
    time.sleep(1.0)
    page.get_by_role("link", name="Draw").click()  # leaving the page mid-run stops the run where it is
    wait_text(page, "Draw a digit")
    wait_idle(page)
    page.get_by_role("link", name="Train").click()
    wait_idle(page)
    settle(page, CURVE)
    again = int(re.search(r"Stopped at iteration\s+(\d+)", wait_text(page, "Stopped at iteration")).group(1))
    assert stopped_at < again < 20_000
    time.sleep(1.5)  # not resumed behind the user's back
    still = int(re.search(r"Stopped at iteration\s+(\d+)", page.inner_text("body")).group(1))
    assert still == again and button(page, "train").is_enabled()
    assert not button(page, "continue").is_disabled()  # Continue goes on from there
    assert exceptions(page) == []


def test_an_impossible_task_disables_train(page):
    page.get_by_text("custom", exact=True).click()
    wait_idle(page)
    page.locator(".st-key-task_rest label").click()  # 3 and 8 against the rest: fine
    wait_idle(page)
    assert button(page, "train").is_enabled()
    page.locator(".st-key-task_rest label").click()
    wait_idle(page)
    right = page.locator(".st-key-task_right")
    right.locator("input").click()
    page.get_by_role("option", name="3", exact=True).click()  # 3 on both sides
    page.keyboard.press("Escape")
    wait_rerun(page)
    wait_text(page, "Digit 3 cannot be on both sides")
    assert button(page, "train").is_disabled()
    assert exceptions(page) == []
    screenshot(page, "train-impossible-task")
