"""What the pages share: cached data, the session's current run, the sidebar.

Streamlit code lives here and in the page scripts only; everything they show is
computed by the `lrviz` core. Importing this module starts nothing: `start` (called by
app.py) sets up the process once.
"""

from __future__ import annotations

import functools
import json
import threading
import warnings
from collections.abc import Callable

import streamlit as st
from threadpoolctl import threadpool_limits

from lrviz import DivergenceWarning, colors, figures, ready
from lrviz.data import DEFAULT_SPLIT_SEED, Task, TaskData, examples, load_task
from lrviz.drawings import Drawings
from lrviz.history import Curve
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
.st-key-live_feed, .st-key-page_script { display: none; }
.st-key-answer p { font-size: 5.5rem; line-height: 1.05; font-weight: 700; margin: 0; }
.st-key-task_preset button { padding-left: 0.6rem; padding-right: 0.6rem; }
.st-key-correct_digits button { min-width: 2.2rem; padding-left: 0.3rem; padding-right: 0.3rem; }
:is(.st-key-train, .st-key-step, .st-key-stop, .st-key-continue, .st-key-reset,
    .st-key-train_running, .st-key-step_running, .st-key-stop_running, .st-key-continue_running,
    .st-key-reset_running) button {
    padding-left: 0.4rem; padding-right: 0.4rem; }
/* a closed sidebar is off the screen: out of the keyboard's way too (Streamlit leaves its links in the Tab order) */
[data-testid="stSidebar"][data-collapsed="true"], [data-testid="stSidebar"][data-collapsed="true"] * {
    visibility: hidden !important; }
.stApp [data-testid="stCaptionContainer"] { opacity: 1; }  /* faint by its colour, which is checked, not by 60 % */
.stApp [data-testid="stCaptionContainer"], .stApp [data-testid="stCaptionContainer"] * { color: var(--lrviz-muted); }
/* a disabled setting's label (momentum for Adam): muted, but readable (Streamlit fades it to 2.5:1) */
.stApp [data-testid="stWidgetLabel"][disabled] p { color: var(--lrviz-muted); }
.st-key-answer_line p { font-size: 1.25rem; margin: 0; }
@media (min-width: 1001px) { .st-key-answer_line { display: none; } }  /* beside the pad, the full answer is in sight */
@media (max-width: 1000px) {
  :is(COLUMNS) { flex-wrap: wrap; }
  :is(COLUMNS) > [data-testid="stColumn"] { min-width: 100%; }
}
""".replace("COLUMNS", _PAGE_COLUMNS)
#: Presentation mode: type large enough for the back of a lecture room, content full width, and
#: on the Train page the task, Train/Stop, the learning curve and the weight maps on one screen
#: from 1024x768 up (the live charts take the screen's height below the controls, in CSS, so
#: that no server knows the size of a screen).
PRESENT_STYLE = """
html { font-size: clamp(17px, 1.2vw, 23px); }
.stApp .katex-display { overflow-x: auto; overflow-y: hidden; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 3.4rem 2rem 2rem; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.7rem; }
[data-testid="stMainBlockContainer"] [data-testid="stHeading"] h2 { font-size: 2rem; padding: 0 0 0.2rem; }
[data-testid="stSidebar"][data-collapsed="false"] { min-width: 16rem; }
.stApp [data-testid="stCaptionContainer"] { font-size: 0.9rem; }
.st-key-answer p { font-size: 7rem; }
:is(.st-key-learning_curve, .st-key-weights) { --lrviz-chart-height: max(15rem, calc(100vh - 20.5rem)); }
/* Draw: the probabilities and the 8x8 input leave room below them for the z line */
:is(.st-key-probabilities, .st-key-input) { --lrviz-chart-height: clamp(11rem, calc(100vh - 32rem), 19rem); }
/* the way out, always in sight: top right, in the bar where the sidebar's arrow is */
.st-key-leave_presentation { position: fixed; top: 0.55rem; right: 1rem; z-index: 999991; width: auto; }
[data-testid="stExpandSidebarButton"] { border: 1px solid var(--lrviz-border); border-radius: 0.5rem; }
.stApp [data-testid="stExpandSidebarButton"] [data-testid="stIconMaterial"] { color: var(--lrviz-text); }
"""
#: The dark look: light text on a deep blue-grey, kept calm for a dimmed room. Every Streamlit widget
#: the app uses, recoloured from `lrviz.colors.DARK` (the variables of `look_variables`): text, edges,
#: icons, chips, arrows, steppers, tracks, and disabled controls drawn dashed and faint.
DARK_STYLE = """
.stApp, [data-testid="stHeader"], [data-testid="stMain"] { background-color: var(--lrviz-background); }
[data-testid="stSidebar"], [data-testid="stSidebarContent"] { background-color: var(--lrviz-surface); }
.stApp, .stApp p, .stApp li, .stApp h1, .stApp h2, .stApp h3, .stApp label, .stApp summary,
.stApp [data-testid="stMarkdownContainer"], .stApp [data-testid="stWidgetLabel"] * ,
.stApp [data-testid="stMetricValue"], .stApp [data-testid="stMetricLabel"] * , .stApp td, .stApp th,
.stApp [data-testid="stSidebarNavLink"] span, .stApp [data-testid="stSliderThumbValue"],
.stApp [data-testid="stSliderTickBarMin"], .stApp [data-testid="stSliderTickBarMax"],
.stApp [data-baseweb="select"] *, .stApp [data-testid="stMultiSelect"] *, .stApp [data-testid="stSelectbox"] *,
.stApp [data-testid="stTooltipContent"] * { color: var(--lrviz-text); }
.stApp [data-testid="stCaptionContainer"], .stApp [data-testid="stCaptionContainer"] * { color: var(--lrviz-muted); }
.stApp hr { background-color: var(--lrviz-border); }
.stApp button[kind="secondary"], .stApp button[data-variant="segmented_control"],
.stApp [data-testid="stExpander"] details, .stApp [data-testid="stTable"] table,
.stApp [data-baseweb="select"] > div, .stApp input, .stApp [data-testid="stFileUploaderDropzone"] {
    background-color: var(--lrviz-surface); color: var(--lrviz-text); border-color: var(--lrviz-border); }
.stApp [data-testid="stFileUploaderDropzone"] * { color: var(--lrviz-text); }
.stApp [data-testid="stTable"] :is(th, td) { border-color: var(--lrviz-border); }
.stApp button[data-variant="segmented_control"][aria-checked="true"] {
    background-color: var(--lrviz-selected); border-color: var(--lrviz-accent); }
.stApp button[kind="primary"] {
    background-color: var(--lrviz-primary); border-color: var(--lrviz-accent); color: var(--lrviz-on-primary); }
.stApp button:disabled:is([kind="primary"], [kind="secondary"], [data-variant="segmented_control"]) {
    background-color: transparent; border: 1px dashed var(--lrviz-disabled); }
.stApp button:disabled, .stApp button:disabled * { color: var(--lrviz-disabled); }
.stApp [data-testid="stSidebarNavLink"][aria-current="page"] { background-color: var(--lrviz-raised); }
.stApp [data-testid="stNumberInput"] button { background-color: var(--lrviz-raised); color: var(--lrviz-text); }
.stApp [data-testid="stNumberInput"] button svg { color: var(--lrviz-text); }
.stApp [data-testid="stNumberInput"] button:disabled svg { color: var(--lrviz-disabled); }
.stApp [data-testid="stAlertContainer"] { background-color: var(--lrviz-notice); }
.stApp [data-testid="stAlertContainer"] * { color: var(--lrviz-text); }
.stApp [data-testid="stMultiSelect"] div:has(> [data-testid="stMultiSelectTagsContainer"]),
.stApp [data-testid="stSelectbox"] [role="group"], .stApp [data-testid="stSelectbox"] button,
.stApp [data-testid="stNumberInputContainer"] {
    background-color: var(--lrviz-surface); border-color: var(--lrviz-border); }
.stApp [data-testid="stMultiSelect"] input { background-color: transparent; }
.stApp :is([data-testid="stMultiSelect"], [data-testid="stSelectbox"]) :is(svg, button) {
    color: var(--lrviz-muted); fill: currentColor; }
.stApp [data-testid="stMultiSelect"] [data-tag] {
    background-color: var(--lrviz-primary); color: var(--lrviz-on-primary); }
.stApp [data-testid="stMultiSelect"] [data-tag] * { color: var(--lrviz-on-primary); }
.stApp [data-testid="stMultiSelect"] [data-disabled="true"] [data-tag] {
    background-color: var(--lrviz-raised); opacity: 1; }
.stApp [data-testid="stMultiSelect"] [data-disabled="true"] [data-tag] * { color: var(--lrviz-disabled); }
.stApp [data-testid="stMultiSelect"] div[data-disabled="true"]:has(> [data-testid="stMultiSelectTagsContainer"]) {
    background-color: transparent; border: 1px dashed var(--lrviz-disabled); }
.stApp [data-testid="stCheckbox"] label > div:not([data-testid]) { background-color: var(--lrviz-border); }
.stApp [data-testid="stCheckbox"] label:has(input:checked) > div:not([data-testid]) {
    background-color: var(--lrviz-primary); box-shadow: 0 0 0 1px var(--lrviz-accent); }
.stApp [data-testid="stTooltipIcon"] svg, .stApp [data-testid="stTooltipIcon"] svg * { stroke: var(--lrviz-muted); }
.stApp [data-testid="stIconMaterial"] { color: var(--lrviz-muted); }
.stApp button:not(:disabled) [data-testid="stIconMaterial"] { color: inherit; }
.stApp :is([data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"])
    [data-testid="stIconMaterial"] { color: var(--lrviz-text); }
.stApp [data-testid="stProgressBarTrack"] { background-color: var(--lrviz-raised); }
.stApp [data-testid="stProgressBarTrack"] > div { background-color: var(--lrviz-accent); }
.stApp [data-testid="stSlider"] [role="slider"] { background-color: var(--lrviz-accent); }
.stApp :focus-visible { outline: 2px solid var(--lrviz-accent); outline-offset: 1px; }
"""


def look_variables(look: colors.Look) -> str:
    """A look's colours as the CSS variables the style sheets use (`--lrviz-background`, ...)."""
    names = "; ".join(f"--lrviz-{name.replace('_', '-')}: {value}" for name, value in vars(look).items())
    return f":root {{ {names}; }}"


PRESENT_KEY = "present"  # widget key: presentation mode on or off
LOOK_KEY = "look"  # widget key: "light" or "dark" (presentation mode)


def presenting() -> bool:
    """Whether presentation mode is on: large type, only the essential controls."""
    return bool(st.session_state.get(PRESENT_KEY))


def display() -> figures.Display:
    """How figures are shown in this session (presentation mode scales them; the dark look recolours)."""
    if not presenting():
        return figures.Display()
    return figures.Display(dark=st.session_state.get(LOOK_KEY) == "dark", scale=figures.PRESENTATION_SCALE)


def style_sheets(present: bool, dark: bool) -> str:
    """The app's style sheets for a display: its look's colours as variables, then the rules."""
    sheets = look_variables(colors.DARK if present and dark else colors.LIGHT) + STYLE
    if present:
        sheets += PRESENT_STYLE + (DARK_STYLE if dark else "")
    return sheets


def style() -> None:
    """Add the app's style sheets to the page (a <style> element takes no space)."""
    st.html(f"<style>{style_sheets(presenting(), display().dark)}</style>")


def presentation_requested() -> bool:
    """Whether this run is in presentation mode, known before the sidebar's switch is drawn (in a
    new session the address decides: `present=1`, `look=dark`)."""
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = st.query_params.get("present") == "1"
        st.session_state[LOOK_KEY] = "dark" if st.query_params.get("look") == "dark" else "light"
    return presenting()


def presentation_controls() -> None:
    """The sidebar's presentation-mode switch and look, kept in the address (`present=1`,
    `look=dark`) so that a prepared link opens in it and it stays on from page to page."""
    presentation_requested()
    st.toggle("Presentation mode", key=PRESENT_KEY, persist_state="session",
              help="For a projector: large type and charts, only the essential controls. "
                   "It stays on from page to page; a link with present=1 opens in it.")
    if presenting():
        st.segmented_control("Look", ["light", "dark"], key=LOOK_KEY, persist_state="session", required=True,
                             help="Dark suits a dimmed lecture room; light a bright one.")


def leave_presentation() -> None:
    st.session_state[PRESENT_KEY] = False


def presentation_exit() -> None:
    """In presentation mode, a button that leaves it, always in sight (top right, in the bar of
    the sidebar's arrow: see PRESENT_STYLE), since the sidebar with its switch is closed."""
    if presenting():
        st.button("Leave presentation", key="leave_presentation", icon=":material/fullscreen_exit:",
                  on_click=leave_presentation, help="Back to the full app: every setting, large type off.")


#: What the page does in the browser on its own (see `page_script`).
_PAGE_JS = r"""
export default function (component) {
  const { data } = component;
  const lrviz = (window.__lrviz = window.__lrviz || { charts: {}, plotly: null });
  // The sidebar: closed when presentation mode starts and after each page change in it (the
  // screen is the lecture's), opened again when it ends; otherwise left as the user set it.
  const before = lrviz.sidebarMoment;
  lrviz.sidebarMoment = data.moment;
  if (before !== data.moment && (data.collapse || (before && before !== 'normal'))) {
    let tries = 0;
    const act = () => {
      const sidebar = document.querySelector('[data-testid="stSidebar"]');
      const open = sidebar && sidebar.getAttribute('data-collapsed') === 'false';
      if (sidebar && open === !data.collapse) return;
      const button = document.querySelector(data.collapse ? '[data-testid="stSidebarCollapseButton"] button'
                                                          : '[data-testid="stExpandSidebarButton"]');
      if (button) button.click();
      else if (tries++ < 20) setTimeout(act, 100);
    };
    act();
  }
  // Formulas wider than their column scroll sideways: such a region takes the keyboard's focus,
  // so that it can be scrolled without a mouse (WCAG 2.1.1; axe's scrollable-region-focusable).
  if (!lrviz.scrollables) {
    let pending = false;
    const resized = new ResizeObserver(() => later());  // a column narrowed, a font arrived
    const mark = () => {
      pending = false;
      for (const el of document.querySelectorAll('.katex-display')) {
        if (!el.__watched) { el.__watched = true; resized.observe(el); }
        const scrolls = el.scrollWidth > el.clientWidth + 1;
        if (scrolls && !el.hasAttribute('tabindex')) el.setAttribute('tabindex', '0');
        if (!scrolls && el.getAttribute('tabindex') === '0') el.removeAttribute('tabindex');
      }
    };
    const later = () => { if (!pending) { pending = true; setTimeout(mark, 150); } };
    lrviz.scrollables = new MutationObserver(later);
    lrviz.scrollables.observe(document.body, { childList: true, subtree: true });
    document.fonts.ready.then(later);
    later();
  }
}
"""
_page_script = st.components.v2.component("lrviz_page", js=_PAGE_JS)


def page_script(page: str) -> None:
    """The page's own behaviour in the browser (an invisible element): the sidebar closed in
    presentation mode (on `page`, the page's address) and open again after it, and formulas that
    scroll made reachable by keyboard."""
    moment = f"present:{page}" if presenting() else "normal"
    _page_script(key="page_script", data={"collapse": presenting(), "moment": moment})


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
    `pages/_chart.py`: a chart drawn again under the same key is updated in place). `description`,
    its text alternative, defaults to the figure's own (`figures.description`)."""
    _chart.chart(figures.for_display(figure, display()), key, base=base,
                 description=description or figures.description(figure), toolbar=toolbar)


@functools.lru_cache(maxsize=256)
def _static_chart(build: Callable[..., figures.Figure], args: tuple, shown: figures.Display) -> tuple[str, str]:
    """A figure that depends on `args` alone, restyled for a display, as JSON text, with its description."""
    figure = build(*args)
    return json.dumps(figures.for_display(figure, shown)), figures.description(figure)


def show_static(key: str, build: Callable[..., figures.Figure], *args) -> None:
    """Draw `build(*args)` under `key`, as `show` does, for a figure that never changes for the same
    hashable `args` (examples, empty charts): built, restyled and serialized once per server and
    display, not at every page run (a class makes thousands of them)."""
    text, description = _static_chart(build, args, display())
    _chart.chart(text, key, description=description)


#: Rows of the learning curve's table (`curve_table`): enough to follow the curve, few enough to read out.
CURVE_TABLE_ROWS = 21


def curve_table_markdown(curve: Curve) -> str:
    """The learning curve's numbers as a Markdown table of at most `CURVE_TABLE_ROWS` rows, spread over
    its points (the first and the last included): iteration, train and test cost, train and test accuracy."""
    shown = curve.sample(CURVE_TABLE_ROWS)
    with_test = curve.has_test
    head = ["iteration", "train cost", "test cost", "train accuracy", "test accuracy"] if with_test \
        else ["iteration", "train cost", "train accuracy"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for i, iteration in enumerate(shown.iterations.tolist()):
        cells = [f"{iteration:,}", f"{shown.train_cost[i]:.4f}"]
        if with_test:
            cells.append(f"{shown.test_cost[i]:.4f}")
        cells.append(f"{shown.train_accuracy[i]:.1%}")
        if with_test:
            cells.append(f"{shown.test_accuracy[i]:.1%}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def curve_table(curve: Curve, key: str, what: str = "the learning curve") -> None:
    """An expander under a learning curve with its numbers as a table (for a screen reader, or to
    read exact values), and every point as a CSV file (made only when it is downloaded)."""
    if not len(curve):
        return
    with st.expander(f"The numbers of {what} as a table", icon=":material/table:"), st.container(key=key):
        rows = min(len(curve), CURVE_TABLE_ROWS)
        st.caption(f"{rows} of its {len(curve)} points" if rows < len(curve) else f"All its {len(curve)} points")
        st.markdown(curve_table_markdown(curve))
        st.download_button("Every point (CSV)", curve.to_csv, file_name="learning-curve.csv", mime="text/csv",
                           key=f"{key}_csv", icon=":material/download:", on_click="ignore",
                           help="Iteration, train and test cost and accuracy, mini-batch cost and seconds of "
                                "training, at every point of the curve.")


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


def sidebar():
    """The sidebar every page shows: presentation mode, what lrviz is; returns the place of the
    session model's summary, which `model_summary` fills once the page has run."""
    with st.sidebar:
        presentation_controls()
        st.markdown("**lrviz** shows logistic regression as a neural network of one neuron, "
                    "trained from scratch on 8×8 handwritten digits.")
        return st.empty()


def model_summary(slot) -> None:
    """Which model this session has, in the sidebar's `slot` (after the page: it may have trained one)."""
    with slot.container():
        run = current_run()
        if run is None:
            st.caption("No model trained yet in this session.")
        elif run.last is None:
            st.caption(f"This session's model: **{run.settings.task.name}**, training now.")
        else:
            last = run.last
            st.caption(f"This session's model: **{run.settings.task.name}**, {run.total_iterations} iterations, "
                       f"test accuracy {last.test_accuracy:.1%} ({run.status}).")

