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
    from pathlib import Path

    # what importing the chart modules loads is checked in a fresh interpreter by
    # tests/test_sharing_speed.py; imports are lazy, so read the sources too: only set_style's rare
    # non-notebook scale uses seaborn
    root = Path(__file__).resolve().parent.parent
    uses = {path.name: path.read_text().count("import seaborn") for path in (root / "soe_analysis" / "plots").glob("*.py")}
    assert {name: n for name, n in uses.items() if n} == {"style.py": 1}


# --- every figure fits its canvas: notebooks print it as laid out, uncropped (set_style) ---------

def _overflow_px(fig) -> float:
    """How far (pixels) the figure's drawn content reaches beyond its canvas; 0 when it fits.

    The content box is the one ``bbox_inches="tight"`` would crop to: every text, tick label,
    legend and colour bar in the layout."""
    fig.canvas.draw()
    box = fig.get_tightbbox(fig.canvas.get_renderer()).transformed(fig.dpi_scale_trans)
    width, height = fig.canvas.get_width_height()
    return max(0.0, -box.x0, -box.y0, box.x1 - width, box.y1 - height)


def _own_figure_charts(panel):
    """(name, draw) for every library plot function that makes its own figure, on the shipped panel
    (long Chinese enterprise and driver names, rotated tick labels, a colour bar, legends below)."""
    import numpy as np
    import pandas as pd

    from soe_analysis import backtest, backtest_scores, drivers, risk, targets
    from soe_analysis.io.panel import coverage
    from soe_analysis.overview import group_totals
    from soe_analysis.plots import drivers as drv
    from soe_analysis.plots import financing, overview, style

    br = drivers.bridge(panel, pd.Period("2022-10", "M"), pd.Period("2021-10", "M"))
    totals = group_totals(panel, pd.Period("2022-10", "M"))
    basis = pd.DataFrame({"basis": ["annual_run_rate", "in_year", "npv"], "saving_yi": [21.52, 5.5, 30.1],
                          "matches_published": [True, False, False]})
    basis.attrs["published"] = {"saving_yi": 21.52}
    groups = pd.DataFrame({"annual_run_rate_yi": [6.6, 4.4], "in_year_yi": [3.6, 2.8], "npv_yi": [8.4, 5.5]},
                          index=pd.Index(["国资运营公司", "交发集团"], name="enterprise"))
    scenarios = pd.DataFrame({"scenario": ["flat", "down_25bp"], "annual_run_rate_yi": [21.5, 22.1],
                              "lifetime_yi": [38.1, 39.2], "npv_yi": [32.7, 33.8]})
    loans = pd.DataFrame({"swap_date": pd.to_datetime(["2022-01-15", "2022-06-30"]), "amount_yi": [3.0, 8.0],
                          "old_rate_pct": [7.8, 9.5], "new_rate_pct": [3.9, 4.8]})
    lpr = pd.DataFrame({"effective_date": pd.to_datetime(["2021-12-20", "2022-05-20"]),
                        "lpr_1y_pct": [3.8, 3.7], "lpr_5y_pct": [4.65, 4.45]})
    required = pd.DataFrame({"required_monthly": [33.9, 31.7], "past_monthly": [20.5, 22.1],
                             "name_zh": ["资产总额", "研发经费增长"], "name_en": ["Total assets", "R&D growth"]})
    pooled = pd.DataFrame({"metric": ["revenue_yi", "profit_yi"], "method": ["nested", "run_rate"],
                           "coverage80_pct": [78.0, 40.0], "coverage95_pct": [93.0, 60.0]})
    record = pd.DataFrame({"method": ["nested", "nested", "run_rate", "run_rate"], "month": [3, 6, 3, 6],
                           "year": 2021, "point_level": [96.0, 98.0, 70.0, 88.0], "actual_level": 100.0,
                           "in80": 1.0, "in95": 1.0}).assign(pe_pct=lambda r: r["point_level"] - 100.0,
                                                             ape_pct=lambda r: (r["point_level"] - 100.0).abs())
    reliability = {"next": pd.DataFrame({"mean_p": [0.2, 0.8], "observed": [0.1, 0.9], "n": [14, 35]})}
    fan = {"origin": "2022-10", "kind": "level", "flow_stock": "stock", "ytd": 3300.0, "target_value": 3500.0,
           "name_zh": "资产总额", "name_en": "Total assets", "unit": "亿元", "p_reach": 0.4, "coverage80_pct": 80.0}
    path = pd.Series([3200.0, 3260.0, 3325.44], index=[8, 9, 10])
    return [
        ("coverage", lambda: style.plot_coverage(coverage(panel), title="报送覆盖 Reports received")),
        ("bridge", lambda: drv.plot_bridge(br)),
        ("heatmap", lambda: drv.plot_heatmap(br)),
        ("ranking", lambda: drv.plot_ranking(br, top=12)),
        ("balance_sheet", lambda: overview.plot_balance_sheet(totals)),
        ("ytd_by_year", lambda: overview.plot_ytd_by_year(totals, 10)),
        ("risk_matrix", lambda: overview.plot_risk_matrix(risk.assess(panel, pd.Period("2022-10", "M")))),
        ("basis", lambda: financing.plot_basis(basis)),
        ("by_group", lambda: financing.plot_by_group(groups)),
        ("rates_vs_lpr", lambda: financing.plot_rates_vs_lpr(loans, lpr)),
        ("scenarios", lambda: financing.plot_scenarios(scenarios)),
        ("required", lambda: targets.plot_required(required)),
        ("fan", lambda: targets.plot_fan(fan, np.linspace(3400, 3600, 50), path, target_year=2022)),
        ("mape_by_month", lambda: backtest.plot_mape_by_month(record, title="revenue_yi, next")),
        ("backtest_coverage", lambda: backtest.plot_coverage(pooled)),
        ("reliability", lambda: backtest_scores.plot_reliability(reliability)),
    ]


def test_every_own_figure_fits_its_canvas_after_the_layout(shipped_panel):
    from soe_analysis.io.panel import load_panel

    set_style()
    panel = load_panel(shipped_panel)
    overflow = {}
    for name, draw in _own_figure_charts(panel):
        fig = draw().figure
        overflow[name] = round(_overflow_px(fig), 1)
        plt.close(fig)
    assert {name: px for name, px in overflow.items() if px > 0.5} == {}


def test_the_fit_check_sees_a_figure_not_laid_out():
    import pandas as pd

    from soe_analysis.plots.drivers import waterfall

    set_style()
    fig, ax = plt.subplots(figsize=(6, 3))  # the caller's figure: not laid out by waterfall
    waterfall(1.0, pd.Series({"收入规模(按基期利润率)": 0.5, "毛利变动(收入扣除其他成本)": -0.2}), start_label="2021年1-10月",
              end_label="2022年1-10月", ax=ax)
    assert _overflow_px(fig) > 20  # rotated labels hang below the canvas
    fig.tight_layout()
    assert _overflow_px(fig) == 0
    plt.close(fig)


@pytest.mark.parametrize("style_first", [False, True], ids=["pyplot-first", "style-first"])
def test_set_style_makes_the_inline_backend_draw_each_figure_once_uncropped(tmp_path, style_first):
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    # in a fresh process, a shell as in a notebook kernel: the inline backend chosen by MPLBACKEND and
    # wired in when first used; a cell leaves its figure open for the backend to print after the cell
    code = """if True:
        import base64, json, struct, sys
        import matplotlib.figure
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        shell.display_formatter.active_types = ["text/plain", "image/png"]
        pngs, draws = [], []
        shell.display_pub.publish = lambda data, *a, **k: pngs.append(data.get("image/png"))
        draw = matplotlib.figure.Figure.draw
        matplotlib.figure.Figure.draw = lambda fig, renderer: (draws.append(1), draw(fig, renderer))[1]
        cell = ("import matplotlib.pyplot as plt\\nfig, ax = plt.subplots(figsize=(4, 3), dpi=100)\\n"
                "ax.plot([0, 1])\\nax.set_axis_off()\\nfig.tight_layout()")  # ink in the middle only

        def run():
            pngs.clear(), draws.clear()
            shell.run_cell(cell)
            (png,) = [p for p in pngs if p]
            return {"size": list(struct.unpack(">II", base64.b64decode(png)[16:24])), "draws": len(draws)}

        from soe_analysis.plots.style import set_style
        got = {}
        if sys.argv[1] == "style-first":
            set_style()
        else:
            got["unstyled"] = run()
            set_style()
        got["styled"] = run()
        print(json.dumps(got))
    """
    done = subprocess.run([sys.executable, "-c", code, "style-first" if style_first else "pyplot-first"],
                          capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(root), "PATH": "", "HOME": str(tmp_path),  # IPython's profile
                               "MPLBACKEND": "module://matplotlib_inline.backend_inline"})
    got = json.loads(done.stdout.strip().splitlines()[-1])
    if not style_first:  # the inline backend's own way: cropped to the ink, the figure drawn thrice
        assert got["unstyled"]["size"][0] < 400 and got["unstyled"]["size"][1] < 300
        assert got["unstyled"]["draws"] == 3
    assert got["styled"] == {"size": [400, 300], "draws": 1}  # 4 × 3 in at 100 dpi: the whole canvas


def test_set_style_outside_ipython_leaves_ipython_unimported():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = "import sys\nfrom soe_analysis.plots.style import set_style\nset_style()\nprint('IPython' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(root), "MPLBACKEND": "Agg", "PATH": ""})
    assert done.stdout.strip() == "False"
