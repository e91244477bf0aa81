"""Every page, as a visitor meets it: reload, deep links on a fresh server, presentation mode."""

import time

import pytest

from browser import (
    click,
    draw_strokes,
    exceptions,
    open_sidebar,
    screenshot,
    settle,
    streamlit_server,
    wait_idle,
    wait_rerun,
    wait_text,
)

pytestmark = pytest.mark.e2e
PAGES = {"train": "Train a neuron", "draw": "Draw a digit", "explore": "Explore", "how": "How it works"}


def test_every_page_loads_and_reloads_without_an_exception(page, server):
    for path, heading in PAGES.items():
        page.goto(f"{server}/{path}")
        wait_idle(page)
        page.get_by_role("heading", name=heading).wait_for()
        page.reload()
        wait_idle(page)
        page.get_by_role("heading", name=heading).wait_for()
        assert exceptions(page) == [], path
        screenshot(page, f"page-{path}")


@pytest.mark.parametrize("query", ["", "?task=2vrest&iters=50"])
def test_every_address_opens_its_page_without_a_dialog(page, server, query):
    """/ and each page's own address, bookmarked or typed, with or without a link's settings."""
    for path, heading in {"": "Train a neuron", **PAGES}.items():
        page.goto(f"{server}/{path}{query}")
        wait_idle(page)
        page.get_by_role("heading", name=heading).wait_for()
        time.sleep(0.3)  # a "Page not found" dialog would open right after the first run
        assert page.get_by_text("Page not found").count() == 0, path
        assert page.locator("[role='dialog']").count() == 0, path
        assert exceptions(page) == [], path
        if path in ("", "train") and query:  # the link's settings apply, and stay in the address
            # (a number input shows its minimum for a moment before the value it is given)
            page.wait_for_function("() => document.querySelector('.st-key-iters input')?.value === '50'",
                                   timeout=10_000)
            assert "task=2vrest" in page.url


@pytest.mark.opens_its_page
def test_the_model_survives_moving_between_pages(page, server):
    page.goto(f"{server}/?iters=120")
    wait_idle(page)
    click(page, "train")
    page.wait_for_selector("text=Finished at iteration", timeout=60_000)
    for name in ("Draw", "Explore", "How it works", "Train"):
        page.get_by_role("link", name=name).click()
        wait_idle(page)
        assert exceptions(page) == [], name
    wait_text(page, "Finished at iteration")
    wait_text(page, "This session's model: 0 vs 1, 120 iterations", "[data-testid='stSidebar']")
    assert page.locator(".st-key-iters input").input_value() == "120"


def test_a_deep_link_on_a_fresh_server_opens_inside_the_app(browser):
    """Before app.py has ever run, Streamlit would run pages/draw.py alone (its old multipage mode)."""
    with streamlit_server() as fresh:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{fresh}/draw")
        wait_idle(page)
        page.get_by_role("heading", name="Draw a digit").wait_for()
        time.sleep(0.5)
        links = page.locator("[data-testid='stSidebarNavLink']").all_inner_texts()
        names = [text.strip().splitlines()[-1] for text in links]  # after the icon's name
        assert names == ["Train", "Draw", "Explore", "How it works"], links
        assert exceptions(page) == []
        context.close()


@pytest.mark.parametrize("look", ["dark"])  # (the light look's pages: tests/test_e2e_a11y.py)
def test_presentation_mode_on_every_page(page, server, look):
    page.set_viewport_size({"width": 1600, "height": 900})
    page.goto(f"{server}/?present=1&look={look}")
    wait_idle(page)
    buttons = page.locator("[data-testid='stMain'] button:visible").all_inner_texts()
    assert "Continue" not in " ".join(buttons) and "Reset" not in " ".join(buttons)
    assert page.locator(".st-key-lr").count() == 0  # hyperparameters are hidden
    click(page, "train")
    page.wait_for_selector("text=Finished at iteration", timeout=60_000)
    settle(page, ".st-key-learning_curve")
    screenshot(page, f"present-{look}-train")
    assert page.locator("[data-testid='stSidebar']").get_attribute("data-collapsed") == "true"
    open_sidebar(page)  # closed in presentation mode: its arrow opens it
    page.get_by_role("link", name="Draw").click()
    wait_idle(page)
    draw_strokes(page, [[(140, 40), (140, 240)]])
    wait_rerun(page)
    page.locator(".st-key-answer").wait_for()
    screenshot(page, f"present-{look}-draw")
    for name, path in (("Explore", "explore"), ("How it works", "how")):
        open_sidebar(page)
        page.get_by_role("link", name=name).click()
        wait_idle(page)
        time.sleep(0.5)
        assert exceptions(page) == [], path
        assert "present=1" in page.url and f"look={look}" in page.url
        screenshot(page, f"present-{look}-{path}")
    background = page.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundColor")
    assert (background == "rgb(15, 23, 42)") == (look == "dark")
    open_sidebar(page)
    page.locator("[data-testid='stSidebar'] [data-testid='stCheckbox'] label, "
                 "[data-testid='stSidebar'] .st-key-present label").first.click()  # presentation mode off
    wait_rerun(page)
    assert "present=1" not in page.url
    assert exceptions(page) == []


@pytest.mark.opens_its_page
def test_a_reload_keeps_the_runs_of_this_browser_but_a_shared_link_does_not(page, server, browser):
    page.goto(f"{server}/?iters=90")
    wait_idle(page)
    click(page, "train")
    page.wait_for_selector("text=Finished at iteration", timeout=60_000)
    wait_idle(page)
    page.reload()
    wait_idle(page)
    wait_text(page, "This session's model: 0 vs 1, 90 iterations", "[data-testid='stSidebar']")
    wait_text(page, "Finished at iteration")
    page.get_by_role("link", name="Explore").click()
    wait_text(page, "run 1: 0 vs 1 · lr 0.05 · 90 it")
    other = browser.new_context()  # another browser (no cookie) opening the same link
    stranger = other.new_page()
    stranger.goto(page.url)
    wait_idle(stranger)
    wait_text(stranger, "No runs yet")  # (wait_text fails the test when the text does not come)
    assert "run 1:" not in stranger.inner_text("body")
    other.close()
