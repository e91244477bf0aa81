"""The core is a library of its own, and importing a module starts nothing."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ("lrviz", "lrviz.figures", "lrviz.lesson_figures", "lrviz.data", "lrviz.runs", "lrviz.links",
        "lrviz.model_file", "lrviz.explain", "lrviz.backprop", "lrviz.live", "lrviz.history")


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout


def test_importing_lrviz_does_not_import_streamlit():
    assert _run(f"import sys, {', '.join(CORE)}; print('streamlit' in sys.modules)").strip() == "False"


def test_importing_a_module_starts_no_thread_and_limits_nothing():
    code = ("import threading, numpy, scipy.special, sklearn.linear_model; from threadpoolctl import threadpool_info; "
            "limits = lambda: {i['filepath']: i['num_threads'] for i in threadpool_info()}; "
            "threads, before = threading.active_count(), limits(); "
            f"import {', '.join(CORE)}, pages._shared, pages._memory, pages._chart, pages._drawing_pad, "
            "pages.layout.train, pages.layout.draw, pages.layout.explore, pages.layout.how; "
            "after = limits(); "
            "print(threading.active_count() - threads, all(after[lib] == n for lib, n in before.items()))")
    started, blas_untouched = _run(code).split()
    assert started == "0"
    assert blas_untouched == "True"


def test_streamlit_still_runs_a_page_file_alone_where_pages_require_app():
    """`pages._shared.require_app` works around this: on a fresh server Streamlit decides from the
    folder named pages/ that the app uses its old multipage mode, and runs a page file linked to
    directly without app.py. When this test fails, Streamlit no longer does that (or no longer
    has this switch), and `require_app` can go."""
    code = ("from streamlit.runtime.pages_manager import PagesManager; PagesManager.uses_pages_directory = None; "
            "PagesManager('app.py'); print(PagesManager.uses_pages_directory)")
    assert _run(code).strip() == "True"
