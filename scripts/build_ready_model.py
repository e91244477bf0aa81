"""Write lrviz/ready_model.json: the ready model's weights, trained as lrviz.ready says.

Run it after a change to how the ready model is trained (its settings, the digits stood
upright, the training loop); tests/test_ready.py fails until the file matches again.
Run: python scripts/build_ready_model.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lrviz import ready  # noqa: E402
from lrviz.model_file import model_to_json  # noqa: E402


def main() -> None:
    run = ready.train_ready_run()
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in run.advance():
            pass
    ready.MODEL_FILE.write_text(model_to_json(run) + "\n")
    print(f"wrote {ready.MODEL_FILE} ({run.iteration} iterations, test accuracy {run.last.test_accuracy:.1%})")


if __name__ == "__main__":
    main()
