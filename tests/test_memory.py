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
