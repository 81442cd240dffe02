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


def test_heatmap_puts_the_first_row_on_top_leaves_gaps_blank_and_inks_by_shade():
    import numpy as np
    from matplotlib.colors import ListedColormap

    from soe_analysis.plots.style import heatmap

    fig, ax = plt.subplots()
    values = np.array([[1.0, np.nan], [2.0, 1.0]])
    annot = np.array([["a", "gap"], ["b", "c"]], dtype=object)
    # 1 → white cell, 2 → black cell
    heatmap(values, ax, row_labels=["甲", "乙"], col_labels=["x", "y"], cmap=ListedColormap(["white", "black"]),
            norm=plt.Normalize(1, 2), annot=annot)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["甲", "乙"]
    assert ax.get_ylim() == (2.0, 0.0)  # y grows downwards: row 0 (甲) is drawn at the top
    ink = {t.get_text(): (t.get_position(), t.get_color()) for t in ax.texts}
    assert "gap" not in ink  # a NaN cell is blank, its label not printed
    assert ink["a"] == ((0.5, 0.5), ".15")  # dark ink on the white cell of row 0, column 0
    assert ink["b"] == ((0.5, 1.5), "w")  # white ink on the black cell below it
    plt.close(fig)


def test_growth_bars_one_per_value_in_series_order_and_none_for_a_gap():
    import pandas as pd

    from soe_analysis.plots.overview import plot_growth_comparison

    rows = [(2021, 6, "6月", "city", "本市", 5.0), (2021, 6, "6月", "national", "全国", 2.0),
            (2021, 9, "9月", "city", "本市", None), (2021, 9, "9月", "national", "全国", -1.0)]
    comp = pd.DataFrame(rows, columns=["year", "month", "period_label", "scope", "series", "yoy_pct"]).assign(
        measure="revenue", dataset="demonstration")
    ax = plot_growth_comparison(comp)
    bars = sorted((round(p.get_x() + p.get_width() / 2, 2), p.get_height()) for p in ax.patches)
    # categories at 0 and 1, two series side by side (width 0.4 each): the city's 9月 bar is missing
    assert bars == [(-0.2, 5.0), (0.2, 2.0), (1.2, -1.0)]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["本市", "全国"]
    plt.close("all")


def test_charts_draw_without_seaborn():
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = ("import sys, json\nfrom soe_analysis.plots import drivers, financing, overview, style\n"
            "print(json.dumps(sorted(m for m in ('seaborn', 'scipy', 'statsmodels') if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(root), "MPLBACKEND": "Agg", "PATH": ""})
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
    # imports are lazy, so read the sources too: only set_style's rare non-notebook scale uses seaborn
    uses = {path.name: path.read_text().count("import seaborn") for path in (root / "soe_analysis" / "plots").glob("*.py")}
    assert {name: n for name, n in uses.items() if n} == {"style.py": 1}
