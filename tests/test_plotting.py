"""The plotting style: Chinese labels render with no missing glyph whichever CJK font matplotlib
picks, on a machine with a system CJK font (Noto CJK from the distribution, say) and without one
(the font bundled with the ``mplfonts`` wheel then)."""

from __future__ import annotations

import logging
import warnings

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from soe_analysis.plots.style import cjk_font_path, set_style  # noqa: E402

# 资产 (assets), 负债 (liabilities), 亿元 (unit), full-width brackets, hyphen-minus, U+2212
NEEDED = "资产负债亿元利润（）-\u2212"


def _missing(path, chars: str = NEEDED) -> list[str]:
    """The characters a font file has no glyph for (a .ttc is read at the face matplotlib chose)."""
    font = font_manager.get_font(path)
    return [c for c in chars if font.get_char_index(ord(c)) == 0]


def _draw_chinese_chart() -> tuple[list[str], str]:
    """Draw a chart with Chinese labels; returns the glyph/font warnings and its text."""
    fig, ax = plt.subplots()
    ax.bar(["交发集团", "交运集团"], [-6.46, -3.61])
    ax.set_title("利润总额（亿元）Total profit")
    fig.suptitle("资产负债率 debt ratio −1.5")
    ax.set_ylabel("亿元")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    text = "".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))
    plt.close(fig)
    return [str(w.message) for w in caught], text


def _glyph_problems(messages: list[str]) -> list[str]:
    return [m for m in messages if "glyph" in m.lower() or "findfont" in m.lower()]


@pytest.fixture
def without_system_cjk_fonts(monkeypatch):
    """The font manager as on a machine with no CJK font installed (nor one registered yet)."""
    manager = font_manager.fontManager
    monkeypatch.setattr(manager, "ttflist", [f for f in manager.ttflist if "CJK" not in f.name])
    manager._findfont_cached.cache_clear()  # lookups made with the full list must not be reused
    yield
    manager._findfont_cached.cache_clear()


def test_bundled_font_is_cjk_with_needed_glyphs():
    assert _missing(str(cjk_font_path())) == [], f"missing from {cjk_font_path().name}"


def test_set_style_picks_a_font_with_every_glyph_our_labels_need():
    family = set_style()
    assert matplotlib.rcParams["font.sans-serif"][0] == family
    assert matplotlib.rcParams["axes.unicode_minus"] is False  # plain hyphen for negatives
    chosen = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert _missing(chosen) == [], chosen


def test_chinese_chart_renders_without_missing_glyphs(caplog):
    set_style()
    caplog.set_level(logging.WARNING, logger="matplotlib")
    messages, text = _draw_chinese_chart()
    messages += [r.getMessage() for r in caplog.records]
    assert "利润总额" in text
    assert _glyph_problems(messages) == []


def test_without_a_system_cjk_font_the_bundled_one_is_used(without_system_cjk_fonts, caplog):
    family = set_style()
    resolved = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert str(resolved) == str(cjk_font_path()), family
    caplog.set_level(logging.WARNING, logger="matplotlib")
    messages, _ = _draw_chinese_chart()
    assert _glyph_problems(messages + [r.getMessage() for r in caplog.records]) == []


def test_a_font_without_cjk_glyphs_would_be_caught():
    # the checks above can fail: DejaVu Sans has the minus signs but no Chinese
    dejavu = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    assert _missing(dejavu) == list("资产负债亿元利润（）")


def test_titles_use_a_weight_the_font_has():
    set_style()
    # the bundled font has only weight 400; "bold" would log a findfont warning in every notebook
    assert matplotlib.rcParams["axes.titleweight"] == "normal"
    assert matplotlib.rcParams["figure.titleweight"] == "normal"
