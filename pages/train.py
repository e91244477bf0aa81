"""Train: choose digits and hyperparameters, press Train, watch the neuron learn.

The page's code is in pages/layout/train.py: a module is compiled once per server, while Streamlit
compiles a page script anew for every new visitor, so this script is kept to a few lines.
"""

from pages import _shared
from pages.layout import train

_shared.require_app()
train.page()
