"""Plots render Chinese labels with a font that has CJK glyphs, and are really produced."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kg.plots import _covers, bar_chart, cjk_font, heatmap, use_cjk_font  # noqa: E402


def test_plots_cjk_font_is_installed_and_covers_chinese():
    found = cjk_font()
    assert found is not None, "install fonts-noto-cjk (make test does)"
    family, path = found
    assert _covers(path, "德州天衢新区京津冀协同发展")
    assert use_cjk_font() == family


def test_plots_probe_rejects_a_latin_only_font():
    from matplotlib import font_manager

    dejavu = font_manager.findfont("DejaVu Sans")
    assert not _covers(dejavu, "德州")


def test_plots_bar_chart_png_uses_cjk_font(tmp_path):
    frame = pd.DataFrame({"label": ["德州天衢新区", "定州市", "长治高新区"], "score": [3.0, 2.0, 1.0]})
    ax = bar_chart(frame, "label", "score", title="协作枢纽")
    out = tmp_path / "hubs.png"
    ax.figure.savefig(out, dpi=80)
    assert out.stat().st_size > 2000
    from matplotlib.font_manager import findfont, FontProperties

    used = findfont(FontProperties(family=matplotlib.rcParams["font.sans-serif"][0]))
    assert _covers(used, "".join(frame["label"]))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["长治高新区", "定州市", "德州天衢新区"]


def test_plots_heatmap_labels_and_values(tmp_path):
    matrix = pd.DataFrame([[0, 2], [1, 0]], index=["北京市", "德州市"], columns=["北京市", "德州市"])
    ax = heatmap(matrix, title="城市流")
    ax.figure.savefig(tmp_path / "flows.png", dpi=80)
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == ["1", "2"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["北京市", "德州市"]
