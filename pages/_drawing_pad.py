"""A drawing pad for the Draw page: an HTML canvas that takes mouse, pen and touch strokes.

A small Streamlit component of lrviz's own (it replaced streamlit-drawable-canvas, whose
invisible toolbar lay over the top of its canvas and swallowed strokes that started
there). Pointer events serve mouse, pen and finger alike, and the keyboard draws too (the pad
takes the focus; arrow keys move a pen, Space puts it down and lifts it); `touch-action: none` keeps a
finger from scrolling the page while it draws; on a narrow screen the pad shrinks to fit
and its strokes are scaled back to the pad's pixels. When a stroke ends, the pad sends the
drawing as a PNG, and Python reads it back as an HxWx4 RGBA array.
"""

from __future__ import annotations

import base64
import binascii
import io

import numpy as np
import streamlit as st
from PIL import Image, UnidentifiedImageError

from lrviz import colors

#: The pad sends images of its own size (a few hundred pixels); anything far larger is not from it.
MAX_SIDE = 2048
MAX_URL_LENGTH = 8_000_000

_JS = """
export default function(component) {
  const { data, parentElement, setStateValue } = component;
  const pad = parentElement.querySelector('.lrviz-pad');
  let canvas = pad.querySelector('canvas');
  if (!canvas) {
    canvas = document.createElement('canvas');
    pad.appendChild(canvas);
    const context = canvas.getContext('2d');
    const point = (e) => {
      const box = canvas.getBoundingClientRect();
      return [(e.clientX - box.left) * canvas.width / box.width, (e.clientY - box.top) * canvas.height / box.height];
    };
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      canvas.drawing = true;
      canvas.last = point(e);
      context.beginPath();
      context.arc(canvas.last[0], canvas.last[1], context.lineWidth / 2, 0, 2 * Math.PI);
      context.fill();
      e.preventDefault();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!canvas.drawing) return;
      const events = (e.getCoalescedEvents && e.getCoalescedEvents().length) ? e.getCoalescedEvents() : [e];
      for (const event of events) {
        const next = point(event);
        context.beginPath();
        context.moveTo(canvas.last[0], canvas.last[1]);
        context.lineTo(next[0], next[1]);
        context.stroke();
        canvas.last = next;
      }
      e.preventDefault();
    });
    const end = () => {
      if (!canvas.drawing) return;
      canvas.drawing = false;
      setStateValue('image', { url: canvas.toDataURL('image/png'), clears: canvas.clears });
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    // The keyboard draws too: the arrow keys move a pen (shown as a ring while the pad has the focus),
    // Space or Enter puts it down and lifts it again; lifting it sends the drawing, as a stroke's end does.
    canvas.tabIndex = 0;
    canvas.setAttribute('role', 'application');
    canvas.setAttribute('aria-roledescription', 'drawing pad');
    const ring = document.createElement('div');
    ring.className = 'lrviz-pen';
    pad.appendChild(ring);
    const place = () => {
      const scale = canvas.getBoundingClientRect().width / canvas.width || 1;
      const d = Math.max(context.lineWidth * scale, 8);
      ring.style.width = ring.style.height = d + 'px';
      ring.style.left = (canvas.pen[0] * scale - d / 2) + 'px';
      ring.style.top = (canvas.pen[1] * scale - d / 2) + 'px';
      ring.classList.toggle('down', canvas.drawing === 'keys');
    };
    canvas.addEventListener('focus', () => { canvas.pen = canvas.pen || [canvas.width / 2, canvas.height / 4];
                                            place(); ring.style.display = 'block'; });
    canvas.addEventListener('blur', () => { ring.style.display = 'none'; if (canvas.drawing) end(); });
    const moves = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    canvas.addEventListener('keydown', (e) => {
      if (e.key === ' ' || e.key === 'Enter') {
        if (canvas.drawing) end();
        else {
          canvas.drawing = 'keys';
          context.beginPath();
          context.arc(canvas.pen[0], canvas.pen[1], context.lineWidth / 2, 0, 2 * Math.PI);
          context.fill();
        }
      } else if (moves[e.key]) {
        const step = canvas.width / (e.shiftKey ? 8 : 28);
        const next = [Math.min(canvas.width, Math.max(0, canvas.pen[0] + moves[e.key][0] * step)),
                      Math.min(canvas.height, Math.max(0, canvas.pen[1] + moves[e.key][1] * step))];
        if (canvas.drawing) {
          context.beginPath();
          context.moveTo(canvas.pen[0], canvas.pen[1]);
          context.lineTo(next[0], next[1]);
          context.stroke();
        }
        canvas.pen = next;
      } else return;
      place();
      e.preventDefault();
    });
  }
  const context = canvas.getContext('2d');
  if (canvas.width !== data.size) {  // resizing wipes a canvas: start over
    canvas.width = canvas.height = data.size;
    canvas.style.width = data.size + 'px';  // narrower on a small screen (max-width), square (height auto)
    canvas.clears = undefined;
  }
  if (canvas.clears !== data.clears) {  // wiped: the drawing sent before is stale (Python sees its stamp)
    canvas.clears = data.clears;
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
  }
  canvas.setAttribute('aria-label', 'Drawing pad: draw a digit here. With the keyboard: the arrow keys move the pen '
                      + '(with Shift, farther), Space puts it down and lifts it; the answer follows each lift.');
  context.lineWidth = data.pen;
  context.lineCap = context.lineJoin = 'round';
  context.strokeStyle = context.fillStyle = '#000000';
}
"""
# The pen's ring is drawn on the white pad in every look: the light look's accent (3:1 and more on white).
_CSS = """
.lrviz-pad { display: inline-block; max-width: 100%; line-height: 0; border: 1px solid #9CA3AF; border-radius: 6px;
             overflow: hidden; }
.lrviz-pad { position: relative; }
.lrviz-pad canvas { display: block; max-width: 100%; height: auto; touch-action: none; cursor: crosshair;
                    background: #ffffff; }
.lrviz-pad canvas:focus-visible { outline: 3px solid ACCENT; outline-offset: -3px; }
.lrviz-pen { display: none; position: absolute; pointer-events: none; border: 2px solid ACCENT; border-radius: 50%;
             box-sizing: border-box; }
.lrviz-pen.down { background: ACCENT; opacity: 0.5; }
""".replace("ACCENT", colors.LIGHT.accent)
_pad = st.components.v2.component("lrviz_drawing_pad", html="<div class='lrviz-pad'></div>", css=_CSS, js=_JS)


def drawing_pad(key: str, *, size: int = 280, pen: int = 22, clears: int = 0) -> np.ndarray | None:
    """Show the pad; return the drawing as an RGBA uint8 array, or None before the first stroke.

    Changing `clears` wipes the pad (the Clear button counts its presses, and so does keeping a
    drawing). The pad stamps each drawing it sends with the `clears` it was drawn after, so a
    drawing from before a wipe is never returned, not even in the run that wipes the pad.
    """
    result = _pad(data={"size": size, "pen": pen, "clears": clears}, key=key, default={"image": None},
                  on_image_change=lambda: None)
    return current_drawing(getattr(result, "image", None), clears)


def current_drawing(sent, clears: int) -> np.ndarray | None:
    """The drawing the pad sent (`{"url": ..., "clears": n}`) as RGBA pixels, if it was drawn after
    the latest wipe (`clears`); None for anything else."""
    if not isinstance(sent, dict) or sent.get("clears") != clears or not sent.get("url"):
        return None
    return decode_image(sent["url"])


def decode_image(data_url: str) -> np.ndarray | None:
    """RGBA pixels of a `data:image/png;base64,…` URL; None if it is not one, or not a
    picture of a size the pad sends (it is decoded only once its size is known)."""
    header, _, payload = str(data_url)[:MAX_URL_LENGTH + 1].partition(",")
    if header != "data:image/png;base64" or len(data_url) > MAX_URL_LENGTH:
        return None
    try:
        with Image.open(io.BytesIO(base64.b64decode(payload, validate=True))) as image:
            if max(image.size) > MAX_SIDE:
                return None
            return np.asarray(image.convert("RGBA"))
    except (binascii.Error, UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return None
