"""Explore: compare the session's runs, and replay how one of them learned.

The page's code is in pages/layout/explore.py: a module is compiled once per server, while Streamlit
compiles a page script anew for every new visitor, so this script is kept to a few lines.
"""

from pages import _shared
from pages.layout import explore

_shared.require_app()
explore.page()
