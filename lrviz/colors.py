"""The app's colours, for the light and the dark look, and how far apart they are to an eye.

Every colour of the app's own content is chosen so that people who see less well can read
it: WCAG 2.1 asks a contrast of 4.5:1 for text and 3:1 for lines, bars and marks against
their background (`contrast`). The palette is colour-blind safe: the learning curve's
train and test lines are Okabe-Ito blue and vermilion in both looks, and a run keeps its own
colour (`run_color`) wherever it appears; run colours are never the train/test pair.
Colours that would fail on the dark page have a lighter twin there (`DARK_TWIN`), which
`lrviz.figures.for_display` substitutes.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The page backgrounds of the two looks (the dark one is the app's style sheet's).
LIGHT_BACKGROUND = "#FFFFFF"
DARK_BACKGROUND = "#0F172A"
#: Text on them.
TEXT = "#111827"
DARK_TEXT = "#F1F5F9"
#: The learning curve's pair, the same in both looks: Okabe-Ito blue and vermilion.
TRAIN = "#0072B2"
TEST = "#D55E00"
#: Bars and marks that are not the answer (probability bars of the other classes, frames).
MUTED = "#6B7280"
#: The backward pass's text (How it works): a darker vermilion, readable on white.
BACKWARD = "#B84F00"
#: Arrows of the computation graph.
ARROW = "#4B5563"
#: A colour per run (run 1, run 2, ...), for the light look; their twins on the dark page.
RUN_PALETTE = ("#007A5A", "#A64F86", "#A65F00", "#4B5563", "#7B4FB8", "#00788C", "#7A7300", "#B8476A")
DARK_RUN_PALETTE = ("#2EC4A0", "#E09AC3", "#F0A830", "#CBD5E1", "#B494F0", "#4FC7DB", "#D8CB4A", "#F08FA8")
#: Light-look colours and the lighter twin each has on the dark page.
DARK_TWIN = {TEXT: DARK_TEXT, BACKWARD: "#FB923C", ARROW: "#94A3B8", **dict(zip(RUN_PALETTE, DARK_RUN_PALETTE,
                                                                               strict=True))}




@dataclass(frozen=True)
class Look:
    """The colours of one look's page furniture: the app's style sheets (pages/_shared.py) are
    built from these, and `LOOK_PAIRS` says which of them sit on which (tests/test_colors.py)."""

    background: str  # the page
    surface: str  # the sidebar, inputs, secondary buttons, tables
    raised: str  # on a surface: the current page's link, steppers, the empty progress track, chips
    text: str
    muted: str  # captions, placeholders, and icons: select arrows, clear, help, the sidebar's arrows
    border: str  # the edge of an input or a button
    accent: str  # a chosen segment's edge, a switch that is on, the progress bar, keyboard focus
    primary: str  # the primary button (Train)
    on_primary: str  # its text
    selected: str  # a chosen segment's fill
    disabled: str  # text and edge of a control that cannot be used now (drawn dashed, on the page)
    notice: str  # an info box's fill


#: The light look is Streamlit's theme of .streamlit/config.toml (a test checks they agree);
#: its style sheet only darkens captions, which Streamlit draws too faint on the sidebar.
LIGHT = Look(background=LIGHT_BACKGROUND, surface="#F0F2F6", raised="#E2E8F0", text=TEXT, muted="#4B5563",
             border="#6B7280", accent=TRAIN, primary=TRAIN, on_primary="#FFFFFF", selected="#DBEAFE",
             disabled="#4B5563", notice="#E0F2FE")
#: The dark look: light text on a deep blue-grey, kept calm for a dimmed room.
DARK = Look(background=DARK_BACKGROUND, surface="#1E293B", raised="#334155", text=DARK_TEXT, muted="#CBD5E1",
            border="#64748B", accent="#38BDF8", primary=TRAIN, on_primary="#FFFFFF", selected="#0C4A6E",
            disabled="#94A3B8", notice="#1E3A5F")
#: (foreground, background, kind) of every pair of a look's colours that meet on the page; kind is
#: "text" (4.5:1) or "graphics" (3:1: edges, icons, bars).
LOOK_PAIRS = (
    ("text", "background", "text"), ("text", "surface", "text"), ("text", "raised", "text"),
    ("text", "selected", "text"), ("text", "notice", "text"), ("on_primary", "primary", "text"),
    ("muted", "background", "text"), ("muted", "surface", "text"), ("muted", "raised", "graphics"),
    ("disabled", "background", "text"), ("disabled", "surface", "text"),
    ("border", "background", "graphics"), ("border", "surface", "graphics"),
    ("accent", "background", "graphics"), ("accent", "surface", "graphics"), ("accent", "raised", "graphics"),
)


def run_color(number: int) -> str:
    """The colour of run `number` (1, 2, ...): the same on every chart of the session."""
    return RUN_PALETTE[(number - 1) % len(RUN_PALETTE)]


def relative_luminance(color: str) -> float:
    """WCAG 2.1's relative luminance of a colour written #RRGGBB."""
    text = color.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"A colour must be written #RRGGBB; got {color!r}.")
    channels = [int(text[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
