"""Charts that stay mounted: a small component of lrviz's own that draws Plotly figures in the page.

Streamlit's `st.plotly_chart` sends a whole figure each time, and a chart redrawn under a new
key is a new chart; a live view redrawn twenty times a second cost the server most of its CPU.
This component instead:
- `chart(figure, key)` draws a figure (Plotly's JSON form, `lrviz.figures.Figure`) into a
  `div.js-plotly-plot` in the page's own DOM (no iframe, no shadow root). Drawn again under
  the same key, in a later run of the script, it stays mounted and plotly.js updates it in
  place (`Plotly.react`);
- `feed(frames, container)` sends small changes to charts that are mounted: new points of a
  curve (`Plotly.extendTraces`) and new values of a heatmap (`Plotly.restyle`), each frame with
  the moment to apply it (a fast run sends its frames together, ahead of their moments). Streamlit
  can draw an element only once per key in a script run, so a live view, which runs inside
  one script run, sends its frames as small invisible elements of their own (one per frame,
  or one for the frames of a fast run), added to a hidden container; each element's
  JavaScript finds the mounted charts and applies its patches. They are added, not replaced:
  a browser that is busy renders several updates of one element at once and would skip the
  frames in between, but it mounts every new element.
  A patch names the chart's `base` (the run it shows) and the index its points start at, so
  a patch meant for another base is ignored and one that arrives twice adds nothing twice.
  Patches that arrive together are applied one per animation frame, so each is seen; a browser
  that falls behind merges the waiting ones and catches up.
- A chart takes its height from the page when the page's style sheet says so (the CSS variable
  `--lrviz-chart-height` on a container, e.g. presentation mode's `calc(100vh - ...)`), else
  the figure's own; plotly.js fills that box, and follows it when it changes (a resized window,
  a sidebar that closes, another style sheet).
- `role="img"` and the figure's text alternative (`description`) as its `aria-label`, so a
  screen reader says what the chart shows instead of reading its axes' numbers one by one.

plotly.js itself comes from the `plotly` package (`package_data/plotly.min.js`), served by
Streamlit as a component's file; nothing comes from a CDN.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import plotly
import streamlit as st
from streamlit.components.v1 import declare_component

#: The plotly.js that ships inside the plotly package, served under /component/<name>/.
_plotly_files = declare_component("plotly_js", path=str(Path(plotly.__file__).parent / "package_data"))
#: Relative to the page's address (every page is one level deep: /, /train, /draw, ...).
PLOTLY_URL = f"component/{_plotly_files.name}/plotly.min.js"

_JS = r"""
const lrviz = (window.__lrviz = window.__lrviz || { charts: {}, plotly: null });

function plotly(src) {
  if (!lrviz.plotly) {
    lrviz.plotly = window.Plotly ? Promise.resolve(window.Plotly) : new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => { lrviz.plotly = null; reject(new Error('plotly.js did not load from ' + src)); };
      document.head.appendChild(script);
    });
  }
  return lrviz.plotly;
}

// Plotly's calls on one chart run one after another, never interleaved.
function queue(el, work) {
  el.__queue = (el.__queue || Promise.resolve()).then(work).catch((error) => console.error('lrviz chart', error));
  return el.__queue;
}

function mount(parent, data) {
  let el = parent.querySelector(':scope > .lrviz-chart');
  if (!el) {
    el = document.createElement('div');
    el.className = 'lrviz-chart';
    el.setAttribute('role', 'img');
    parent.appendChild(el);
  }
  el.setAttribute('aria-label', data.description || '');
  // the figure's height is the default of the box's; the page's style sheet may set another
  const layout = Object.assign({}, data.figure.layout, { autosize: true });
  if (layout.height) el.style.setProperty('--lrviz-own-height', layout.height + 'px');
  delete layout.height;
  if (!el.__resizes) {
    let size = '';
    el.__resizes = new ResizeObserver(([entry]) => {
      const now = Math.round(entry.contentRect.width) + 'x' + Math.round(entry.contentRect.height);
      if (now === size) return;
      const first = !size;
      size = now;
      if (!first && el._fullLayout) queue(el, () => window.Plotly.Plots.resize(el));
    });
    el.__resizes.observe(el);
  }
  const ready = queue(el, async () => {
    const Plotly = await plotly(data.src);
    await Plotly.react(el, data.figure.data, layout, data.config);
    el.__base = data.base;
    el.__points = data.figure.data.length && data.figure.data[0].x ? data.figure.data[0].x.length : 0;
  }).then(() => el);
  lrviz.charts[data.name] = ready;
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

// Patches wait in a list per chart; one runner applies them, one animation frame apart, so
// that frames which arrive together are still seen one after another. A browser that falls
// behind (a slow machine drawing ten weight maps) catches up instead: the runner then takes
// every waiting patch at once, adds all their points in one go and shows only the newest
// values of a heatmap.
function enqueue(el, change) {
  (el.__pending = el.__pending || []).push(change);
  if (!el.__running) {
    el.__running = true;
    queue(el, () => run(el)).finally(() => { el.__running = false; });
  }
}

async function run(el) {
  while (el.__pending.length) {
    const waiting = el.__pending.splice(0).filter((change) => change.base === el.__base);
    const burst = waiting.length > 2 ? [merge(waiting)] : waiting;  // behind: catch up
    for (const change of burst) {
      await apply(el, change);
      await nextFrame();
    }
  }
}

function merge(changes) {
  const merged = { base: changes[0].base };
  for (const change of changes) {
    if (change.extend) {
      if (!merged.extend) merged.extend = { start: change.extend.start, x: [], y: change.extend.y.map(() => []) };
      const have = merged.extend.start + merged.extend.x.length;  // points already merged
      const skip = Math.max(0, have - change.extend.start);
      merged.extend.x.push(...change.extend.x.slice(skip));
      change.extend.y.forEach((values, i) => merged.extend.y[i].push(...values.slice(skip)));
    }
    if (change.restyle) merged.restyle = change.restyle;  // only the newest values count
    if (change.text !== undefined) merged.text = change.text;
  }
  return merged;
}

async function apply(el, change) {
  const Plotly = window.Plotly;
  if (change.extend) {
    const { start, x, y } = change.extend;
    const skip = Math.max(0, el.__points - start);  // points the chart already has
    if (x.length > skip) {
      const traces = y.map((_, i) => i);
      await Plotly.extendTraces(el, { x: traces.map(() => x.slice(skip)), y: y.map((v) => v.slice(skip)) }, traces);
      el.__points = start + x.length;
    }
  }
  if (change.restyle) {
    const update = {};
    for (const [name, value] of Object.entries(change.restyle)) update[name] = [value];
    await Plotly.restyle(el, update, [0]);
  }
  if (change.text !== undefined) el.setAttribute('aria-label', change.text);
}

export default function (component) {
  const { data, parentElement } = component;
  if (data.figure) {
    // a figure the server keeps ready as JSON text (see `chart`) comes as a string
    const figure = typeof data.figure === 'string' ? JSON.parse(data.figure) : data.figure;
    mount(parentElement, Object.assign({}, data, { figure }));
  } else if (data.frames) {
    // each frame at its moment: a fast run sends all of its frames at once, to be seen one by one
    for (const { at, patches } of data.frames) {
      const send = () => {
        for (const [name, change] of Object.entries(patches)) {
          const ready = lrviz.charts[name];
          if (ready) ready.then((el) => enqueue(el, change));
        }
      };
      if (at > 0) setTimeout(send, at * 1000);
      else send();
    }
  }
}
"""
_CSS = """
.lrviz-chart { width: 100%; height: var(--lrviz-chart-height, var(--lrviz-own-height, 360px)); }
"""
_component = st.components.v2.component("lrviz_chart", html="", css=_CSS, js=_JS, isolate_styles=False)
_feed_numbers = itertools.count()


def chart(figure: dict | str, key: str, *, base: str = "", description: str = "", toolbar: bool = False) -> None:
    """Draw a figure under `key` (the element gets the CSS class `st-key-<key>`), or update the
    chart of that key in place. `figure` is Plotly's JSON form, as a dict or already as JSON text
    (a figure that does not change is serialized once, not at every run). `base` names what it
    shows, for `feed` patches (e.g. a run); `description` is its text alternative, read by screen
    readers."""
    _component(key=key, data={
        "figure": figure, "name": key, "base": base, "src": PLOTLY_URL, "description": description,
        "config": {"displayModeBar": toolbar, "displaylogo": False, "responsive": True},
    })


def feed(frames: Sequence[tuple[float, dict[str, dict]]], container) -> None:
    """Send frames of patches to mounted charts, as a new element in `container` (a hidden one: see
    the app's style sheet, `.st-key-live_feed`). A frame is (seconds from its arrival to its moment,
    {"chart key": {"base": ..., "extend": {"start": i, "x": [...], "y": [[...], ...]},
    "restyle": {"z": ..., "zmin": ...}, "text": "..."}}); the browser applies each at its moment."""
    with container:
        _component(key=f"lrviz_feed_{next(_feed_numbers)}",
                   data={"frames": [{"at": round(at, 3), "patches": patches} for at, patches in frames]})
