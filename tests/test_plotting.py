"""The plotting style: a CJK font with the glyphs our charts need, and no glyph/font warnings."""

from __future__ import annotations

import logging
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402

from matplotlib import font_manager  # noqa: E402

from soe_analysis.plots.style import cjk_font_path, set_style  # noqa: E402


def test_bundled_font_is_cjk_with_needed_glyphs():
    font = TTFont(str(cjk_font_path()), lazy=True)
    cmap = font.getBestCmap()
    # 资产 (assets), 负债 (liabilities), 亿元 (unit), full-width brackets, hyphen-minus, U+2212
    for char in "资产负债亿元利润（）-\u2212":
        assert ord(char) in cmap, f"{char!r} (U+{ord(char):04X}) missing from {cjk_font_path().name}"


def test_set_style_selects_the_bundled_font():
    family = set_style()
    assert family == "Noto Sans CJK SC"
    assert matplotlib.rcParams["font.sans-serif"][0] == family
    assert matplotlib.rcParams["axes.unicode_minus"] is False  # plain hyphen for negatives
    resolved = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert resolved == str(cjk_font_path())


def test_drawing_chinese_text_emits_no_glyph_or_font_warnings(caplog):
    set_style()
    caplog.set_level(logging.WARNING, logger="matplotlib")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.bar(["交发集团", "交运集团"], [-6.46, -3.61])
        ax.set_title("利润总额（亿元）Total profit")
        fig.suptitle("资产负债率 debt ratio −1.5")
        ax.set_ylabel("亿元")
        fig.canvas.draw()
        plt.close(fig)
    messages = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "glyph" in m.lower() or "findfont" in m.lower()], messages


def test_titles_use_a_weight_the_font_has():
    set_style()
    # the bundled font has only weight 400; "bold" would log a findfont warning in every notebook
    assert matplotlib.rcParams["axes.titleweight"] == "normal"
    assert matplotlib.rcParams["figure.titleweight"] == "normal"
