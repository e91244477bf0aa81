"""What the pages share: cached data, the session's current run, the sidebar.

Streamlit code lives here and in the page scripts only; everything they show is
computed by the `lrviz` core. Importing this module starts nothing: `start` (called by
app.py) sets up the process once.
"""

from __future__ import annotations

import threading
import warnings

import streamlit as st
from threadpoolctl import threadpool_limits

from lrviz import DivergenceWarning, colors, figures, ready
from lrviz.data import DEFAULT_SPLIT_SEED, Task, TaskData, examples, load_task
from lrviz.drawings import Drawings
from lrviz.runs import Run
from pages import _chart
from pages._turns import Turns

#: Session-state key of the run the Train page shows and the Draw page uses.
RUN_KEY = "run"
#: Session-state key: True while the current run should be advancing (on the Train page).
TRAINING_KEY = "training"
#: Session-state keys of every run of the session (for Explore), and of how many were numbered.
HISTORY_KEY = "runs"
COUNT_KEY = "run_count"
#: Training loops of this server process that compute at once (see pages/_turns.py): two keep
#: one core busy while leaving time to open pages and send every browser its frames.
TRAINING_TURNS = Turns(2)
#: Runs a session keeps (the oldest go first): a session's memory stays bounded however
#: long a student trains. A ten-digit run takes about 0.15 MB (see `Run.nbytes`).
MAX_RUNS = 20
#: Session-state keys of the user's drawings (`lrviz.drawings.Drawings`, kept on the Draw page),
#: of the Draw page's retrain on them (a run of the session, also in its history), and of that
#: retrain's fair count (`lrviz.learn.fair_predictions`, or None until it is counted).
DRAWINGS_KEY = "drawings"
HANDWRITING_KEY = "handwriting_run"
HANDWRITING_FAIR_KEY = "handwriting_fair"
#: What a reload of the page gives back (see pages/_memory.py).
SESSION_KEYS = (RUN_KEY, HISTORY_KEY, COUNT_KEY, DRAWINGS_KEY, HANDWRITING_KEY, HANDWRITING_FAIR_KEY)


#: The app's own style sheet, on every page: the Draw page's answer shown large, and on a
#: narrow screen (a tablet upright, a small window) a page's columns one below the other
#: instead of squeezed side by side (Streamlit itself stacks them only below 640 px).
_PAGE = '[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > '
_COLUMNS = '[data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"]'
_PAGE_COLUMNS = (f'{_PAGE}{_COLUMNS}, '
                 f'{_PAGE}[data-testid="stLayoutWrapper"] > [data-testid="stVerticalBlock"] > {_COLUMNS}')
STYLE = """
.st-key-live_feed { display: none; }
.st-key-answer h1 { font-size: 5.5rem; line-height: 1.05; padding: 0; }
.st-key-task_preset button { padding-left: 0.6rem; padding-right: 0.6rem; }
.st-key-correct_digits button { min-width: 2.2rem; padding-left: 0.3rem; padding-right: 0.3rem; }
:is(.st-key-train, .st-key-step, .st-key-stop, .st-key-continue, .st-key-reset) button {
    padding-left: 0.4rem; padding-right: 0.4rem; }
@media (max-width: 1000px) {
  :is(COLUMNS) { flex-wrap: wrap; }
  :is(COLUMNS) > [data-testid="stColumn"] { min-width: 100%; }
}
""".replace("COLUMNS", _PAGE_COLUMNS)
#: Presentation mode: type large enough for the back of a lecture room, content full width.
PRESENT_STYLE = """
html { font-size: clamp(17px, 1.2vw, 23px); }
.stApp .katex-display { overflow-x: auto; overflow-y: hidden; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding-left: 3rem; padding-right: 3rem; padding-top: 2.5rem; }
[data-testid="stSidebar"] { min-width: 16rem; }
.stApp [data-testid="stCaptionContainer"] { font-size: 0.9rem; }
.st-key-answer h1 { font-size: 7rem; }
"""
#: The dark look: light text on a deep blue-grey, kept calm for a dimmed room.
DARK_STYLE = """
.stApp, [data-testid="stHeader"], [data-testid="stMain"] { background-color: #0F172A; }
[data-testid="stSidebar"], [data-testid="stSidebarContent"] { background-color: #1E293B; }
.stApp, .stApp p, .stApp li, .stApp h1, .stApp h2, .stApp h3, .stApp label, .stApp summary,
.stApp [data-testid="stMarkdownContainer"], .stApp [data-testid="stWidgetLabel"] * ,
.stApp [data-testid="stMetricValue"], .stApp [data-testid="stMetricLabel"] * , .stApp td, .stApp th,
.stApp [data-testid="stSidebarNavLink"] span { color: #F1F5F9; }
.stApp [data-testid="stCaptionContainer"], .stApp [data-testid="stCaptionContainer"] * { color: #CBD5E1; }
.stApp button[kind="secondary"], .stApp button[data-variant="segmented_control"],
.stApp [data-testid="stExpander"] details, .stApp [data-testid="stTable"] table,
.stApp [data-baseweb="select"] > div, .stApp input {
    background-color: #1E293B; color: #F1F5F9; border-color: #64748B; }
.stApp button[data-variant="segmented_control"][aria-checked="true"] {
    background-color: #0C4A6E; border-color: #38BDF8; }
.stApp button[kind="secondary"]:disabled { color: #94A3B8; }
.stApp [data-testid="stSidebarNavLink"][aria-current="page"] { background-color: #334155; }
.stApp [data-testid="stNumberInput"] button { background-color: #334155; color: #F1F5F9; }
.stApp [data-testid="stAlertContainer"] { background-color: #1E3A5F; }
.stApp [data-testid="stAlertContainer"] * { color: #F1F5F9; }
.stApp [data-testid="stMultiSelect"] div:has(> [data-testid="stMultiSelectTagsContainer"]) {
    background-color: #1E293B; border-color: #64748B; }
.stApp [data-testid="stMultiSelect"] input { background-color: transparent; }
.stApp [data-testid="stCheckbox"] label > div:not([data-testid]) { background-color: #64748B; }
.stApp [data-testid="stCheckbox"] label:has(input:checked) > div:not([data-testid]) { background-color: #0072B2; }
.stApp [data-testid="stTooltipIcon"] svg, .stApp [data-testid="stTooltipIcon"] svg * { stroke: #CBD5E1; }
.stApp button[kind="primary"] { background-color: #0072B2; border-color: #38BDF8; color: #FFFFFF; }
"""
PRESENT_KEY = "present"  # widget key: presentation mode on or off
LOOK_KEY = "look"  # widget key: "light" or "dark" (presentation mode)


def presenting() -> bool:
    """Whether presentation mode is on: large type, only the essential controls."""
    return bool(st.session_state.get(PRESENT_KEY))


def display() -> figures.Display:
    """How figures are shown in this session (presentation mode scales them; the dark look recolours)."""
    if not presenting():
        return figures.Display()
    return figures.Display(dark=st.session_state.get(LOOK_KEY) == "dark", scale=1.35)


def style() -> None:
    """Add the app's style sheets to the page (a <style> element takes no space)."""
    sheets = STYLE
    if presenting():
        sheets += PRESENT_STYLE + (DARK_STYLE if display().dark else "")
    st.html(f"<style>{sheets}</style>")


def presentation_controls() -> None:
    """The sidebar's presentation-mode switch and look, kept in the address (`present=1`,
    `look=dark`) so that a prepared link opens in it and it stays on from page to page."""
    if PRESENT_KEY not in st.session_state:  # a new session: the address decides
        st.session_state[PRESENT_KEY] = st.query_params.get("present") == "1"
        st.session_state[LOOK_KEY] = "dark" if st.query_params.get("look") == "dark" else "light"
    st.toggle("Presentation mode", key=PRESENT_KEY, persist_state="session",
              help="For a projector: large type and charts, only the essential controls. "
                   "It stays on from page to page; a link with present=1 opens in it.")
    if presenting():
        st.segmented_control("Look", ["light", "dark"], key=LOOK_KEY, persist_state="session", required=True,
                             help="Dark suits a dimmed lecture room; light a bright one.")


def presentation_link() -> None:
    """Keep presentation mode in the address (after the page ran: a page change clears it)."""
    if presenting():
        st.query_params.update({"present": "1", "look": st.session_state.get(LOOK_KEY, "light")})
    else:
        for key in ("present", "look"):
            if key in st.query_params:
                del st.query_params[key]


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


@st.cache_resource(show_spinner=False, max_entries=16)
def _task_data_with(code: str, test_size: float, fingerprint: str, _extra: tuple) -> TaskData:
    return load_task(Task.parse(code), test_size, DEFAULT_SPLIT_SEED, extra=_extra)


def task_data_with(code: str, test_size: float, with_drawings: Drawings) -> TaskData:
    """The split of a task plus these drawings (see `load_task`'s `extra`), shared by the runs
    made with the very same drawings (cached by their fingerprint, never by the task alone)."""
    return _task_data_with(code, test_size, with_drawings.fingerprint(), with_drawings.extra())


def drawings() -> Drawings:
    """The drawings the user kept in this session (on the Draw page), or loaded from files."""
    return st.session_state.setdefault(DRAWINGS_KEY, Drawings())


def handwriting_run() -> Run | None:
    """The Draw page's retrain on the user's drawings, once it has finished (None before)."""
    run = st.session_state.get(HANDWRITING_KEY)
    return run if run is not None and run.status == "finished" else None


@st.cache_data(show_spinner=False, max_entries=64)
def task_examples(code: str, per_class: int) -> list:
    """Example images and counts of each side of a task (cached)."""
    return examples(Task.parse(code), per_class)


def show(figure: figures.Figure, key: str, *, base: str = "", description: str = "", toolbar: bool = False) -> None:
    """Draw a figure from `lrviz.figures` under `key`, restyled for this session's display (see
    `pages/_chart.py`: a chart drawn again under the same key is updated in place)."""
    _chart.chart(figures.for_display(figure, display()), key, base=base, description=description, toolbar=toolbar)


def history() -> list[Run]:
    """Every run of this session (started on the Train page, or loaded from a file), oldest first."""
    return st.session_state.setdefault(HISTORY_KEY, [])


def remember(run: Run) -> None:
    """Keep a run in the session's history, named "run N" in order, once; beyond `MAX_RUNS`
    runs the oldest is forgotten."""
    runs = history()
    if run not in runs:
        st.session_state[COUNT_KEY] = st.session_state.get(COUNT_KEY, 0) + 1
        run.name = f"run {st.session_state[COUNT_KEY]}"
        runs.append(run)
        del runs[:-MAX_RUNS]


def run_name(run: Run) -> str:
    """"run 3" for the third run remembered this session."""
    return run.name or "this run"


def run_color(run: Run) -> str:
    """The run's own colour (`lrviz.colors.run_color` of its number): the same on every chart."""
    number = int(run.name.split()[-1]) if run.name and run.name.split()[-1].isdigit() else 1
    return colors.run_color(number)


def current_run() -> Run | None:
    """The session's current run, trained or not."""
    return st.session_state.get(RUN_KEY)


def trained_run() -> Run | None:
    """The session's current run if it has a model (trained, or loaded from a file) that did not diverge."""
    run = current_run()
    usable = run is not None and run.last is not None and run.status != "diverged"
    return run if usable and (run.iteration > 0 or run.origin) else None


def no_session_model() -> str:
    """Why the session has no model of its own to use (empty when it has one)."""
    run = current_run()
    if trained_run() is not None:
        return ""
    if run is not None and run.status == "diverged":
        return ("this session's last run diverged, so it has no model to use. Train again with a smaller "
                "learning rate on the **Train** page, and it is used here.")
    return "this session has not trained a model yet. Train one on the **Train** page, and it is used here."


def ready_run() -> Run:
    """The ready ten-digit model, shared by every session: what a first-time visitor draws for.

    Its weights ship with lrviz (`lrviz.ready`); they are loaded, and the ready split made,
    in the background when the server first runs the app (see `start`).
    """
    with _ready_lock:
        if not _ready:
            _ready.append(ready.ready_run())
        return _ready[0]


_ready: list[Run] = []
_ready_lock = threading.Lock()
_started = threading.Event()


def start() -> None:
    """Set the server process up, once (app.py calls it on every run): one BLAS thread for the
    whole app (its matrices are tiny, and several BLAS threads per session, next to the browser
    on a small machine, make training many times slower), divergence warnings off (the pages
    explain a blow-up), and the ready model trained in the background."""
    if _started.is_set():
        return
    with _ready_lock:
        if _started.is_set():
            return
        threadpool_limits(limits=1, user_api="blas")
        # The pages explain a blow-up themselves (Run.divergence); set once for the process:
        # `warnings.catch_warnings` in each session's thread is not thread-safe.
        warnings.filterwarnings("ignore", category=DivergenceWarning)
        threading.Thread(target=ready_run, name="lrviz-ready-model", daemon=True).start()
        _started.set()


def active_run() -> tuple[Run, bool]:
    """(the model to use, whether it is this session's): the session's trained run, else the ready one."""
    run = trained_run()
    return (run, True) if run is not None else (ready_run(), False)


def sidebar() -> None:
    """The sidebar every page shows: presentation mode, what lrviz is, which model this session has."""
    with st.sidebar:
        presentation_controls()
        st.markdown("**lrviz** shows logistic regression as a neural network of one neuron, "
                    "trained from scratch on 8×8 handwritten digits.")
        run = current_run()
        if run is None:
            st.caption("No model trained yet in this session.")
        elif run.last is None:
            st.caption(f"This session's model: **{run.settings.task.name}**, training now.")
        else:
            last = run.last
            st.caption(f"This session's model: **{run.settings.task.name}**, {run.total_iterations} iterations, "
                       f"test accuracy {last.test_accuracy:.1%} ({run.status}).")

