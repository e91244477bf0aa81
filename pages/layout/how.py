"""How it works: the neuron as a computation graph, forward and backward, with one example's numbers."""

from __future__ import annotations

import re

import numpy as np
import streamlit as st

from lrviz import backprop, figures, lesson_figures
from lrviz.lesson_figures import format_number as num
from lrviz.optimizers import ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, NEWTON_DAMPING, Solver
from lrviz.runs import Run
from lrviz.settings import SOLVER_LEARNING_RATES, SOLVER_NAMES
from pages import _shared

EXAMPLE = "example"  # the test example shown; in the URL (?example=12) so a lecture can link to it
LINK_READ = "example_in_link"  # session key: the example the address last said
NEURON = "neuron"  # ten classes: whose neuron's gradient the maps show
NEURON_FOR = "how_neuron_for"  # the (task, model, true class) the neuron choice was last reset for
SIGMOID_Z = "sigmoid_z"
SOLVER = "how_solver"  # widget key: whose update rule is shown
SOLVER_FOR = "how_solver_for"  # the model the solver choice was last reset for (to its own solver)
STEP_CACHE = "how_step"  # session key: (what it was computed for, the backprop.SolverStep)
_FROM_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sub(name: str) -> str:
    """A class name as a subscript: "7" -> "₇"."""
    return str(name).translate(_SUBSCRIPT)


def random_example(n: int) -> None:
    """Pick another test example at random."""
    current = st.session_state.get(EXAMPLE, 0)
    choice = int(np.random.default_rng().integers(n - 1)) if n > 1 else 0
    st.session_state[EXAMPLE] = choice + 1 if choice >= current and n > 1 else choice


def model_summary(run, own: bool) -> None:
    last, task = run.last, run.settings.task
    trained = f"{run.total_iterations} iterations, test accuracy {last.test_accuracy:.1%}"
    if run.origin:  # e.g. a model loaded from a file
        trained += f", {run.origin}"
    with st.container(key="model"):
        if own:
            st.markdown(f"The numbers below are those of **this session's model**: {task.name} ({trained}).")
        else:
            why = _shared.no_session_model()
            st.markdown(f"The numbers below are those of the **ready model** ({task.name}, {trained})"
                        + (f": {why}" if why else "."))


def pick_example(run) -> int:
    """The example widgets; returns the index of the test example to show."""
    n = len(run.data.y_test)
    linked = st.query_params.get(EXAMPLE)
    valid = linked is not None and linked.isascii() and linked.isdigit() and int(linked) < n
    if linked is not None and not valid:
        st.warning(f"The link's example is not the number of a test digit (0 to {n - 1}), so test digit 0 is "
                   "shown.", icon=":material/link_off:")
    if valid and st.session_state.get(LINK_READ) != linked:  # a link picks its digit once (then the widget)
        st.session_state[EXAMPLE] = int(linked)
    value = st.session_state.get(EXAMPLE)
    if isinstance(value, (int, np.integer)) and not 0 <= value < n:  # from a model with more test digits
        st.session_state[EXAMPLE] = int(min(max(value, 0), n - 1))
    index = st.number_input("Test example", min_value=0, max_value=n - 1, step=1, key=EXAMPLE,
                            persist_state="session", help=f"Which of the model's {n} test digits (0 to {n - 1}) "
                                                          "to run through the neuron.")
    # the address links to this digit; set here, not by binding the widget to the address, which on a
    # second visit of the page replaced the whole query string (presentation mode's part with it)
    st.query_params[EXAMPLE] = st.session_state[LINK_READ] = str(index)
    st.button("Random example", key="random", icon=":material/casino:", on_click=random_example, args=(n,),
              width="stretch")
    return int(index)


def forward(example: backprop.ExamplePass, names, digit: int) -> None:
    with st.container(key="forward"):
        st.subheader("Forward pass")
        if example.binary:
            st.latex(r"z = \mathbf{w}\cdot\mathbf{x} + b = \sum_{i=1}^{64} w_i x_i + b")
            st.latex(r"a = \sigma(z) = \frac{1}{1 + e^{-z}}")
            st.latex(r"L(a, y) = -\big(y \log a + (1 - y)\log(1 - a)\big)")
            y = example.y_index
            st.markdown(
                f"For this digit: w·x = {num(example.wx[0])} and b = {num(example.b[0])}, so "
                f"**z = {num(example.z[0])}**. Then **a = {num(example.a[0])}**: the neuron's probability that "
                f"this is a “{names[1]}”. The digit is a {digit}, so **y = {y}** and the loss is "
                f"**L = {num(example.loss)}**."
            )
        else:
            k = example.y_index
            s = sub(names[k])
            st.latex(r"z_k = \mathbf{w}_k\cdot\mathbf{x} + b_k \qquad (k = 0, \dots, 9)")
            st.latex(r"a_k = \mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_{j} e^{z_j}}")
            st.latex(r"L = -\log a_y")
            others = [j for j in range(len(names)) if j != k]
            rival = max(others, key=lambda j: example.z[j])
            st.markdown(
                f"For this digit (a {digit}, so **y = {names[k]}**): w{s}·x = {num(example.wx[k])} and "
                f"b{s} = {num(example.b[k])}, so **z{s} = {num(example.z[k])}**; the largest other logit is "
                f"z{sub(names[rival])} = {num(example.z[rival])}. Softmax turns the ten logits into probabilities: "
                f"**a{s} = {num(example.a[k])}**, so **L = {num(example.loss)}**."
            )


def backward(example: backprop.ExamplePass, names) -> None:
    with st.container(key="backward"):
        st.subheader("Backward pass: the chain rule")
        if example.binary:
            st.latex(r"\frac{\partial L}{\partial a} = -\frac{y}{a} + \frac{1 - y}{1 - a}, \qquad "
                     r"\frac{\partial a}{\partial z} = a(1 - a)")
            st.latex(r"dz = \frac{\partial L}{\partial z} = \frac{\partial L}{\partial a}\,"
                     r"\frac{\partial a}{\partial z} = a - y")
            st.latex(r"d\mathbf{w} = \frac{\partial L}{\partial \mathbf{w}} = \mathbf{x}\,dz, \qquad db = dz")
            st.markdown(
                f"For this digit: **∂L/∂a = {num(example.dL_da[0])}** and "
                f"**∂a/∂z = {num(example.da_dz[0, 0])}**, "
                f"so **dz = {num(example.dz[0])}** (a - y = {num(example.a[0])} - {example.y_index}). "
                f"**db = {num(example.db[0])}**, and dw = x·dz is the first map below."
            )
        else:
            k = example.y_index
            s = sub(names[k])
            st.latex(r"\frac{\partial L}{\partial a_y} = -\frac{1}{a_y}, \qquad "
                     r"\frac{\partial a_j}{\partial z_k} = a_j\big([j = k] - a_k\big)")
            st.latex(r"dz_k = \sum_j \frac{\partial L}{\partial a_j}\,\frac{\partial a_j}{\partial z_k} "
                     r"= a_k - [k = y]")
            st.latex(r"d\mathbf{w}_k = \mathbf{x}\,dz_k, \qquad db_k = dz_k")
            others = [j for j in range(len(names)) if j != k]
            rival = max(others, key=lambda j: example.dz[j])
            st.markdown(
                f"For this digit: **∂L/∂a{s} = {num(example.dL_da[k])}** and "
                f"**∂a{s}/∂z{s} = {num(example.da_dz[k, k])}**, so **dz{s} = {num(example.dz[k])}** "
                f"(a{s} - 1): the true digit's logit should go up. Every other neuron gets dzₖ = aₖ ≥ 0 and "
                f"should go down; the largest is dz{sub(names[rival])} = {num(example.dz[rival])}. "
                f"db = dz, and dw{s} = x·dz{s} is the first map below."
            )
        if example.saturated:
            st.info(_saturation_note(example), icon=":material/info:")


def _saturation_note(example: backprop.ExamplePass) -> str:
    if example.binary:
        exact = "0" if example.a[0] == 0 else "1"
        return (f"Here a = σ(z) is exactly {exact} in floating point (z = {num(example.z[0])}). From that rounded "
                "a, a(1 - a) would be 0 and -y/a + (1 - y)/(1 - a) could divide by zero, so the numbers above are "
                r"computed from z: $\partial L/\partial a = -(1 + e^{-z})$ for y = 1 and $1 + e^{z}$ for y = 0, "
                r"$\partial a/\partial z = \sigma(z)\,\sigma(-z)$ (∞ where even that overflows), and "
                r"$L = \log(1 + e^{z}) - yz$. Training never needs ∂L/∂a: it computes dz = a - y directly.")
    return ("Here some probabilities are exactly 0 or 1 in floating point. The numbers above are computed from "
            r"the logits, $L = \log\sum_j e^{z_j} - z_y$ and $\partial L/\partial a_y = -e^{L}$ (∞ where that "
            "overflows); training computes dz = a - y directly and never divides by a.")


def batch(run, example: backprop.ExamplePass, names) -> int:
    """The batch gradient; returns the neuron whose maps it shows."""
    model, data = run.model, run.data
    dW, db = backprop.batch_gradient(model, data.X_train, backprop.class_indices(model, data.y_train))
    m = len(data.y_train)
    with st.container(key="batch"):
        st.subheader("From one example to the training set")
        if example.binary:
            st.latex(r"d\mathbf{w} = \frac{1}{m}\sum_{i=1}^{m} \mathbf{x}^{(i)}\big(a^{(i)} - y^{(i)}\big) "
                     r"+ \lambda\mathbf{w} = \frac{1}{m} X^{\top}(\mathbf{a} - \mathbf{y}) + \lambda\mathbf{w}, "
                     r"\qquad db = \frac{1}{m}\sum_{i=1}^{m}\big(a^{(i)} - y^{(i)}\big)")
            k, label = 0, ""
        else:
            st.latex(r"dW = \frac{1}{m}(A - Y)^{\top} X + \lambda W, \qquad db_k = \frac{1}{m}\sum_{i=1}^{m}"
                     r"\big(a^{(i)}_k - [y^{(i)} = k]\big)")
            if (st.session_state.get(NEURON_FOR) != (run.settings.task.code, id(model), example.y_index)
                    or st.session_state.get(NEURON) is None):
                st.session_state[NEURON] = names[example.y_index]
                st.session_state[NEURON_FOR] = (run.settings.task.code, id(model), example.y_index)
            choice = st.segmented_control("Neuron", list(names), key=NEURON, required=True, persist_state="session",
                                          help="The ten neurons each have 64 weights; show the gradient of this "
                                               "one (at first: the neuron of the example's own digit).")
            k = list(names).index(choice) if choice in names else example.y_index
            label = sub(names[k])
        st.latex(r"\mathbf{w} \leftarrow \mathbf{w} - \alpha\, d\mathbf{w}, \qquad b \leftarrow b - \alpha\, db")
        example_max, batch_max = float(np.max(np.abs(example.dw[k]))), float(np.max(np.abs(dW[k])))
        st.markdown(
            f"Averaged over the **m = {m}** training examples (L2 λ = {num(model.l2)}): **db{label} = {num(db[k])}**, "
            f"the largest |dw{label}| is **{num(batch_max)}** (this digit's own: {num(example_max)}). This is the "
            "gradient every update of the Train page starts from; below, how the solver turns it into a step. "
            "The examples pull the weights different ways; the nearer the model is to the minimum of the cost, "
            "the more their pulls cancel and the smaller this average."
        )
        left, right = st.columns(2, gap="large")
        with left:
            st.markdown(f"**This digit's dw{label} = x·dz{label}**")
            _shared.show(figures.signed_map(example.dw[k], name=f"dw{label}"), "example_gradient",
                         toolbar=False)
            st.caption("Zero wherever the pixel has no ink: a blank pixel did not cause this error.")
        with right:
            st.markdown(f"**The training set's average dw{label}**")
            _shared.show(figures.signed_map(dW[k], name=f"dw{label}"), "batch_gradient", toolbar=False)
            st.caption("Gradient descent subtracts it: the weights of blue pixels go down, of red ones up.")
    return k


def tex(value: float, brackets: bool = False) -> str:
    """A number for LaTeX, as `format_number` writes it (×10ⁿ as \\times 10^{n}); negative ones in brackets
    when `brackets` (a factor of a product)."""
    text = re.sub("×10([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)", lambda power: rf" \times 10^{{{power[1].translate(_FROM_SUPERSCRIPT)}}}",
                  num(value)).replace("∞", r"\infty")
    return f"({text})" if brackets and text.startswith("-") else text


def solver_step(run: Run, solver: Solver) -> backprop.SolverStep:
    """The next update of the run's model by `solver` (cached for the session: it changes only when the model
    does). The model's own solver continues from its state and learning rate; another takes its first step
    with the learning rate that suits it (`SOLVER_LEARNING_RATES`)."""
    model = run.model
    key = (id(model), model.n_iter_, float(model.train_seconds_), str(solver))
    cached = st.session_state.get(STEP_CACHE)
    if cached is not None and cached[0] == key:
        return cached[1]
    own = solver == model.solver
    y = backprop.class_indices(model, run.data.y_train)
    step = backprop.solver_step(model, run.data.X_train, y, rows=run.next_batch, solver=solver,
                                learning_rate=None if own else SOLVER_LEARNING_RATES.get(solver))
    st.session_state[STEP_CACHE] = (key, step)
    return step


def update_rule(run: Run, names, k: int) -> None:
    """The update rule of a solver, with the numbers of one step of the model's weights."""
    with st.container(key="update_rule"):
        st.subheader("One update: how the solver turns the gradient into a step")
        own = Solver(run.settings.solver)
        # a new model: its own solver first (also when the picker's state is gone: it stays for a page change)
        if st.session_state.get(SOLVER_FOR) != id(run.model) or st.session_state.get(SOLVER) is None:
            st.session_state[SOLVER] = own
            st.session_state[SOLVER_FOR] = id(run.model)
        solver = Solver(st.segmented_control(
            "Solver", list(Solver), key=SOLVER, required=True, persist_state="session",
            format_func=lambda v: SOLVER_NAMES[Solver(v)],
            help="At first the solver this model was trained by; another shows what its first update from these "
                 "weights would be."))
        step = solver_step(run, solver)
        m = len(run.data.y_train)
        label = sub(names[k]) if len(names) > 2 else ""
        i = int(np.argmax(np.abs(step.coef_change[k]))) if step.coef_change[k].any() else int(
            np.argmax(np.abs(step.dW[k])))
        row, column = divmod(i, 8)
        w, g, dw = run.model.coef_[k, i], step.dW[k, i], step.coef_change[k, i]
        used = (f"a mini-batch of {len(step.rows)} of the {m} training digits" if step.rows is not None
                else f"all {m} training digits")
        whose = ("this model's solver, at its update " if solver == own
                 else f"not this model's solver (it was trained by {SOLVER_NAMES[own]}): its first update from these "
                      "weights, at update ")
        st.markdown(f"**{SOLVER_NAMES[solver]}** is {whose}k = {step.updates}, on {used}. The numbers are those of "
                    f"the weight that moves the most, **w{label}** at row {row}, column {column}: "
                    f"w = {num(w)}, dw = {num(g)}.")
        _rule(step, (k, i))
        on = "this mini-batch" if step.rows is not None else "the training set"
        st.markdown(f"So **Δw = {num(dw)}**, and the cost on {on} goes from **{num(step.cost_before)}** to "
                    f"**{num(step.cost_after)}**.")
        left, right = st.columns(2, gap="large")
        with left:
            st.markdown(f"**The step of every weight, Δw{label}**")
            _shared.show(figures.signed_map(step.coef_change[k], name=f"Δw{label}"), "update_change", toolbar=False,
                         description=f"The change of each weight by one update of {SOLVER_NAMES[solver]}: at most "
                                     f"{num(np.abs(step.coef_change[k]).max())}.")
        with right:
            st.caption(_rule_note(solver))


def _rule(step: backprop.SolverStep, i: tuple[int, int]) -> None:
    """The solver's rule in LaTeX, then with the numbers of one weight, coef_[i]."""
    g, dw = step.dW[i], step.coef_change[i]
    if step.solver == Solver.GD:
        st.latex(r"w \leftarrow w - \alpha_k\, dw, \qquad \alpha_k = \frac{\alpha}{1 + \text{decay}\cdot k}")
        st.latex(rf"\Delta w = -{tex(step.step_size)} \times {tex(g, True)} = {tex(dw)}")
    elif step.solver == Solver.MOMENTUM:
        (v, _), (v_new, _) = step.moments_before["velocity"], step.moments_after["velocity"]
        st.latex(r"v \leftarrow \mu\, v - \alpha_k\, dw, \qquad w \leftarrow w + v")
        st.latex(rf"v = {tex(step.momentum)} \times {tex(v[i], True)} - {tex(step.step_size)} \times {tex(g, True)} "
                 rf"= {tex(v_new[i])}, \qquad \Delta w = v = {tex(dw)}")
    elif step.solver == Solver.ADAM:
        (m, _), (m_new, _) = step.moments_before["first_moment"], step.moments_after["first_moment"]
        (s, _), (s_new, _) = step.moments_before["second_moment"], step.moments_after["second_moment"]
        c1, c2 = step.bias_correction
        st.latex(r"m \leftarrow \beta_1 m + (1 - \beta_1)\, dw, \qquad s \leftarrow \beta_2 s + (1 - \beta_2)\, dw^2")
        st.latex(r"\hat m = \frac{m}{1 - \beta_1^{k+1}}, \qquad \hat s = \frac{s}{1 - \beta_2^{k+1}}, \qquad "
                 r"w \leftarrow w - \alpha_k \frac{\hat m}{\sqrt{\hat s} + \varepsilon}")
        st.latex(rf"m = {tex(ADAM_BETA1)} \times {tex(m[i], True)} + {tex(1 - ADAM_BETA1)} \times {tex(g, True)} "
                 rf"= {tex(m_new[i])}")
        st.latex(rf"s = {tex(ADAM_BETA2)} \times {tex(s[i], True)} + {tex(1 - ADAM_BETA2)} \times {tex(g, True)}^2 "
                 rf"= {tex(s_new[i])}")
        st.latex(rf"\hat m = \frac{{{tex(m_new[i])}}}{{{tex(c1)}}} = {tex(m_new[i] / c1)}, \qquad "
                 rf"\hat s = \frac{{{tex(s_new[i])}}}{{{tex(c2)}}} = {tex(s_new[i] / c2)}")
        st.latex(rf"\Delta w = -{tex(step.step_size)} \times \frac{{{tex(m_new[i] / c1)}}}"
                 rf"{{\sqrt{{{tex(s_new[i] / c2)}}} + {tex(ADAM_EPSILON)}}} = {tex(dw)}")
    else:
        d_W, _ = step.direction
        t = step.step_length
        st.latex(r"H = \nabla^2 J, \qquad d = (H + \delta I)^{-1}\, dw, \qquad w \leftarrow w - t\, d")
        size = step.hessian_size
        st.latex(rf"H: {size} \times {size}, \quad H_{{ii}} = {tex(step.hessian_diagonal[i])}, \quad "
                 rf"\delta = {tex(NEWTON_DAMPING)}\,\lVert dw \rVert = {tex(step.damping)}, \quad "
                 rf"d_i = {tex(d_W[i])}, \quad t = {tex(t)}")
        st.latex(rf"\Delta w = -{tex(t)} \times {tex(d_W[i], True)} = {tex(dw)}")


def _rule_note(solver: Solver) -> str:
    """What the rule does, in words."""
    return {
        Solver.GD: "Gradient descent takes the gradient as it is: every weight moves in proportion to its own dw, "
                   "so weights with small gradients hardly move.",
        Solver.MOMENTUM: "Momentum keeps a share μ of its last step: where the gradient keeps its direction the "
                         "steps build up speed; where it flips, they cancel out.",
        Solver.ADAM: "Adam divides each weight's running mean gradient by the root of its running mean square: "
                     "every weight moves by about α, however small its gradient (in the first steps exactly α).",
        Solver.NEWTON: "Newton's method uses the curvature H (of every weight and bias together): it steps far "
                       "where the cost is flat and little where it is steep, to the minimum of the cost's quadratic "
                       "model. δ keeps the step short far from the minimum; t is halved until the cost falls enough.",
    }[solver]


@st.fragment
def sigmoid_panel(example_z: float, label: str) -> None:
    """The sigmoid with a movable z: a fragment, so the slider redraws only this chart."""
    z = st.slider("Move z", -lesson_figures.Z_LIMIT, lesson_figures.Z_LIMIT, 0.0, step=0.1, key=SIGMOID_Z)
    _shared.show(lesson_figures.sigmoid_plot(float(z), example_z=example_z, example_label=label), "sigmoid",
                 toolbar=False)


def play(example: backprop.ExamplePass, names) -> None:
    st.subheader("The sigmoid and the log loss")
    left, right = st.columns(2, gap="large")
    with left:
        if example.binary:
            sigmoid_panel(float(example.z[0]), "this digit")
            st.caption("σ squashes any z into (0, 1); a > 0.5 exactly when z > 0. Its slope ∂a/∂z = a(1 - a) "
                       "(dashed) is at most 1/4, at z = 0, and nearly 0 far out, where the neuron is sure.")
        else:
            sigmoid_panel(example.margin, "this digit's margin")
            st.caption(r"With ten classes the probability of the true class is a sigmoid too, "
                       r"$a_y = \sigma\big(z_y - \log\sum_{k \ne y} e^{z_k}\big)$: the marked point is this "
                       f"digit's a{sub(names[example.y_index])}. The slope (dashed) is at most 1/4, at z = 0.")
    with right:
        a = example.a[0] if example.binary else example.a[example.y_index]
        _shared.show(lesson_figures.log_loss_plot(float(a), example.loss, example.y_index, binary=example.binary,
                                                  example_label="this digit"), "logloss", toolbar=False)
        st.caption("The loss is small when a is close to the truth and grows without bound as a moves to the "
                   "wrong side: a confident mistake costs the most, and gives the largest gradient.")


# -- the page ----------------------------------------------------------------------------------------

def page() -> None:
    """Lay the page out (the script pages/how.py calls this on every run)."""
    st.header("How it works")
    st.caption("Logistic regression is a neural network of one neuron. Follow one test digit through it: the forward "
               "pass computes the neuron's answer and its loss, the backward pass (the chain rule) turns the error "
               "into the gradient that training follows.")
    run, own = _shared.active_run()
    model_summary(run, own)
    names = run.settings.task.class_names

    picker, graph = st.columns([1, 3], gap="large")
    with picker:
        index = pick_example(run)
        label = run.data.y_test[index]
        digit = int(run.data.digits_test[index])
        example = backprop.example_pass(run.model, run.data.X_test[index], backprop.class_index(run.model, label))
        _shared.show(figures.digit_image(run.data.X_test[index], height=200), "digit", toolbar=False)
        with st.container(key="verdict"):
            said = names[example.predicted]
            st.markdown(f"A handwritten **{digit}** (class “{names[example.y_index]}”). The model says "
                        f"**“{said}”**, with probability {num(example.probabilities[example.predicted])}"
                        + (", right." if said == names[example.y_index] else ": wrong."))
    with graph:
        st.subheader("The neuron as a computation graph")
        _shared.show(lesson_figures.computation_graph(example, names), "graph", toolbar=False)

    left, right = st.columns(2, gap="large")
    with left:
        forward(example, names, digit)
    with right:
        backward(example, names)
    k = batch(run, example, names)
    update_rule(run, names, k)
    play(example, names)
