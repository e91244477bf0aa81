"""Links, comparing and replaying runs, saving and loading models, in headless Chromium."""

import json
import re

import pytest

from browser import chart_data, click, exceptions, screenshot, settle, wait_idle, wait_rerun, wait_text, wait_url

pytestmark = pytest.mark.e2e
CURVE = ".st-key-learning_curve"


def _train_and_wait(page):
    click(page, "train")
    page.wait_for_selector("text=Finished at iteration", timeout=60_000)
    return settle(page, CURVE)


@pytest.mark.opens_its_page
def test_a_link_restores_the_settings_and_trains_them(page, server):
    page.goto(f"{server}/?task=3v8&lr=0.5&iters=200")
    wait_idle(page)
    body = wait_text(page, "8: 174 examples")
    assert "3: 183 examples" in body
    curve = _train_and_wait(page)
    assert curve["traces"][0]["x"][-1] == 200
    weights = chart_data(page, ".st-key-weights")
    assert "blue → 8, red → 3" in page.inner_text(".st-key-weights")
    assert len(weights["traces"][0]["z"]) == 8
    assert re.search(r"Finished at iteration\s+200", page.inner_text("body"))
    assert re.search(r"[?&]task=3v8", page.url) and re.search(r"[?&]lr=0.5", page.url)
    assert exceptions(page) == []


@pytest.mark.opens_its_page
def test_a_nonsense_link_says_what_it_ignored_and_the_page_still_trains(page, server):
    page.goto(f"{server}/?task=%3Cscript%3Ealert(1)%3C/script%3E&lr=-5&iters=1e99&l2=abc&test=7&init=%3Cb%3E")
    wait_idle(page)
    warning = page.locator("[data-testid='stAlert']").first.inner_text()
    for parameter in ("task", "lr", "iters", "l2", "test", "init"):
        assert f"{parameter}:" in warning
    assert page.locator("script:has-text('alert(1)')").count() == 0
    assert "alert(1)" not in page.inner_text("body")
    screenshot(page, "explore-nonsense-link")
    curve = _train_and_wait(page)
    assert curve["traces"][0]["x"][-1] == 1000  # the default iterations
    assert re.search(r"[?&]task=0v1", page.url)  # the address now shows what is on screen
    assert exceptions(page) == []


@pytest.mark.opens_its_page
def test_compare_two_runs_and_replay_one(page, server):
    page.goto(f"{server}/?iters=150&lr=0.5")
    wait_idle(page)
    _train_and_wait(page)
    lr = page.locator(".st-key-lr input[type='range']")
    lr.focus()
    lr.press("ArrowRight")  # 0.5 -> 1
    wait_url(page, "lr=1&")
    wait_idle(page)
    _train_and_wait(page)
    page.get_by_role("link", name="Explore").click()
    wait_idle(page)
    compare = settle(page, ".st-key-compare_curves")
    names = [t["name"] for t in compare["traces"]]
    assert names == ["run 1 · train", "run 1 · test", "run 2 · train", "run 2 · test"]
    assert compare["traces"][2]["y"][-1] < compare["traces"][0]["y"][-1]  # lr 1 gets lower than lr 0.5
    table = page.locator(".st-key-compare_table").inner_text()
    assert "lr 0.5" in table and "lr 1" in table
    screenshot(page, "explore-compare")
    slider = page.locator(".st-key-replay_iteration input[type='range']")
    slider.focus()
    slider.press("Home")
    wait_rerun(page)
    for _ in range(5):
        slider.press("ArrowRight")
    wait_rerun(page)
    replay = settle(page, ".st-key-replay_curve")
    assert replay["traces"][0]["x"][-1] == 5
    weights = settle(page, ".st-key-replay_weights")
    assert len(weights["traces"][0]["z"]) == 8
    screenshot(page, "explore-replay")
    assert exceptions(page) == []


@pytest.mark.opens_its_page
def test_save_and_load_a_model(page, server, tmp_path):
    page.goto(f"{server}/?task=2vrest&iters=300")
    wait_idle(page)
    _train_and_wait(page)
    page.get_by_text("Save or load a model").click()
    with page.expect_download() as download:
        page.locator(".st-key-save_model button:visible").click()
    path = tmp_path / "model.json"
    download.value.save_as(path)
    document = json.loads(path.read_text())
    assert document["format"] == "lrviz-model" and document["task"] == "2vrest"
    assert len(document["coef"]) == 1 and len(document["coef"][0]) == 64

    page.goto(server)  # a new session, with no model
    wait_idle(page)
    page.get_by_text("Save or load a model").click()
    page.locator(".st-key-load_model input[type='file']").set_input_files(str(path))
    page.wait_for_selector("text=loaded from a file (trained 300 iterations)", timeout=30_000)
    wait_idle(page)
    page.get_by_role("link", name="Draw").click()
    body = wait_text(page, "this session's model")
    assert "2 vs rest" in body

    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "lrviz-model", "version": 1, "task": "2vrest", "coef": "oops"}')
    page.get_by_role("link", name="Train").click()
    wait_idle(page)
    page.get_by_text("Save or load a model").click()
    page.locator(".st-key-load_model input[type='file']").set_input_files(str(bad))
    page.wait_for_selector("text=That file could not be loaded", timeout=30_000)
    assert exceptions(page) == []
