"""A browser through `scripts/serve.sh --workers 2`: it trains, reloads, and gets its run back,
because nginx pins all its requests and its websocket to one worker."""

import re

import pytest

from browser import click, exceptions, screenshot, wait_idle, wait_text

pytestmark = pytest.mark.e2e
SIDEBAR = "[data-testid='stSidebar']"
TRAINED = re.compile(r"This session's model: .+, \d+ iterations")


def test_a_reload_through_the_proxy_gives_back_the_run(browser, class_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    since = class_server.log_size()  # from here on, only this browser talks to the server
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

        (worker,) = [c["value"] for c in context.cookies() if c["name"] == "lrviz_worker"]
        assert worker in class_server.workers
        entries = class_server.log(since)
        first, *later = [e for e in entries if e.worker is not None]  # None: a static file nginx sent itself
        assert first.request.startswith("GET / ") and first.pinned is None  # the first page load pins it
        assert {e.worker for e in entries if e.worker} == {worker}, f"this browser reached {entries}"
        assert {e.pinned for e in later} == {worker}
        # each page load had a websocket (logged when it closes: the last one is still open)
        assert sum(e.request.startswith("GET /_stcore/stream ") and e.status == 101 for e in later) == 2
        assert any(e.worker is None and "/static/js/" in e.request for e in entries)
    finally:
        context.close()
