"""Shared test helpers: running the app in AppTest and reading its Plotly charts."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


@pytest.fixture
def app() -> AppTest:
    """The whole app (navigation, sidebar, default page) in AppTest, not yet run."""
    return AppTest.from_file(APP, default_timeout=60)


def charts(at: AppTest) -> dict[str, dict]:
    """The page's Plotly charts as {user key: figure spec}."""
    found = {}
    for element in at.get("plotly_chart"):
        element_id = element.proto.id
        key = element_id.split("-", 2)[2] if element_id.startswith("$$ID-") else element_id
        found[key] = json.loads(element.proto.spec)
    return found


def chart(at: AppTest, prefix: str) -> dict:
    """The one chart whose key starts with `prefix`."""
    matches = [spec for key, spec in charts(at).items() if key.startswith(prefix)]
    assert len(matches) == 1, f"expected one chart keyed {prefix}*, found {sorted(charts(at))}"
    return matches[0]


def texts(at: AppTest) -> str:
    """All markdown, captions, alerts and metric labels of the page, as one string."""
    parts = [e.value for kind in ("markdown", "caption", "error", "info", "success", "warning") for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def array(value) -> np.ndarray:
    """A data array of a figure spec: plain lists, or Plotly 7's packed {dtype, bdata, shape}."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = [int(n) for n in shape.split(",")]
        return flat.reshape(shape) if shape else flat
    return np.asarray(value, dtype=float)
