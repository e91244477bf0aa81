"""The server's memory of each browser's runs, which survives a reload of the page."""

from pages._memory import RunStore


def test_keeps_the_latest_browsers_only():
    store = RunStore(capacity=2)
    store.put("a", {"run": 1})
    store.put("b", {"run": 2})
    assert store.get("a") == {"run": 1}  # a is now the most recently seen
    store.put("c", {"run": 3})
    assert store.get("b") is None and store.get("a") == {"run": 1} and store.get("c") == {"run": 3}
    store.put("a", {"run": 4})
    assert store.get("a") == {"run": 4}


def test_the_bytes_kept_count_runs_drawings_and_the_splits_drawings_make_once():
    import numpy as np

    from lrviz.data import load_task
    from lrviz.drawings import Drawings
    from lrviz.runs import Run, Settings
    from pages._memory import nbytes_of

    settings = Settings(iterations=5)
    plain = Run(settings)
    list(plain.advance())
    drawings = Drawings(np.full((3, 64), 8.0), [0, 1, 7])
    split = load_task(settings.task, extra=drawings.extra())
    with_drawings = [Run(settings, data=split), Run(settings, data=split)]
    for run in with_drawings:
        list(run.advance())
    fair = np.zeros(3, int)
    values = {"run": plain, "runs": [plain, *with_drawings], "drawings": drawings, "fair": fair, "count": 3}
    expected = plain.nbytes + sum(run.nbytes for run in with_drawings) + split.nbytes + drawings.nbytes + fair.nbytes
    assert nbytes_of(values) == expected  # the plain run's shared split is not its own; the drawings' split once
    assert split.nbytes > 10 * drawings.nbytes  # why it counts: a split with drawings is a copy of the digits
    store = RunStore(max_bytes=expected + 100)
    store.put("a", values)
    store.put("b", {"drawings": Drawings(np.ones((2, 64)), [1, 2])})
    assert store.get("a") is None and store.nbytes == 2 * 129  # over the bound: the older browser goes
