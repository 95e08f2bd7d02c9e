"""What the example pictures promise, checked on the numbers behind them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _load(name):
    pytest.importorskip("matplotlib")
    sys.path.insert(0, str(EXAMPLES))  # the scripts import their _script helper
    try:
        spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(EXAMPLES))
    return module


@pytest.mark.parametrize("epochs", [8, 60], ids=["quick", "full"])
def test_learning_curve_panels_get_the_verdicts_they_promise(epochs, capsys):
    module = _load("learning_curves")
    from zoo.datasets import make_classification

    X, y = make_classification(3000, 20, n_classes=3, n_informative=8, random_state=0)
    figure = module.epoch_curves(X, y, epochs)
    verdicts = [line.rsplit(": ", 1)[1] for line in capsys.readouterr().out.splitlines()]
    assert verdicts == ["underfitting", "good", "overfitting"]
    titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
    assert [title.split(":")[0] for title in titles] == [
        "meant to show underfitting", "meant to show a good fit", "meant to show overfitting"]
    # The legend sits above the panels, not on any of them.
    assert all(ax.get_legend() is None for ax in figure.axes)
    assert figure.legends


def test_clusters_explain_the_grey_noise_points(tmp_path, monkeypatch):
    module = _load("clusters")
    monkeypatch.setattr(sys, "argv", ["clusters.py", "--quick", "--out", str(tmp_path)])
    module.main()
    figure = module.plt.gcf()
    # The DBSCAN panels do show noise points, in the colour the legend names.
    legend_texts = [text.get_text() for legend in figure.legends for text in legend.get_texts()]
    assert any("noise" in text and "label -1" in text for text in legend_texts), legend_texts
    from matplotlib.colors import to_rgb

    grey = [collection for ax in figure.axes for collection in ax.collections
            if len(collection.get_offsets()) and tuple(collection.get_facecolor()[0][:3]) == to_rgb(module.NOISE_COLOUR)]
    assert grey, "no grey noise points drawn"
    assert (tmp_path / "clusters.png").exists()
