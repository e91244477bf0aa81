"""How it works: the neuron as a computation graph, forward and backward, with one example's numbers.

The page's code is in pages/layout/how.py: a module is compiled once per server, while Streamlit
compiles a page script anew for every new visitor, so this script is kept to a few lines.
"""

from pages import _shared
from pages.layout import how

_shared.require_app()
how.page()
