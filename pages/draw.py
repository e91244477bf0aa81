"""Draw: draw a digit and see the neuron decide, and why.

The page's code is in pages/layout/draw.py: a module is compiled once per server, while Streamlit
compiles a page script anew for every new visitor, so this script is kept to a few lines.
"""

from pages import _shared
from pages.layout import draw

_shared.require_app()
draw.page()
