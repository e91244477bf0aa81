"""How fast does the app feel? Run: python bench/bench_app.py [--rounds N]

Starts `streamlit run app.py` and drives it with headless Chromium (Debian's chromium,
through Playwright), measuring in the browser:
  train   from the click on Train (default settings) to the final learning curve on the
          page, and how many different curves were seen on the way (target: <= 3 s, aim
          1 s, at least 10 updates);
  live    a long run (all ten digits, 20,000 iterations): click to final curve, against
          the same training without any drawing, timed in this process (target: the live
          view adds at most 15 %), and the frames the browser showed on the way: how many
          a second, and the longest gap between two (targets: at least 4 a second to the
          end, no gap over 0.6 s);
  draw    from releasing the mouse after a stroke to the new prediction on the Draw page
          (target: <= 1 s, aim 0.3 s);
  keep    on the Draw page, from the click on a digit under the answer ("No, it is a 3") to
          the page saying what it kept (target: <= 3 s);
  retrain from the click on "Retrain with my drawings" (four drawings kept) to its report's
          first numbers (target: <= 3 s), in the same rounds as `keep`, a new browser
          session each.
Timings on a shared machine are noisy: it reports medians of several rounds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from lrviz.data import Task  # noqa: E402
from lrviz.runs import Run  # noqa: E402
from lrviz.settings import Settings  # noqa: E402

from browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PREDICTION,
    RETRAIN_ANSWER,
    RETRAIN_REPORT,
    draw_strokes,
    prediction,
    seconds_to_show,
    settle,
    streamlit_server,
    wait_idle,
    wait_text,
)
from drawn_digits import BACKWARDS_THREE, DRAWN_DIGITS, REDRAWN, moved  # noqa: E402

LONG = dict(task=Task.all_digits(), iterations=20_000)
WATCH = """(selector) => {
    window.__seen = [];
    window.__clicked = null;
    document.addEventListener('click', () => { window.__clicked = window.__clicked || performance.now(); }, true);
    // every 50 ms (frames come at least 100 ms apart), not at every animation frame: a poll 60 times
    // a second keeps the browser drawing frames and would take CPU from the training it measures
    const look = () => {
        const el = document.querySelector(selector + ' .js-plotly-plot');
        const n = el && el._fullData && el._fullData[0] && el._fullData[0].x ? el._fullData[0].x.length : null;
        const seen = window.__seen;
        if (n && (!seen.length || seen[seen.length - 1][1] !== n)) seen.push([performance.now(), n]);
    };
    setInterval(look, 50);
    look();
}"""


def timed_training(page, url: str) -> tuple[float, int, float]:
    """(seconds from the click on Train to the final curve, number of curves seen, the longest
    gap in seconds between two curves seen after the first)."""
    page.goto(url)
    wait_idle(page)
    page.wait_for_selector("[class*=st-key-examples] .js-plotly-plot")  # plotly.js has loaded
    page.evaluate(WATCH, ".st-key-learning_curve")
    page.locator(".st-key-train button:visible").click()
    settle(page, ".st-key-learning_curve", timeout=300)
    clicked, seen = page.evaluate("[window.__clicked, window.__seen]")
    times = [t for t, _ in seen]
    gap = max((b - a for a, b in zip(times[1:], times[2:], strict=False)), default=0.0) / 1000
    return (seen[-1][0] - clicked) / 1000, len(seen), gap


def bare_training_seconds() -> float:
    """The long run's training alone, as the app trains it but with nothing drawn."""
    run = Run(Settings(**LONG))
    with threadpool_limits(limits=1, user_api="blas"):
        start = time.perf_counter()
        for _ in run.advance():
            pass
    return time.perf_counter() - start


def pen_up_to_prediction(page, url: str, rounds: int) -> list[float]:
    page.goto(f"{url}/draw")
    wait_idle(page)
    page.locator(".st-key-canvas canvas").last.wait_for()
    times = []
    for _digit, strokes in DRAWN_DIGITS[:rounds]:
        page.evaluate("() => { window.__answer = null; }")
        before = page.locator(".st-key-prediction").inner_text()
        draw_strokes(page, strokes)
        released = page.evaluate("performance.now()")
        page.wait_for_function(
            """(before) => { const t = document.querySelector('.st-key-prediction').innerText;
                             return t !== before && /probability/.test(t)
                                    && document.querySelector('.st-key-answer'); }""", arg=before, timeout=20_000)
        times.append((page.evaluate("performance.now()") - released) / 1000)
        page.locator(".st-key-clear button:visible").click()
        page.wait_for_function("() => document.querySelector('.st-key-prediction').innerText.includes('Draw a digit')")
    return times


def keep_and_retrain(browser, url: str) -> tuple[list[float], float]:
    """In a new browser session: draw four backwards 3s, keep each as a 3 (seconds from each click
    to the page saying so), then retrain (seconds from the click to its report's numbers)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.goto(f"{url}/draw")
    wait_idle(page)
    kept = []
    for n, how in enumerate(REDRAWN[:4], start=1):
        draw_strokes(page, moved(BACKWARDS_THREE, *how))
        prediction(page)
        kept.append(seconds_to_show(page, "correct_3", PREDICTION, f"Kept your 3 .*({n} drawings now|first)"))
        wait_text(page, "Draw a digit", PREDICTION)
    wait_idle(page)
    retrain = seconds_to_show(page, "retrain", RETRAIN_REPORT, RETRAIN_ANSWER)
    context.close()
    return kept, retrain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each measurement")
    args = parser.parse_args()
    with streamlit_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url)
        wait_idle(page)  # warm up: the server's first run trains the ready model
        train = [timed_training(page, url) for _ in range(args.rounds)]
        seconds = [t for t, _, _ in train]
        updates = [n for _, n, _ in train]
        print(f"train (defaults): click to final curve, median {statistics.median(seconds):.2f} s "
              f"(min {min(seconds):.2f}, max {max(seconds):.2f}); curve updates seen: median "
              f"{statistics.median(updates):.0f} (min {min(updates)})")
        long_url = f"{url}/?task=all&iters={LONG['iterations']}"
        live, bare = [], []
        for _ in range(max(2, args.rounds // 2)):  # alternately, so that a drift of the machine hits both
            live.append(timed_training(page, long_url))
            bare.append(bare_training_seconds())
        live_seconds = [t for t, _, _ in live]
        print(f"live (all ten digits, {LONG['iterations']} iterations): click to final curve median "
              f"{statistics.median(live_seconds):.2f} s, training alone median {statistics.median(bare):.2f} s: "
              f"the live view adds {statistics.median(a / b for a, b in zip(live_seconds, bare, strict=True)) - 1:.0%}"
              f" (median of the pairs); frames seen per second median "
              f"{statistics.median(n / t for t, n, _ in live):.1f}, longest gap median "
              f"{statistics.median(g for _, _, g in live):.2f} s (max {max(g for _, _, g in live):.2f})")
        draw = pen_up_to_prediction(page, url, args.rounds * 2)
        print(f"draw: pen up to prediction, median {statistics.median(draw):.2f} s "
              f"(min {min(draw):.2f}, max {max(draw):.2f})")
        rounds = [keep_and_retrain(browser, url) for _ in range(args.rounds)]
        keep = [t for kept, _ in rounds for t in kept]
        retrain = [t for _, t in rounds]
        print(f"keep: click on a digit to 'Kept', median {statistics.median(keep):.2f} s "
              f"(min {min(keep):.2f}, max {max(keep):.2f})")
        print(f"retrain: click to its report, median {statistics.median(retrain):.2f} s "
              f"(min {min(retrain):.2f}, max {max(retrain):.2f}; against train's median "
              f"{statistics.median(seconds):.2f} s in this run)")
        browser.close()


if __name__ == "__main__":
    main()
