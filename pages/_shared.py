"""What the pages share: cached data, the session's current run, the sidebar.

Streamlit code lives here and in the page scripts only; everything they show is
computed by the `lrviz` core.
"""

from __future__ import annotations

import streamlit as st

from lrviz.data import Task, TaskData, examples, load_task
from lrviz.runs import Run

#: Session-state key of the run the Train page shows and the Draw page uses.
RUN_KEY = "run"


@st.cache_data(show_spinner=False, max_entries=64)
def task_data(code: str, test_size: float) -> TaskData:
    """The train/test split of a task (cached: the same split for every run with these settings)."""
    return load_task(Task.parse(code), test_size)


@st.cache_data(show_spinner=False, max_entries=64)
def task_examples(code: str, per_class: int) -> list:
    """Example images and counts of each side of a task (cached)."""
    return examples(Task.parse(code), per_class)


def show(figure, key: str, slot=None, *, toolbar: bool = True) -> None:
    """Draw a figure from `lrviz.figures` as it is: without Streamlit's chart theme, which
    would restyle it and makes every redraw take about twice as long in the browser."""
    (slot or st).plotly_chart(figure, key=key, theme=None,
                              config={"displayModeBar": toolbar, "displaylogo": False})


def current_run() -> Run | None:
    """The session's current run, trained or not."""
    return st.session_state.get(RUN_KEY)


def trained_run() -> Run | None:
    """The session's current run if it has trained at least one iteration and did not diverge."""
    run = current_run()
    return run if run is not None and run.iteration > 0 and run.status != "diverged" else None


def sidebar() -> None:
    """The sidebar every page shows: what lrviz is and which model this session has."""
    with st.sidebar:
        st.markdown("**lrviz** shows logistic regression as a neural network of one neuron, "
                    "trained from scratch on 8×8 handwritten digits.")
        run = current_run()
        if run is None or run.last is None:
            st.caption("No model trained yet in this session.")
        else:
            last = run.last
            st.caption(f"This session's model: **{run.settings.task.name}**, {last.iteration} iterations, "
                       f"test accuracy {last.test_accuracy:.1%} ({run.status}).")
