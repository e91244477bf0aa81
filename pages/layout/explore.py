"""Explore: compare the session's runs, and replay how one of them learned."""

from __future__ import annotations

import streamlit as st

from lrviz import figures
from pages import _shared


def remove(runs: list) -> None:
    history = _shared.history()
    for run in runs:
        if run in history:
            history.remove(run)


def _formatted(row: dict) -> dict:
    """A table row with accuracies in percent and costs to four decimals."""
    def show(name, value):
        if value is None or name not in ("train accuracy", "test accuracy", "train cost", "test cost"):
            return value
        return f"{value:.1%}" if "accuracy" in name else _cost(value)

    return {name: show(name, value) for name, value in row.items()}


def _cost(value: float) -> str:
    """A cost to four decimals, or in powers of ten once it has blown up."""
    return f"{value:.4f}" if abs(value) < 1e4 else f"{value:.3g}"


def compare(runs: list) -> None:
    st.subheader("Compare runs")
    names = {f"{_shared.run_name(run)}: {run.label}": run for run in runs}
    default = list(names)[-3:]
    chosen = st.multiselect("Runs to compare", list(names), default=default, key="compare_runs",
                            help="Every run of this session, named by its settings.")
    picked = [names[name] for name in chosen]
    a, b, c = st.columns([2, 2, 3], vertical_alignment="center")
    a.button("Remove picked", key="remove_runs", icon=":material/delete:", on_click=remove,
             args=(picked,), disabled=not picked)
    b.button("Clear all runs", key="clear_runs", icon=":material/delete_sweep:", on_click=remove, args=(list(runs),))
    log_y = c.toggle("Log scale", key="compare_log", help="A log scale shows the slow end of training.")
    if not picked:
        st.info("Pick one or more runs to see their learning curves side by side.")
        return
    costs = [cost for run in picked for cost in run.curve.train_cost]
    if not log_y and costs and max(costs) > 100 * min(costs):
        st.caption("The costs differ by more than a factor of 100: switch on **Log scale** to see every curve.")
    with st.container(key="compare_curves"):
        _shared.show(figures.compare_curves([(_shared.run_name(r), r.curve, _shared.run_color(r)) for r in picked],
                                           log_y=log_y),
                     "compare_chart")
    rows = [_formatted({"name": _shared.run_name(run)} | run.summary()) for run in picked]
    st.container(key="compare_table").table(rows, hide_index=True)


def replay(runs: list) -> None:
    st.subheader("Replay a run")
    names = {f"{_shared.run_name(run)}: {run.label}": run for run in runs}
    name = st.selectbox("Run", list(names), index=len(names) - 1, key="replay_run")
    run = names[name]
    points = run.replay_points()
    if len(points) < 2:
        st.info("This run has no training to replay yet.")
        return
    iteration = st.select_slider("Iteration (log-spaced: the first iterations change the most)", points,
                                 value=points[-1], key="replay_iteration")
    upto = run.curve.upto(iteration)
    coef, _ = run.weights_at(iteration)
    # one colour scale for the whole replay; a run that blew up gets its own at each iteration
    diverged = run.status == "diverged"
    limit = None if diverged else figures.weight_limit([run.weights_at(i)[0] for i in points])
    curve, weights = st.columns([1, 1] if run.settings.task.all_ten else [3, 2])
    with curve, st.container(key="replay_curve"):
        _shared.show(figures.learning_curve(upto, max_iteration=run.iteration, log_x=True), "replay_curve_chart")
        st.caption(f"Iteration {iteration}: train cost {_cost(upto.train_cost[-1])}, test accuracy "
                   f"{upto.test_accuracy[-1]:.1%}.")
    with weights, st.container(key="replay_weights"):
        _shared.show(figures.weight_maps(coef, run.settings.task.class_names, limit=limit), "replay_weights_chart")
        if diverged:
            st.caption("This run diverged and its weights grew without bound, so the colour scale is set anew "
                       "at each iteration.")



def page() -> None:
    """Lay the page out (the script pages/explore.py calls this on every run)."""
    st.header("Explore")
    st.caption(f"This session's last {_shared.MAX_RUNS} runs are kept here (older ones are forgotten first): compare "
               "their learning curves, or replay one to see how the weights took shape. Train runs on the Train page.")
    runs = _shared.history()
    if not runs:
        st.info("No runs yet in this session. Train one on the Train page and it appears here.",
                icon=":material/monitoring:")
    else:
        compare(runs)
        st.divider()
        replay(runs)
