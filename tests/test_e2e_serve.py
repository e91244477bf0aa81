"""A browser through `scripts/serve.sh --workers 2`: it trains, reloads, and gets its run back,
because nginx sends all its requests and its websocket to one worker."""

import re

import pytest

from browser import click, exceptions, screenshot, wait_idle, wait_text

pytestmark = pytest.mark.e2e
SIDEBAR = "[data-testid='stSidebar']"
TRAINED = re.compile(r"This session's model: .+, \d+ iterations")


def test_a_reload_through_the_proxy_gives_back_the_run(browser, class_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(class_server.url)
        wait_idle(page)
        assert "No model trained yet in this session." in wait_text(page, "No model trained yet", SIDEBAR)
        click(page, "train")
        trained = TRAINED.search(wait_text(page, "iterations", SIDEBAR, timeout=60)).group(0)
        wait_idle(page)
        for _ in range(2):  # each reload is a new session; nginx takes it to the worker that keeps the run
            page.reload()
            wait_idle(page)
            assert trained in wait_text(page, trained, SIDEBAR)
        assert exceptions(page) == []
        screenshot(page, "serve-after-reload")

        (route,) = [c["value"] for c in context.cookies() if c["name"] == "lrviz_route"]
        entries = [line for line in class_server.access_log.read_text().splitlines() if f"route={route} " in line]
        upstreams = {re.search(r"upstream=(\S+)", line).group(1) for line in entries}
        served_by_workers = upstreams - {"-"}  # "-": a static file nginx sent itself
        assert len(served_by_workers) == 1, f"this browser reached {served_by_workers}"
        # each page load had a websocket (logged when it closes: the last one is still open)
        assert sum('"GET /_stcore/stream ' in line and '" 101 ' in line for line in entries) == 2
        assert any("upstream=- " in line and "/static/js/" in line for line in entries)
    finally:
        context.close()
