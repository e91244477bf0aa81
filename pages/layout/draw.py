"""Draw: draw a digit and see the neuron decide, and why."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lrviz import figures
from lrviz.canvas import canvas_to_digit
from lrviz.data import PIXEL_MAX
from lrviz.explain import Decision, decide
from lrviz.runs import Run
from pages import _shared
from pages._drawing_pad import drawing_pad

CANVAS_SIZE = 280
CLEARS = "draw_clears"  # session key: how often Clear was pressed (a new empty drawing each time)
USE_READY = "draw_use_ready"
EXPLAIN_CLASS = "draw_explain_class"  # widget key: which neuron's score a ten-digit answer explains
EXPLAINED_ANSWER = "draw_explained_answer"  # session key: the answer that choice was made for


def clear() -> None:
    st.session_state[CLEARS] = st.session_state.get(CLEARS, 0) + 1


def choose_model() -> tuple[Run, bool]:
    """The session's trained model if there is one (unless the user picks the ready one)."""
    session_run = _shared.trained_run()
    if session_run is None:
        return _shared.ready_run(), False
    if _shared.presenting():  # no switch on a projector: the choice made before stands
        use_ready = bool(st.session_state.get(USE_READY))
    else:
        use_ready = st.toggle("Use the ready ten-digit model instead", key=USE_READY, persist_state="session")
    return (_shared.ready_run(), False) if use_ready else (session_run, True)


def describe(run: Run, own: bool) -> str:
    last = run.last
    if own:
        return (f"Deciding with **this session's model**, trained on the Train page on **{run.settings.task.name}** "
                f"({run.total_iterations} iterations, {last.test_accuracy:.0%} of test digits right).")
    why = _shared.no_session_model()
    return (f"Deciding with the **ready model** for all ten digits ({last.test_accuracy:.0%} of test digits right)"
            + (f": {why}" if why else "."))


def answer(decision: Decision, run: Run) -> None:
    """The prediction, large, and the question a two-class model answers, in words."""
    task = run.settings.task
    with st.container(key="answer"):  # styled large by the app's style sheet (pages/_shared.py)
        st.markdown(f"# {decision.name}")
    if decision.binary:
        yes_name = task.class_names[1]
        is_yes = decision.predicted == 1
        if task.right is None:
            question = f"Is it a {yes_name}?"
        else:
            question = f"Is it a {task.class_names[0]} or a {yes_name}?"
        verdict = ("**Yes**" if is_yes else "**No**") if task.right is None else f"A **{decision.name}**"
        st.markdown(f"{question} {verdict}, with probability {decision.confidence:.0%}.")
    else:
        st.markdown(f"The model reads a **{decision.name}**, with probability {decision.confidence:.0%}.")


def explain(decision: Decision, run: Run) -> None:
    """z = w·x + b with the numbers, and the map of w ⊙ x."""
    task = run.settings.task
    if decision.binary:
        neuron = 0
        z, b = decision.logits[0], decision.bias[0]
        a = decision.probabilities[1]
        wx = z - b
        side = task.class_names[1] if z > 0 else task.class_names[0]
        st.latex(rf"z = w \cdot x + b = {wx:.2f} {'+' if b >= 0 else '-'} {abs(b):.2f} = {z:.2f}")
        relation = ">" if a > 0.5 else r"\le"
        st.latex(rf"a = \sigma(z) = {a:.3f} \; {relation} \; 0.5")
        st.caption(f"z > 0 means {task.class_names[1]}, z ≤ 0 means {task.class_names[0]}: here **{side}**. "
                   "The map shows each pixel's share w·x of z: blue pixels pushed z up, toward "
                   f"{task.class_names[1]}; red ones down, toward {task.class_names[0]}.")
        title = "w ⊙ x: what each pixel added to z (blue: toward " + task.class_names[1] + ")"
    else:
        names = list(task.class_names)
        shown = names[decision.predicted]
        if not _shared.presenting():
            if st.session_state.get(EXPLAINED_ANSWER) != shown:  # a new answer: explain it, not an older pick
                st.session_state[EXPLAINED_ANSWER] = st.session_state[EXPLAIN_CLASS] = shown
            shown = st.selectbox("Explain the score of", names, key=EXPLAIN_CLASS,
                                 help="Each digit has its own neuron; pick one to see why it scored as it did.")
        neuron = names.index(shown)
        z, b = decision.logits[neuron], decision.bias[neuron]
        st.latex(rf"z_{{{shown}}} = w_{{{shown}}} \cdot x + b_{{{shown}}} = {z - b:.2f} "
                 rf"{'+' if b >= 0 else '-'} {abs(b):.2f} = {z:.2f}")
        ranking = np.argsort(-decision.logits)[:3]
        st.caption("Softmax turns the ten scores into probabilities; the largest score wins. Highest: "
                   + ", ".join(f"{names[k]}: z = {decision.logits[k]:.2f}" for k in ranking) + ".")
        title = f"w ⊙ x for the neuron of {shown}: blue pushed toward {shown}, red away from it"
    st.caption(title)
    limit = figures.weight_limit(decision.contributions)
    _shared.show(figures.signed_map(decision.contributions[neuron], name="w·x", limit=limit, height=280),
                 "contributions")


@st.fragment
def draw_panel(run: Run) -> None:
    """Canvas and prediction: a fragment, so a stroke reruns only this part of the page."""
    left, right = st.columns([2, 3], gap="large")
    with left:
        size = 360 if _shared.presenting() else CANVAS_SIZE
        image = drawing_pad("canvas", size=size, pen=round(st.session_state.get("draw_pen", 22) * size / CANVAS_SIZE),
                            clears=st.session_state.get(CLEARS, 0))
        st.caption("Draw with the mouse, a pen or a finger, as large or small as you like.")
        st.button("Clear", key="clear", icon=":material/ink_eraser:", on_click=clear,
                  help="Wipe the canvas and draw again.")
        if not _shared.presenting():
            st.slider("Pen width", 8, 40, 22, key="draw_pen", persist_state="session",
                      help="Any width works: the drawing is scaled and its strokes evened out like the training "
                           "digits.")
    with right, st.container(key="prediction"):
        features = None if image is None else canvas_to_digit(image)
        if features is None:
            st.info("Draw a digit on the canvas, as large as you like: the neuron's answer appears here.",
                    icon=":material/draw:")
            return
        x = features / PIXEL_MAX
        decision = decide(run.model, x, run.settings.task.class_names)
        answer(decision, run)
        bars, seen = st.columns([3, 2])
        with bars:
            st.caption("Probability of each class")
            _shared.show(figures.probability_bars(decision.probabilities, decision.class_names, height=220),
                         "probabilities")
        with seen:
            st.caption("What the model sees: your drawing as 8×8 pixels")
            _shared.show(figures.digit_image(x, height=220), "input")
        explain(decision, run)



def page() -> None:
    """Lay the page out (the script pages/draw.py calls this on every run)."""
    st.header("Draw a digit")
    model_run, own = choose_model()
    st.caption(describe(model_run, own))
    draw_panel(model_run)
