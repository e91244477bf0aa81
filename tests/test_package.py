"""The core is a library of its own: importing it never imports the UI."""

import subprocess
import sys


def test_importing_lrviz_does_not_import_streamlit():
    code = ("import sys, lrviz, lrviz.figures, lrviz.lesson_figures, lrviz.data, lrviz.runs, lrviz.links, "
            "lrviz.model_file, lrviz.explain, lrviz.backprop, lrviz.live; print('streamlit' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
