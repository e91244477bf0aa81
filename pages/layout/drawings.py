"""The Draw page's "Your drawings": the drawings a user kept, the retrain that learns them, their files.

The section is a fragment of its own (`FRAGMENT`): keeping a drawing (pages/layout/draw.py)
reruns it and the pad only, deleting a drawing or loading a file reruns it alone, and a
finished retrain reruns the page, whose model picker then shows the retrained model.

The retrain is a run of the session like those of the Train page: the ready model's recipe
with the drawings added (`lrviz.learn.retrain_run`), named ("run 4") and listed on Explore, and
given back by a reload. It does not replace the Train page's current run: the Draw page picks
which model decides.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import Future

import streamlit as st

from lrviz import figures, learn, live
from lrviz.drawings import MAX_DRAWINGS, Drawings
from lrviz.runs import Run
from pages import _live, _shared

FRAGMENT = "my_drawings"  # fragment key
RETRAINING = "draw_retraining"  # session key: True while the retrain should be advancing
FAIR_JOB = "draw_fair_job"  # session key: (the retrain, the Future of its fair count), while it counts
REPORT = "draw_learn_report"  # session key: (the retrain, its `lrviz.learn.LearnReport`)
DELETE = "drawing_to_delete"  # widget key: which drawing the Delete button deletes
DELETE_FOR = "drawing_to_delete_of"  # session key: how many drawings there were when it was picked
UPLOADS = "load_drawings"  # widget key: the drawings files loaded
LOADED = "drawings_loaded"  # session key: {file id: (kind, message)} of the files read
GALLERY = "drawings_gallery"  # session key: (fingerprint of the drawings, the gallery's figure)
#: A retrain (a fraction of a second of computing) is spread over this long, not Train's
#: `lrviz.live.MIN_DURATION`: its frames are still seen (ten or so), and its answer, shown when it is
#: done, is on screen within 3 s of the click, as issue 13 asks, even on a busy 2-core machine.
RETRAIN_SECONDS = 1.0
#: The gallery shows the latest this many drawings, this many to a row, rows this high (pixels): the
#: whole width of the page (a title such as "#13: 3" needs about 40 pixels).
GALLERY_SIZE, GALLERY_COLUMNS, GALLERY_ROW_HEIGHT = 60, 12, 64


def article(name) -> str:
    """The article before a digit's name: "a" 3, "an" 8."""
    return "an" if str(name).startswith("8") else "a"


# -- the gallery -------------------------------------------------------------------------------

def counts_line(drawings: Drawings) -> str:
    """How many drawings of each digit, as one line of markdown that wraps on a narrow screen."""
    return " · ".join(f"{digit}: **{count}**" for digit, count in enumerate(drawings.counts()))


def gallery_figure(drawings: Drawings) -> figures.Figure:
    """The latest GALLERY_SIZE drawings, each titled with its number and digit (built once per change)."""
    fingerprint = drawings.fingerprint()
    cached = st.session_state.get(GALLERY)
    if cached is None or cached[0] != fingerprint:
        first = max(0, len(drawings) - GALLERY_SIZE)
        titles = [f"#{i}: {digit}" for i, digit in enumerate(drawings.digits[first:], start=first + 1)]
        cached = fingerprint, figures.gallery(drawings.images[first:], titles, columns=GALLERY_COLUMNS,
                                              row_height=GALLERY_ROW_HEIGHT)
        st.session_state[GALLERY] = cached
    return cached[1]


def delete() -> None:
    """Delete the drawing picked (the Delete button's callback)."""
    index = st.session_state.get(DELETE)
    drawings = _shared.drawings()
    if index is not None and 0 <= index < len(drawings):
        drawings.remove(index)


def kept(drawings: Drawings) -> None:
    """How many drawings of each digit, and deleting one (the pictures are below, the page's width)."""
    n = len(drawings)
    if not n:
        st.info("No drawings yet. When the model has answered, press **Right** or the digit you drew: the drawing "
                "is kept here as an example of your handwriting. Keep a few of each digit the model gets wrong.",
                icon=":material/gesture:")
        return
    st.markdown(f"**{n} drawing{'s' * (n != 1)}** (at most {MAX_DRAWINGS:,}) of each digit: {counts_line(drawings)}")
    digits = drawings.digits
    options = list(range(n - 1, -1, -1))  # the newest first
    if st.session_state.get(DELETE) not in options or st.session_state.get(DELETE_FOR) != n:
        st.session_state[DELETE], st.session_state[DELETE_FOR] = n - 1, n  # drawings came or went: the newest
    row = st.container(horizontal=True, vertical_alignment="bottom", key="delete_row")
    row.selectbox("Delete a drawing", options, key=DELETE,
                  format_func=lambda i: f"#{i + 1}: {article(digits[i])} {digits[i]}",
                  help="Pick a drawing by its number in the pictures below (the newest is first).")
    row.button("Delete", key="delete_drawing", icon=":material/delete:", on_click=delete,
               help="Delete the drawing picked: it is no longer kept, nor used by a retrain from now on.")
    shown = min(n, GALLERY_SIZE)
    st.caption("Below: your drawings as the model sees them (8×8), numbered in the order you kept them"
               + (f"; the latest {shown} of {n}." if shown < n else "."))


# -- the retrain -------------------------------------------------------------------------------

def start_retrain() -> None:
    """A new run: the ready model trained on with the drawings (the Retrain button's callback); its
    fair count starts at once, beside it."""
    ready, extra = _shared.ready_run(), _shared.drawings().extra()
    run = learn.retrain_run(ready, extra)
    _shared.remember(run)  # a run of the session: named, listed on Explore, kept over a reload
    st.session_state[_shared.HANDWRITING_KEY] = run
    st.session_state[_shared.HANDWRITING_FAIR_KEY] = None
    st.session_state[FAIR_JOB] = run, count_fairly_beside(ready, extra)
    st.session_state[RETRAINING] = True


def count_fairly_beside(ready: Run, extra: tuple) -> Future:
    """`lrviz.learn.fair_predictions` in a thread of its own. It takes longer than the retrain's own
    computing, and the retrain's live view spends most of its time waiting for the browser to show
    its frames: so the fair count is mostly done by the time the retrain is, and the CPU it takes
    does not hold up the retrain's answer in the browser. It computes in turns with the training
    loops of the other sessions, as they do."""
    job = Future()

    def count() -> None:
        try:
            with _shared.TRAINING_TURNS.turn():
                job.set_result(learn.fair_predictions(ready, extra))
        except Exception as error:  # handed to the page, which waits for the result
            job.set_exception(error)

    threading.Thread(target=count, name="lrviz-fair-count", daemon=True).start()
    return job


def learnt_these(run: Run | None, drawings: Drawings) -> bool:
    """Whether a finished retrain learnt exactly these drawings."""
    if run is None or run.status != "finished" or not len(drawings):
        return False
    X, digits = run.data.used_extra()
    return len(digits) == len(drawings) and (digits == drawings.digits).all() and (X == drawings.X).all()


def retrain_controls(drawings: Drawings, run: Run | None, retraining: bool):
    """What a retrain does, and its button; returns the place of its progress bar."""
    st.markdown("**Teach the model your handwriting**")
    st.caption(f"Trains the ready model anew on the digits' training set plus your drawings "
               f"({learn.RETRAIN_ITERATIONS} more updates from its weights), live below; then it decides above. "
               "It is kept as a run of this session (see **Explore**); the Train page's model stays as it is.")
    if retraining:
        why_not = "Retraining now."
    elif not len(drawings):
        why_not = "Keep a drawing first: when the model has answered, press **Right** or the digit you drew."
    elif learnt_these(run, drawings):
        why_not = (f"The model learnt these {len(drawings)} drawings already ({_shared.run_name(run)}): keep more, "
                   "or delete some, to retrain.")
    else:
        why_not = ""
    st.button("Retrain with my drawings", key="retrain", type="primary", icon=":material/model_training:",
              on_click=start_retrain, disabled=bool(why_not), wrap=True, help=why_not or
              f"Train the ready model anew with your {len(drawings)} drawings, and see what changed.")
    if why_not and not retraining:
        st.caption(why_not)
    return st.empty()


def report(run: Run, drawings: Drawings):
    """What the finished retrain changed (`lrviz.learn.report`); returns the place of the fair count
    if it is still to be counted."""
    result = learn_report(run, fair_count(run))
    n = result.drawings
    with st.container(key="retrain_report", border=True):
        st.markdown(f"**{_shared.run_name(run).capitalize()} learnt your {n} drawing{'s' * (n != 1)}**, and now "
                    "decides above (pick **Ready model** there to go back).")
        read, fair, test = st.columns(3)
        read.metric("Your drawings read right", f"{result.right_after} of {n}",
                    f"{result.right_after - result.right_before:+d} (ready model: {result.right_before})",
                    help="By the retrained model, which learnt from these very drawings; and by the ready model.")
        fair_slot = fair.empty()
        show_fair(fair_slot, result)
        test.metric("Test digits read right", f"{result.test_accuracy_after:.1%}",
                    f"{100 * (result.test_accuracy_after - result.test_accuracy_before):+.1f} points (ready model: "
                    f"{result.test_accuracy_before:.1%})", delta_color="normal",
                    help="Of the digits' own test set, which no model trains on: the retrain should not forget "
                         "the digits.")
        st.caption("A model is apt to read the very drawings it learnt from; the fair count reads each drawing "
                   f"by a model trained the same way without it ({result.folds} models): what to expect of your "
                   "next drawing. The test digits check that the model has not forgotten the digits.")
        if not learnt_these(run, drawings):
            st.caption("Your drawings changed since this retrain: retrain to learn them as they are now.")
    return fair_slot if result.right_fair is None else None


def learn_report(run: Run, fair) -> learn.LearnReport:
    """`lrviz.learn.report` of the retrain, computed once (and once more when its fair count is in)."""
    cached = st.session_state.get(REPORT)
    if cached is None or cached[0] is not run or (cached[1].right_fair is None) != (fair is None):
        cached = run, learn.report(_shared.ready_run(), run, run.data.used_extra(), fair)
        st.session_state[REPORT] = cached
    return cached[1]


def show_fair(slot, result: learn.LearnReport) -> None:
    help_text = (f"Each drawing read by a model trained the same way without it ({result.folds} models, each "
                 "without a share of the drawings): what to expect of a drawing the model has not seen.")
    if result.right_fair is None:
        slot.metric("Counted fairly", "counting…", help=help_text)
    else:
        slot.metric("Counted fairly", f"{result.right_fair} of {result.drawings}", help=help_text)


def fair_count(run: Run):
    """The retrain's fair count: kept in the session, or just finished beside it (None if neither)."""
    fair = st.session_state.get(_shared.HANDWRITING_FAIR_KEY)
    job = st.session_state.get(FAIR_JOB)
    if fair is None and job is not None and job[0] is run and job[1].done():
        fair = st.session_state[_shared.HANDWRITING_FAIR_KEY] = job[1].result()
        del st.session_state[FAIR_JOB]
    return fair


def count_fairly(run: Run, slot) -> None:
    """Show the fair count when it is done: wait for the one counting beside the retrain, or count now
    (a session given back by a reload before it was done)."""
    ready, extra = _shared.ready_run(), run.data.used_extra()
    job = st.session_state.pop(FAIR_JOB, None)
    if job is not None and job[0] is run:
        fair = job[1].result()
    else:
        with _shared.TRAINING_TURNS.turn():  # it trains: in turns with the other sessions' runs
            fair = learn.fair_predictions(ready, extra)
    st.session_state[_shared.HANDWRITING_FAIR_KEY] = fair
    show_fair(slot, learn_report(run, fair))


def live_view(run: Run, retraining: bool, progress) -> None:
    """The retrain's learning curve and weight maps: live while it trains, whole afterwards."""
    curve_area, weights_area = st.columns(2, gap="large")
    with curve_area:
        curve = _live.curve_slot()
    with weights_area:
        weights = _live.weights_slot()
    view = _live.View(progress, curve, weights)
    if retraining:
        view.train(run, keep_going=lambda: bool(st.session_state.get(RETRAINING)),
                   min_duration=min(live.MIN_DURATION, RETRAIN_SECONDS))
    else:
        view.show(run)


# -- files -----------------------------------------------------------------------------------

def _plain(text: str) -> str:
    """Text from outside (a file's name, what is wrong in it) shown as it is, not as markdown."""
    return re.sub(r"^([-+])", r"\\\1", re.sub(r"([\\`*_\[\]<>#|~$])", r"\\\1", text))


def load_files() -> None:
    """Add the drawings of each newly loaded file (the uploader's callback), and say what happened."""
    done = st.session_state.setdefault(LOADED, {})
    drawings = _shared.drawings()
    for upload in st.session_state.get(UPLOADS) or []:
        if upload.file_id in done:
            continue
        name = _plain(upload.name)
        try:
            loaded = Drawings.from_csv(upload.getvalue())
            drawings.extend(loaded)
        except ValueError as error:
            done[upload.file_id] = ("error", f"{name}: nothing added. {_plain(str(error))}")
        else:
            done[upload.file_id] = ("success", f"{name}: added {len(loaded)} drawing{'s' * (len(loaded) != 1)}; "
                                               f"you have {len(drawings)} now.")


def files(drawings: Drawings) -> None:
    """Download the drawings as a CSV file; load such files (several at once) to add their drawings."""
    with st.expander("Save or load drawings (CSV files)", icon=":material/save:"):
        st.caption("A drawings file has a line per drawing: its 64 pixels (0 to 16) and its digit. Download yours "
                   "to keep them or to hand them in; load files (a class's, several at once, or merged into one) "
                   f"to add their drawings to yours (at most {MAX_DRAWINGS:,} in all).")
        st.download_button("Download my drawings (CSV)", drawings.to_csv, key="download_drawings",
                           file_name=f"lrviz-drawings-{len(drawings)}.csv", mime="text/csv", on_click="ignore",
                           icon=":material/download:", disabled=not len(drawings),
                           help="Your drawings as a CSV file, written when you click.")
        uploads = st.file_uploader("Load drawings files", type=["csv"], accept_multiple_files=True, key=UPLOADS,
                                   on_change=load_files, help="CSV files downloaded from lrviz (or merged from "
                                   "several). Their drawings are added to yours.")
        done = st.session_state.get(LOADED, {})
        for upload in uploads or []:
            kind, text = done.get(upload.file_id, (None, None))
            if kind == "error":
                st.error(text, icon=":material/error:")
            elif kind == "success":
                st.success(text, icon=":material/check_circle:")


# -- the section -------------------------------------------------------------------------------

@st.fragment(key=FRAGMENT)
def section() -> None:
    """The drawings kept, the retrain and its report, the files.

    A retrain trains live here; its report is shown at once (the fair count a moment later, when
    counted), and then the page runs again so that the retrained model decides."""
    st.divider()
    st.subheader("Your drawings", anchor="your-drawings")
    drawings = _shared.drawings()
    run = st.session_state.get(_shared.HANDWRITING_KEY)
    retraining = bool(st.session_state.get(RETRAINING)) and run is not None
    left, right = st.columns([3, 2], gap="large")
    with left:
        kept(drawings)
    with right:
        progress = retrain_controls(drawings, run, retraining)
    if len(drawings):
        _shared.show(gallery_figure(drawings), "drawings_gallery",
                     description=f"Your {len(drawings)} drawings, as 8×8 pictures with their numbers and digits.")
    report_area = st.container()
    if run is not None and (retraining or run.status == "finished"):
        live_view(run, retraining, progress)
    files(drawings)
    if retraining:
        st.session_state[RETRAINING] = False
        if run.status != "finished":  # stopped short: nothing to report
            st.rerun()
    if run is not None and run.status == "finished":
        with report_area:
            fair_slot = report(run, drawings)
        if fair_slot is not None:
            count_fairly(run, fair_slot)
    if retraining:
        st.rerun()  # the whole page: the retrained model, new, decides
