"""Presentation mode in AppTest: from the link or the sidebar, only the essential controls, on every page.

AppTest (Streamlit 1.67) shows the sidebar of an app with `st.navigation` in the first run
only, so these tests use the sidebar's widgets right after it or start from a link; the
browser tests click them in every state.
"""

from conftest import chart, texts

PAGES = ["pages/train.py", "pages/draw.py", "pages/explore.py", "pages/how.py"]


def test_off_by_default(app):
    at = app.run()
    assert at.toggle(key="present").value is False
    assert "present" not in at.query_params
    assert at.select_slider(key="lr").value == 0.05 and at.button(key="continue").label == "Continue"


def test_a_link_opens_in_presentation_mode_with_only_the_essential_controls(app):
    app.query_params["present"] = "1"
    at = app.run()
    assert not at.exception
    assert at.toggle(key="present").value is True and at.button_group(key="look").value == "light"
    assert [b.key for b in at.button] == ["leave_presentation", "train", "stop"]
    assert at.button_group(key="task_preset").value == "0 vs 1"
    assert not at.select_slider and not at.number_input and not at.get("file_uploader")
    assert "0 vs 1 · lr 0.05 · 1000 it" in texts(at)  # the settings are still said
    assert chart(at, "curve")["layout"]["font"]["size"] == 19  # figures sized for a projector


def test_the_dark_look_stays_on_across_pages(app):
    app.query_params.update({"present": "1", "look": "dark"})
    at = app.run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert at.session_state["present"] is True and at.session_state["look"] == "dark"
        assert at.query_params["present"] == "1" and at.query_params["look"] == "dark"
    at.switch_page("pages/train.py").run()
    assert chart(at, "curve")["layout"]["font"]["color"] == "#F1F5F9"


def test_switching_it_off_brings_the_controls_back(app):
    app.query_params.update({"present": "1"})
    at = app.run()
    at.toggle(key="present").set_value(False).run()
    assert at.session_state["present"] is False  # (the address losing present=1 is checked in the browser)
    assert chart(at, "curve")["layout"]["font"]["size"] == 14
    assert [b.key for b in at.button][:5] == ["train", "step", "stop", "continue", "reset"]


def test_the_button_in_sight_leaves_presentation_mode(app):
    app.query_params.update({"present": "1", "look": "dark"})
    at = app.run()
    at.button(key="leave_presentation").click().run()
    assert not at.exception
    assert at.session_state["present"] is False
    assert "leave_presentation" not in [b.key for b in at.button]
    assert at.button(key="continue").label == "Continue"  # every control is back
    assert chart(at, "curve")["layout"]["font"]["size"] == 14


def test_settings_made_before_presenting_are_used(app):
    at = app.run()
    at.number_input(key="iters").set_value(60)
    at.toggle(key="present").set_value(True).run()
    assert not at.number_input  # hidden now
    at.button(key="train").click().run()
    assert at.session_state["run"].iteration == 60
    assert at.session_state["iters"] == 60  # the hidden widget kept its value
