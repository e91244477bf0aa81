"""What the pages share: cached data, the session's current run, the sidebar.

Streamlit code lives here and in the page scripts only; everything they show is
computed by the `lrviz` core.
"""

from __future__ import annotations

import streamlit as st
from threadpoolctl import threadpool_limits

from lrviz.data import Task, TaskData, examples, load_task
from lrviz.runs import Run, ready_settings

# One BLAS thread for the whole app: its matrices are tiny, and several BLAS threads per
# session, next to the browser on a small machine, make training many times slower.
threadpool_limits(limits=1, user_api="blas")

#: Session-state key of the run the Train page shows and the Draw page uses.
RUN_KEY = "run"
#: Session-state keys of every run of the session (for Explore), and of how many were numbered.
HISTORY_KEY = "runs"
COUNT_KEY = "run_count"


#: The app's own style sheet, on every page: the Draw page's answer shown large.
STYLE = """
.st-key-answer h1 { font-size: 5.5rem; line-height: 1.05; padding: 0; }
"""


def style() -> None:
    """Add the app's style sheet to the page (a <style> element takes no space)."""
    st.html(f"<style>{STYLE}</style>")


def require_app() -> None:
    """Make sure the page runs inside app.py's navigation.

    On a server that has not yet run app.py, a link straight to a page (…/draw) makes
    Streamlit run that page file on its own, in its old multipage mode (it sees a folder
    named pages/): no sidebar, no page config, every file listed as a page. Hand over to
    app.py instead, which then shows the page the link asked for.
    """
    if not _app_started:
        from streamlit.runtime.pages_manager import PagesManager  # no public switch for this

        PagesManager.uses_pages_directory = False
        st.rerun()


def mark_app_started() -> None:
    """Called by app.py on every run: pages are now run through its navigation."""
    global _app_started
    _app_started = True


_app_started = False


@st.cache_resource(show_spinner=False, max_entries=64)
def task_data(code: str, test_size: float) -> TaskData:
    """The train/test split of a task, shared by every run and session with these settings (read-only)."""
    return load_task(Task.parse(code), test_size)


@st.cache_data(show_spinner=False, max_entries=64)
def task_examples(code: str, per_class: int) -> list:
    """Example images and counts of each side of a task (cached)."""
    return examples(Task.parse(code), per_class)


def show(figure, key: str, slot=None, *, toolbar: bool = False) -> None:
    """Draw a figure from `lrviz.figures` as it is: without Streamlit's chart theme, which
    would restyle it and makes every redraw take about twice as long in the browser."""
    (slot or st).plotly_chart(figure, key=key, theme=None,
                              config={"displayModeBar": toolbar, "displaylogo": False})


def history() -> list[Run]:
    """Every run of this session that trained (finished, stopped, diverged or loaded), oldest first."""
    return st.session_state.setdefault(HISTORY_KEY, [])


def remember(run: Run) -> None:
    """Keep a run in the session's history, named "run N" in order, once."""
    runs = history()
    if run not in runs:
        st.session_state[COUNT_KEY] = st.session_state.get(COUNT_KEY, 0) + 1
        run.name = f"run {st.session_state[COUNT_KEY]}"
        runs.append(run)


def run_name(run: Run) -> str:
    """"run 3" for the third run remembered this session."""
    return run.name or "this run"


def current_run() -> Run | None:
    """The session's current run, trained or not."""
    return st.session_state.get(RUN_KEY)


def trained_run() -> Run | None:
    """The session's current run if it has a model (trained, or loaded from a file) that did not diverge."""
    run = current_run()
    usable = run is not None and run.last is not None and run.status != "diverged"
    return run if usable and (run.iteration > 0 or run.origin) else None


@st.cache_resource(show_spinner="Training the ready ten-digit model (once)…")
def ready_run() -> Run:
    """A ten-digit model trained once per server and shared: what a first-time visitor draws for."""
    run = Run(ready_settings())
    for _ in run.advance():
        pass
    return run


def active_run() -> tuple[Run, bool]:
    """(the model to use, whether it is this session's): the session's trained run, else the ready one."""
    run = trained_run()
    return (run, True) if run is not None else (ready_run(), False)


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
