"""Draw: draw a digit and see the neuron decide, and why; say what it really is, and the drawing is kept."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lrviz import figures
from lrviz.canvas import canvas_to_digit
from lrviz.data import PIXEL_MAX, Task
from lrviz.explain import Decision, decide
from lrviz.runs import Run
from pages import _shared
from pages._drawing_pad import drawing_pad
from pages.layout import drawings as my_drawings
from pages.layout.drawings import article

CANVAS_SIZE = 280
CLEARS = "draw_clears"  # session key: how often the pad was wiped (Clear, or a drawing kept)
MODEL = "draw_model"  # widget key: which model decides ("ready", "drawings" or "session")
EXPLAIN_CLASS = "draw_explain_class"  # widget key: which neuron's score a ten-digit answer explains
EXPLAINED_ANSWER = "draw_explained_answer"  # session key: the answer that choice was made for
KEPT = "draw_kept"  # session key: (kind, text) of what the last "Right" / "No, it is a …" did
PANEL = "draw_panel"  # fragment key: the pad and the answer
TEST_DIGIT = "draw_test_digit"  # widget key: a digit of the test set to classify instead of a drawing (or None)
MODELS_SEEN = "draw_models_seen"  # session key: the models that could decide when the page last ran
#: The models that can decide, by the picker's value, as the picker names them.
MODEL_NAMES = {"ready": "Ready model", "drawings": "Ready model + my drawings", "session": "This session's model"}


def clear() -> None:
    st.session_state[CLEARS] = st.session_state.get(CLEARS, 0) + 1


def models() -> dict[str, Run]:
    """The models that can decide: the ready one, its retrain on the user's drawings, the session's own."""
    found = {"ready": _shared.ready_run()}
    if (handwriting := _shared.handwriting_run()) is not None:
        found["drawings"] = handwriting
    if (session_run := _shared.trained_run()) is not None:
        found["session"] = session_run
    return found


def choose_model() -> tuple[Run, str]:
    """(the model that decides, its picker value). A model that is new since the page last ran decides
    (a retrain just done, a run just trained on Train: the retrain first); else the one picked; the
    user can pick another."""
    available = models()
    seen = st.session_state.get(MODELS_SEEN, {})
    new = [name for name in ("drawings", "session") if name in available and seen.get(name) is not available[name]]
    if new or st.session_state.get(MODEL) not in available:
        st.session_state[MODEL] = (new or ["ready"])[0]
    st.session_state[MODELS_SEEN] = available
    if len(available) > 1 and not _shared.presenting():  # no switch on a projector: the choice made before stands
        st.segmented_control(
            "The model that decides", list(available), key=MODEL, required=True, persist_state="session",
            format_func=lambda name: MODEL_NAMES[name] + (f" ({available[name].settings.task.name})"
                                                          if name == "session" else ""),
            help="The ready model reads all ten digits. 'My drawings': the ready model retrained with the drawings "
                 "you kept (see Your drawings below). 'This session's model': the one trained on the Train page.")
    choice = st.session_state[MODEL]
    return available[choice], choice


def describe(run: Run, choice: str) -> str:
    accuracy = f"{run.last.test_accuracy:.0%} of test digits right"
    if choice == "session":
        return (f"Deciding with **this session's model**, trained on the Train page on **{run.settings.task.name}** "
                f"({run.total_iterations} iterations, {accuracy}).")
    if choice == "drawings":
        return (f"Deciding with **the ready model retrained with {run.data.extras_used.size} of your drawings** "
                f"({_shared.run_name(run)} of this session, listed on Explore; {accuracy}).")
    why = _shared.no_session_model()
    return (f"Deciding with the **ready model** for all ten digits ({accuracy})"
            + (f": {why}" if why else "."))


def answer(decision: Decision, run: Run) -> None:
    """The prediction, large, and the question a two-class model answers, in words."""
    task = run.settings.task
    with st.container(key="answer"):  # styled large by the app's style sheet (pages/_shared.py)
        st.markdown(decision.name)  # not a heading: the page's headings stay in order for a screen reader
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
        st.markdown(f"The model reads {article(decision.name)} **{decision.name}**, with probability "
                    f"{decision.confidence:.0%}.")


def named_digit(task: Task, predicted: int) -> int | None:
    """The digit an answer names, if it names one ("5"; not "3 or 8", nor "not 2")."""
    digits = dict(task.sides)[task.class_names[predicted]]
    return digits[0] if len(digits) == 1 else None


def keep(features: np.ndarray, digit: int, task: Task, predicted: int) -> None:
    """Keep the drawing as an example of `digit` (a button's callback), wipe the pad for the next one,
    and say what was kept; then redraw the pad and the gallery only."""
    drawings = _shared.drawings()
    try:
        drawings.add(features, digit)
    except ValueError as error:  # the session holds as many drawings as it keeps
        st.session_state[KEPT] = ("error", f"Not kept: {error}")
        st.rerun(PANEL)
    known, label = task.labels([digit])
    if not known[0]:
        verdict = f"this model tells {task.name} only"
    elif label[0] == predicted:
        verdict = "read right"
    else:
        verdict = f"the model read **{task.class_names[predicted]}**"
    count, n = int(drawings.counts()[digit]), len(drawings)
    of_digit = f"{count} of them {digit}s" if count > 1 else f"one of them {article(digit)} {digit}"
    kept = "your first drawing" if n == 1 else f"{n} drawings now, {of_digit}"
    st.session_state[KEPT] = ("success", f"Kept your **{digit}** ({verdict}): {kept}. See **Your drawings** below; "
                                         "draw the next one.")
    clear()
    st.rerun([PANEL, my_drawings.FRAGMENT])


def correction(features: np.ndarray, decision: Decision, run: Run) -> None:
    """"Right" / "No, it is a …": the drawing is kept with the digit it shows. A two-class answer
    that names no single digit ("not 2") asks for the digit instead."""
    task = run.settings.task
    said = named_digit(task, decision.predicted)
    with st.container(key="correct"):
        if said is not None:
            row = st.container(horizontal=True, vertical_alignment="center", gap="small")
            row.markdown("**Is that right?**", width="content")
            row.button(f"Right, it is {article(said)} {said}", key="correct_right", type="primary",
                       icon=":material/check:", on_click=keep, args=(features, said, task, decision.predicted),
                       help="Keep this drawing as an example of your handwriting, and draw the next one.")
            prompt = "No, it is a …"
        else:
            prompt = "Which digit is it? Keep the drawing with its digit:"
        st.markdown(f"**{prompt}**")
        digits = st.container(horizontal=True, gap="xxsmall", key="correct_digits")  # made compact by the style sheet
        for digit in range(10):
            digits.button(str(digit), key=f"correct_{digit}", on_click=keep,
                          args=(features, digit, task, decision.predicted), disabled=digit == said,
                          help=f"It is {article(digit)} {digit}: keep this drawing as one.")
        st.caption("Each drawing you keep becomes an example of your handwriting, kept by its digit: see "
                   "**Your drawings** below.")


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


def pick_test_digit() -> None:
    """A test digit picked: it is what the model reads now (the pad is wiped)."""
    clear()


def test_digit_picker(drawn: bool) -> int | None:
    """A select box of the ten digits of the test set, the keyboard's way to give the model a digit;
    returns the digit picked, or None. A new drawing takes over from a picked digit."""
    if drawn:
        st.session_state[TEST_DIGIT] = None
    return st.selectbox("Or classify a digit of the test set", list(range(10)), index=None, key=TEST_DIGIT,
                        on_change=pick_test_digit, placeholder="Pick one of ten test digits",
                        format_func=lambda digit: f"a test {digit}",
                        help="One of the digits the models were tested on (never trained on), read exactly as a "
                             "drawing is: type its number, or pick it with the arrow keys and Enter.")


def answer_line(slot, decision: Decision, truth: int | None) -> None:
    """The answer in one line above the pad, for a narrow screen (a phone), where the full answer is
    below the pad, out of sight while drawing (the style sheet hides it on a wide screen)."""
    known = "" if truth is None else f" (it is a test {truth})"
    slot.markdown(f"Answer: **{decision.name}**, probability {decision.confidence:.0%}{known}")


def test_digit_verdict(digit: int, decision: Decision, task: Task) -> None:
    """What a test digit really is, and whether the model read it right (in place of the corrections:
    a test digit is not kept as one of the user's drawings)."""
    known, label = task.labels([digit])
    if not known[0]:
        verdict = f"this model tells {task.name} only"
    elif label[0] == decision.predicted:
        verdict = "the model reads it right"
    else:
        verdict = f"the model reads it wrong: the answer should be **{task.class_names[label[0]]}**"
    st.markdown(f"This is {article(digit)} **{digit}** of the digits' test set: {verdict}.")


@st.fragment(key=PANEL)
def draw_panel(run: Run) -> None:
    """Canvas and prediction: a fragment, so a stroke reruns only this part of the page."""
    line = st.container(key="answer_line")  # the answer above the pad on a narrow screen
    left, right = st.columns([2, 3], gap="large")
    with left:
        size = 360 if _shared.presenting() else CANVAS_SIZE
        image = drawing_pad("canvas", size=size, pen=round(st.session_state.get("draw_pen", 22) * size / CANVAS_SIZE),
                            clears=st.session_state.get(CLEARS, 0))
        st.caption("Draw with the mouse, a pen or a finger, as large or small as you like; or with the keyboard: "
                   "on the pad, the arrow keys move the pen and Space puts it down and lifts it.")
        st.button("Clear", key="clear", icon=":material/ink_eraser:", on_click=clear,
                  help="Wipe the canvas and draw again.")
        features = None if image is None else canvas_to_digit(image)
        test_digit = test_digit_picker(drawn=features is not None)
        if not _shared.presenting():
            st.slider("Pen width", 8, 40, 22, key="draw_pen", persist_state="session",
                      help="Any width works: the drawing is scaled and its strokes evened out like the training "
                           "digits.")
    if features is None and test_digit is not None:
        data = _shared.ready_run().data  # the digits' test set, stood upright as drawings are
        features = data.X_test[data.test_example(test_digit)] * PIXEL_MAX
    with right, st.container(key="prediction"):
        if features is None:
            kind, text = st.session_state.get(KEPT, (None, None))
            if kind == "success":
                st.success(text, icon=":material/check_circle:")
            elif kind == "error":
                st.error(text, icon=":material/block:")
            st.info("Draw a digit on the canvas, as large as you like, or pick a test digit: the neuron's answer "
                    "appears here.", icon=":material/draw:")
            return
        kind, text = st.session_state.pop(KEPT, (None, None))  # a new drawing: what was kept before is old news
        if kind == "error":  # ... but this one could not be kept: say why, once
            st.error(text, icon=":material/block:")
        x = features / PIXEL_MAX
        decision = decide(run.model, x, run.settings.task.class_names)
        answer_line(line, decision, test_digit)
        answer(decision, run)
        if test_digit is not None:
            test_digit_verdict(test_digit, decision, run.settings.task)
        elif not _shared.presenting():  # (a lecture shows the decision; corrections are for the full page)
            correction(features, decision, run)
        bars, seen = st.columns([3, 2])
        with bars:
            st.caption("Probability of each class")
            _shared.show(figures.probability_bars(decision.probabilities, decision.class_names, height=220),
                         "probabilities")
        with seen:
            st.caption("What the model sees: " + ("your drawing" if test_digit is None else "the test digit")
                       + " as 8×8 pixels")
            _shared.show(figures.digit_image(x, height=220), "input")
        explain(decision, run)


def page() -> None:
    """Lay the page out (the script pages/draw.py calls this on every run)."""
    st.header("Draw a digit", anchor=False)  # no hidden link to the heading in the Tab order
    model_run, choice = choose_model()
    st.caption(describe(model_run, choice))
    draw_panel(model_run)
    my_drawings.section()
