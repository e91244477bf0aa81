"""The Draw page in AppTest, for what does not need a drawing (the browser tests draw)."""

import numpy as np
import pytest

from lrviz.data import Task
from lrviz.runs import Run, Settings

from conftest import texts


def _draw_page(app):
    at = app.run()
    return at.switch_page("pages/draw.py").run()


def test_a_first_visitor_gets_the_ready_model_and_a_prompt(app):
    at = _draw_page(app)
    assert not at.exception
    assert "the **ready model** for all ten digits" in texts(at)
    assert any("Draw a digit on the canvas" in i.value for i in at.info)
    assert at.button(key="clear") is not None and at.slider(key="draw_pen").value == 22


def test_the_session_model_decides_and_can_be_swapped_for_the_ready_one(app):
    run = Run(Settings(task=Task.parse("2vrest"), iterations=50))
    list(run.advance())
    app.session_state["run"] = run
    at = _draw_page(app)
    assert "this session's model" in texts(at) and "**2 vs rest**" in texts(at)
    picker = at.segmented_control(key="draw_model")
    assert picker.value == "session" and picker.options == ["Ready model", "This session's model (2 vs rest)"]
    picker.set_value("ready").run()
    assert "the **ready model**" in texts(at)


def test_an_untrained_or_diverged_run_is_not_used(app):
    app.session_state["run"] = Run(Settings())  # never trained
    at = _draw_page(app)
    assert "the **ready model**" in texts(at) and "this session has not trained a model yet" in texts(at)
    diverged = Run(Settings(task=Task.parse("2vrest"), learning_rate=10.0, l2=10.0, iterations=300))
    with pytest.warns(Warning, match="diverged"):
        list(diverged.advance())
    at.session_state["run"] = diverged
    at.run()
    assert "the **ready model**" in texts(at) and "last run diverged" in texts(at)


def test_clear_counts_and_keeps_the_page_quiet(app):
    at = _draw_page(app)
    at.button(key="clear").click().run()
    assert at.session_state["draw_clears"] == 1 and not at.exception


def _png_url(width: int, height: int) -> str:
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (255, 255, 255, 255)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_the_pad_reads_its_own_pictures_and_nothing_else():
    from pages._drawing_pad import MAX_SIDE, decode_image

    image = decode_image(_png_url(280, 280))
    assert image.shape == (280, 280, 4) and image.dtype.name == "uint8"
    assert decode_image(_png_url(MAX_SIDE + 1, 8)) is None  # too large to come from the pad
    assert decode_image("data:image/png;base64,!!!") is None
    assert decode_image("data:text/html;base64,PGI+") is None
    assert decode_image("data:image/png;base64," + "A" * 10_000_000) is None


def test_a_drawing_from_before_a_wipe_is_never_read():
    from pages._drawing_pad import current_drawing

    url = _png_url(280, 280)
    assert current_drawing({"url": url, "clears": 2}, 2).shape == (280, 280, 4)
    assert current_drawing({"url": url, "clears": 1}, 2) is None  # drawn before Clear, or before a drawing was kept
    assert current_drawing(url, 0) is None and current_drawing(None, 0) is None  # not what the pad sends
    assert current_drawing({"url": "data:text/html;base64,PGI+", "clears": 0}, 0) is None


def test_a_test_digit_is_read_as_a_drawing_is(app):
    """The keyboard's way to give the model a digit: one of the test set's, with the same answer,
    probabilities, 8x8 input and explanation as a drawing, and what it really is."""
    from lrviz.ready import ready_data

    from conftest import array, chart, charts

    at = _draw_page(app)
    picker = at.selectbox(key="draw_test_digit")
    assert picker.value is None and "Draw a digit on the canvas" in at.info[0].value
    picker.set_value(7).run()
    assert not at.exception
    data = ready_data()
    expected = data.X_test[data.test_example(7)]
    z = array(chart(at, "input")["data"][0]["z"])
    np.testing.assert_allclose(z, expected.reshape(8, 8), atol=1e-3)  # the 8x8 the model read
    assert {"probabilities", "contributions"} <= set(charts(at))
    assert "This is a **7** of the digits' test set: the model reads it right." in texts(at)
    assert "Answer: **7**" in texts(at)  # the one-line answer a phone shows above the pad
    assert not [b.key for b in at.button if b.key.startswith("correct_")]  # a test digit is not kept as a drawing
