"""The user's drawings in AppTest: kept by "Right" / "No, it is a …", the gallery, the retrain, the
files, and "my drawings" on the Train page. The drawing pad is replaced by one whose drawing a
test sets (the browser tests draw on the real one)."""

import numpy as np
import pytest

from lrviz.canvas import canvas_to_digit
from lrviz.data import Task
from lrviz.drawings import MAX_DRAWINGS, Drawings
from lrviz.runs import Run, Settings

from conftest import chart, charts, texts
from drawn_digits import DRAWN_DIGITS, render, to_canvas

ONE = DRAWN_DIGITS[2][1]  # a vertical line: every model here reads it as a 1
SEVEN = DRAWN_DIGITS[17][1]


class Pad:
    """Stands in for pages/_drawing_pad.py's pad: it returns the drawing set by `draw` until the
    pad is wiped (Clear, or a drawing kept), as the real pad's stamp makes it do."""

    def __init__(self):
        self.image, self.drawn_after = None, 0

    def draw(self, at, strokes):
        self.image = to_canvas(render(strokes, 22), "dark_on_light")
        self.drawn_after = at.session_state["draw_clears"] if "draw_clears" in at.session_state else 0
        return at.run()

    def __call__(self, key, *, size, pen, clears):
        return self.image if clears == self.drawn_after else None


@pytest.fixture
def pad(monkeypatch):
    from pages.layout import draw

    fake = Pad()
    monkeypatch.setattr(draw, "drawing_pad", fake)
    return fake


def _features(strokes):
    return canvas_to_digit(to_canvas(render(strokes, 22), "dark_on_light"))


def _drawings(pairs) -> Drawings:
    return Drawings(np.stack([_features(strokes) for _, strokes in pairs]), [digit for digit, _ in pairs])


def _draw_page(app):
    return app.run().switch_page("pages/draw.py").run()


def _kept(at) -> Drawings:
    return at.session_state["drawings"]


def test_right_and_no_keep_the_drawing_with_its_digit_and_wipe_the_pad(app, pad):
    at = _draw_page(app)
    assert at.button(key="retrain").disabled  # nothing to learn from yet
    at = pad.draw(at, ONE)
    assert at.markdown[0].value  # the page ran
    assert at.button(key="correct_right").label == "Right, it is a 1"
    assert at.button(key="correct_1").disabled and not at.button(key="correct_7").disabled
    at.button(key="correct_7").click().run()
    assert not at.exception
    kept = _kept(at)
    assert kept.digits.tolist() == [7]
    np.testing.assert_allclose(kept.X[0], _features(ONE), atol=0.0005)  # the 64 features the model saw
    assert "Kept your **7** (the model read **1**): your first drawing." in texts(at)
    assert any("Draw a digit on the canvas" in i.value for i in at.info)  # the pad is wiped: draw the next one
    at = pad.draw(at, ONE)
    assert "Kept your" not in texts(at)  # a new drawing: the message has gone
    at.button(key="correct_right").click().run()
    assert _kept(at).digits.tolist() == [7, 1]
    assert "Kept your **1** (read right): 2 drawings now, one of them a 1." in texts(at)
    gallery = chart(at, "drawings_gallery")
    assert [a["text"] for a in gallery["layout"]["annotations"]] == ["#1: 7", "#2: 1"]
    assert "0: **0** · 1: **1** · 2: **0** · 3: **0** · 4: **0** · 5: **0** · 6: **0** · 7: **1**" in texts(at)


def _session_model(code: str, iterations: int = 100) -> Run:
    run = Run(Settings(task=Task.parse(code), iterations=iterations))
    list(run.advance())
    return run


def test_a_two_class_model_asks_for_the_digit_as_drawings_are_kept_by_digit(app, pad):
    app.session_state["run"] = _session_model("2vrest")
    at = pad.draw(_draw_page(app), ONE)
    assert "Is it a 2? **No**" in texts(at)
    assert "Which digit is it?" in texts(at) and not [b for b in at.button if b.key == "correct_right"]
    at.button(key="correct_1").click().run()
    assert _kept(at).digits.tolist() == [1] and "Kept your **1** (read right)" in texts(at)
    at.session_state["run"] = _session_model("0v1")  # a model that knows no 7
    at = pad.draw(at.run(), SEVEN)
    at.button(key="correct_7").click().run()
    assert _kept(at).digits.tolist() == [1, 7] and "Kept your **7** (this model tells 0 vs 1 only)" in texts(at)


def test_the_gallery_counts_per_digit_and_deletes_any_drawing(app):
    app.session_state["drawings"] = _drawings([DRAWN_DIGITS[i] for i in (0, 2, 5, 7, 8)])  # 0, 1, 2, 3, 3
    at = _draw_page(app)
    assert "**5 drawings**" in texts(at) and "0: **1** · 1: **1** · 2: **1** · 3: **2** · 4: **0**" in texts(at)
    titles = [a["text"] for a in chart(at, "drawings_gallery")["layout"]["annotations"]]
    assert titles == ["#1: 0", "#2: 1", "#3: 2", "#4: 3", "#5: 3"]
    picker = at.selectbox(key="drawing_to_delete")
    assert picker.value == 4 and picker.options[:2] == ["#5: a 3", "#4: a 3"]  # the newest first
    picker.set_value(1).run()
    at.button(key="delete_drawing").click().run()
    assert not at.exception and _kept(at).digits.tolist() == [0, 2, 3, 3]
    titles = [a["text"] for a in chart(at, "drawings_gallery")["layout"]["annotations"]]
    assert titles == ["#1: 0", "#2: 2", "#3: 3", "#4: 3"] and at.selectbox(key="drawing_to_delete").value == 3


def test_the_gallery_shows_the_latest_drawings_of_many(app):
    from pages.layout.drawings import GALLERY_SIZE

    rng = np.random.default_rng(0)
    n = GALLERY_SIZE + 5
    app.session_state["drawings"] = Drawings(rng.uniform(0, 16, (n, 64)), rng.integers(0, 10, n))
    at = _draw_page(app)
    titles = [a["text"] for a in chart(at, "drawings_gallery")["layout"]["annotations"]]
    assert len(titles) == GALLERY_SIZE and titles[0].startswith("#6: ")
    assert f"the latest {GALLERY_SIZE} of {n}" in texts(at)


def test_retrain_learns_the_drawings_says_what_changed_and_then_decides(app, pad):
    mirrored = [(digit, [[(279 - x, y) for x, y in stroke] for stroke in strokes]) for digit, strokes in DRAWN_DIGITS]
    app.session_state["drawings"] = _drawings(mirrored[:12])  # a hand the ready model has not seen
    at = _draw_page(app)
    assert not at.button(key="retrain").disabled
    at.button(key="retrain").click().run()
    assert not at.exception
    run = at.session_state["handwriting_run"]
    assert run.status == "finished" and run.name == "run 1" and at.session_state["runs"] == [run]
    assert "+12 drawings" in run.label and "run" not in at.session_state  # the Train page's run is not touched
    fair = at.session_state["handwriting_fair"]
    assert fair.shape == (12,)  # counted fairly, and kept
    report = texts(at)
    assert "Run 1 learnt your 12 drawings" in report and "Your drawings read right" in report
    assert "Counted fairly" in report and "counting…" not in report
    metric = {m.label: m.value for m in at.metric}
    assert metric["Your drawings read right"].endswith(" of 12") and metric["Test digits read right"].endswith("%")
    assert metric["Counted fairly"] == f"{int((fair == _kept(at).digits).sum())} of 12"
    # it now decides, and says so; the ready model is one click away
    picker = at.segmented_control(key="draw_model")
    assert picker.value == "drawings" and "retrained with 12 of your drawings" in texts(at)
    assert "run 1 of this session, listed on Explore" in texts(at)
    assert "curve" in charts(at) and "weight_maps" in charts(at)
    # learnt: nothing to retrain until the drawings change
    assert at.button(key="retrain").disabled and "learnt these 12 drawings already" in texts(at)
    at = pad.draw(at, ONE)
    at.button(key="correct_right").click().run()
    assert not at.button(key="retrain").disabled and "Your drawings changed since this retrain" in texts(at)
    assert not [e for e in at.main if getattr(e, "key", None) == "draw_model"]  # only the pad and drawings reran
    at.run().segmented_control(key="draw_model").set_value("ready").run()
    assert "the **ready model**" in texts(at)
    at.run()
    assert at.segmented_control(key="draw_model").value == "ready"  # the choice stands ...
    at.session_state["run"] = _session_model("2vrest")
    at.run()
    assert at.segmented_control(key="draw_model").value == "session"  # ... until a model is new


def test_the_drawings_download_as_csv(app, monkeypatch):
    from streamlit.runtime.media_file_manager import MediaFileManager

    made = {}

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, *, element_id=""):
        made[file_name] = (data_callable, mimetype)
        return "deferred"

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    drawings = _drawings(DRAWN_DIGITS[:3])
    app.session_state["drawings"] = drawings
    at = _draw_page(app)
    assert not at.exception
    write, mimetype = made["lrviz-drawings-3.csv"]
    content = write()  # written when the button is clicked
    assert mimetype == "text/csv" and content == drawings.to_csv()
    again = Drawings.from_csv(content)
    assert again.digits.tolist() == [0, 0, 1] and np.allclose(again.X, drawings.X)


def test_drawings_files_load_and_bad_ones_are_refused_clearly(app):
    app.session_state["drawings"] = _drawings(DRAWN_DIGITS[:2])
    at = _draw_page(app)
    good = _drawings(DRAWN_DIGITS[5:8]).to_csv().encode()
    other = _drawings(DRAWN_DIGITS[8:9]).to_csv().encode()
    header, first, rest = good.split(b"\r\n", 2)
    bad = b"\r\n".join([header, first, b"=cmd()" + rest[rest.index(b","):]])  # line 3 starts with a formula
    hostile = [("bad.csv", bad, "text/csv"),
               ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "text/csv"),
               ("empty.csv", b"", "text/csv")]
    at.file_uploader(key="load_drawings").set_value(
        [("class_a.csv", good, "text/csv"), ("class_b.csv", other, "text/csv"), *hostile]).run()
    assert not at.exception
    assert _kept(at).digits.tolist() == [0, 0, 2, 2, 3, 3]
    shown = "\n".join(e.value for e in [*at.success, *at.error])
    assert "class\\_a.csv: added 3 drawings; you have 5 now." in shown
    assert "class\\_b.csv: added 1 drawing; you have 6 now." in shown
    errors = [e.value for e in at.error]
    assert len(errors) == 3 and all("nothing added." in e for e in errors)
    assert "Line 3, column 1 (pixel\\_0\\_0): '=cmd()' is not a number" in errors[0]
    assert "not text" in errors[1] and "empty" in errors[2]
    at.run()  # a later run neither adds the files again nor forgets what it said of them
    assert len(_kept(at)) == 6 and len(at.error) == 3


def test_a_file_beyond_the_limit_adds_nothing_and_says_why(app):
    app.session_state["drawings"] = _drawings(DRAWN_DIGITS[:2])
    rng = np.random.default_rng(1)
    full = Drawings(rng.uniform(0, 16, (MAX_DRAWINGS, 64)), rng.integers(0, 10, MAX_DRAWINGS)).to_csv().encode()
    at = _draw_page(app)
    at.file_uploader(key="load_drawings").set_value(("class.csv", full, "text/csv")).run()
    assert not at.exception and len(_kept(at)) == 2
    (error,) = at.error
    assert "class.csv: nothing added. That would make 1,002 drawings; a session keeps at most 1,000" in error.value


def test_my_drawings_join_a_train_run_of_their_digits_only(app):
    drawings = _drawings([DRAWN_DIGITS[i] for i in (0, 2, 3, 17)])  # 0, 1, 1, 7
    app.session_state["drawings"] = drawings
    at = app.run()
    at.number_input(key="iters").set_value(50).run()
    toggle = at.toggle(key="with_drawings")
    assert toggle.label == "Add my drawings (3 of these digits)" and not toggle.value  # 0 vs 1 uses 0, 1, 1
    assert "examples_drawings" not in charts(at)
    toggle.set_value(True).run()
    row = chart(at, "examples_drawings")
    assert [a["text"] for a in row["layout"]["annotations"]] == ["0", "1", "1"]
    assert "**My drawings**: 3 join the training set" in texts(at)
    at.button(key="train").click().run()
    run = at.session_state["run"]
    assert run.data.extras_used.tolist() == [0, 1, 2] and run.label.endswith("· +3 drawings")
    assert len(run.data.X_test) == len(at.session_state["runs"][0].data.X_test)
    # other drawings make another split; the same drawings share it; without them, the task's own
    drawings.add(_features(ONE), 1)
    at.button(key="train").click().run()
    second = at.session_state["run"]
    assert second.data.extras_used.tolist() == [0, 1, 2, 4] and second.data is not run.data
    at.button(key="train").click().run()
    assert at.session_state["run"].data is second.data
    at.toggle(key="with_drawings").set_value(False).run()
    at.button(key="train").click().run()
    assert not at.session_state["run"].data.is_extra.any() and "drawings" not in at.session_state["run"].label


def test_my_drawings_are_offered_only_for_tasks_that_use_their_digits(app):
    app.session_state["drawings"] = _drawings([DRAWN_DIGITS[17]])  # a 7
    at = app.run()
    assert not [t for t in at.toggle if t.key == "with_drawings"]  # 0 vs 1
    at.segmented_control(key="task_preset").set_value("2 vs rest").run()
    assert at.toggle(key="with_drawings").label == "Add my drawings (1 of these digits)"


def test_a_retrain_given_back_by_a_reload_without_its_fair_count_counts_it(app):
    from lrviz import learn
    from pages import _shared

    drawings = _drawings(DRAWN_DIGITS[:6])
    run = learn.retrain_run(_shared.ready_run(), drawings.extra())
    list(run.advance())
    app.session_state["drawings"], app.session_state["handwriting_run"] = drawings, run  # as a reload restores them
    at = _draw_page(app)
    assert not at.exception and at.session_state["handwriting_fair"].shape == (6,)
    assert {m.label: m.value for m in at.metric}["Counted fairly"].endswith(" of 6")
    assert at.segmented_control(key="draw_model").value == "drawings"


def test_a_full_session_keeps_no_more_and_says_so(app, pad):
    rng = np.random.default_rng(2)
    app.session_state["drawings"] = Drawings(rng.uniform(0, 16, (MAX_DRAWINGS, 64)), rng.integers(0, 10, MAX_DRAWINGS))
    at = pad.draw(_draw_page(app), ONE)
    at.button(key="correct_right").click().run()
    assert not at.exception and len(_kept(at)) == MAX_DRAWINGS
    (error,) = at.error
    assert "Not kept: That would make 1,001 drawings; a session keeps at most 1,000. Delete some first." in error.value
    assert at.button(key="correct_right")  # the drawing is still there to keep once some are deleted
