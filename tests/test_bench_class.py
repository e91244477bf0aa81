"""The class benchmark (bench/bench_class.py) works: three simulated students against a server
it starts itself train once and draw one digit each, and it reports what they saw.

Not a timed test: it checks that the simulation does what a browser does and that the
report holds every number, not how fast the server is.
"""

from __future__ import annotations

import json
import subprocess
import sys

from browser import ROOT


def test_three_students_train_and_draw():
    result = subprocess.run(
        [sys.executable, "bench/bench_class.py", "--students", "3", "--draw", "1", "--deadline", "90",
         "--timeout", "60"],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = result.stdout.splitlines()
    report = json.loads(lines[-1].removeprefix("JSON "))
    for phase in ("open", "train", "to draw", "draw"):  # one line per phase, and its numbers in the report
        assert any(line.startswith(f"wave 1 {phase} ") for line in lines), result.stdout
        assert report["latency"][phase]["p95"] > 0
        assert report["server_cpu_per_action"][phase] > 0  # the server's process was found and measured
    assert report["failures"] == 0 and report["exceptions"] == 0, report["failure_texts"] + report["exception_texts"]
    assert report["trained"] == [1, 1, 1]  # every student's run finished and showed its test accuracy
    assert len(report["frames_per_train"]) == 3 and min(report["frames_per_train"]) >= 1
    # The drawings reached the model: each answer shown is the digit drawn (0, 0 and 1; the
    # students trained "0 vs 1").
    assert report["drawings_answered"] == 3 and report["drawings_read_right"] == 3
    assert report["bytes_per_student"]["p50"] > 10_000
    assert report["rss_peak"] > 0 and len(report["rss_after_waves"]) == 1
