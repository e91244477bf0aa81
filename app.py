"""lrviz: logistic regression as a one-neuron network, in the browser.

Run with `streamlit run app.py`. This file builds the navigation and the sidebar that
every page shares; the pages themselves are in pages/.
"""

import streamlit as st

from pages import _memory, _shared

_shared.start()
_shared.mark_app_started()
# In presentation mode the sidebar starts closed (a prepared link opens without it; switching the
# mode on closes it too: _shared.page_script), and a button in sight leaves the mode.
st.set_page_config(page_title="lrviz: a neuron that reads digits", page_icon="🧠", layout="wide",
                   initial_sidebar_state="collapsed" if _shared.presentation_requested() else "auto")

# Streamlit serves its default page, Train, at / only, whatever its url_path: /train would be
# "not found". So a hidden page at /train runs the Train page too (a bookmark of it works).
train_page = st.Page("pages/train.py", title="Train", icon=":material/monitoring:", url_path="home", default=True)
train_alias = st.Page("pages/train.py", title="Train", url_path="train", visibility="hidden")
navigation = st.navigation(
    [
        train_page,
        train_alias,
        st.Page("pages/draw.py", title="Draw", icon=":material/draw:", url_path="draw"),
        st.Page("pages/explore.py", title="Explore", icon=":material/query_stats:", url_path="explore"),
        st.Page("pages/how.py", title="How it works", icon=":material/school:", url_path="how"),
    ]
)
_memory.restore(_shared.SESSION_KEYS)  # after a reload: this browser's runs
_memory.keep(_shared.SESSION_KEYS)  # (also here: a button's callback may have started a run)
if navigation not in (train_page, train_alias):  # leaving Train mid-run stops the run where it is (Continue goes on)
    st.session_state[_shared.TRAINING_KEY] = False
summary = _shared.sidebar()
with st.sidebar:
    _memory.set_cookie()
    _shared.page_script(navigation.url_path)
_shared.style()
_shared.presentation_exit()
navigation.run()
_shared.model_summary(summary)
_shared.presentation_link()
_memory.keep(_shared.SESSION_KEYS)
