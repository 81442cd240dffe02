"""Every notebook run once per session with its defaults on the shipped panel (given as its
``panel_path`` parameter), as a researcher first runs it in JupyterLab; the tests below assert on
that one run: no error and nothing on stderr (no glyph or font warnings), its charts embedded, a
banner saying what the data is, and the published figures where the notebook shows them.

Other modules assert on the same runs (test_drivers, test_financing, test_forecast,
test_backtest): they ask ``shipped_run``/``notebook_run`` for the same notebook and parameters,
and the run happens once per session, whichever xdist worker asks first.
"""

from __future__ import annotations

import re

import pytest

from tests.nbrun import NOTEBOOKS

NAMES = [p.name for p in sorted(NOTEBOOKS.glob("*.ipynb"))]
# what each notebook's banners say the data is: the panel and register are demonstration data,
# the LPR (03) and the national releases (05) are real
# what each page's one provenance line must name: the demonstration panel, and the real public
# series (national releases, LPR, the published targets) where the page uses them
DATASETS = {"00_data_quality": {"demonstration"}, "01_overview": {"demonstration", "real"},
            "02_profit_drivers": {"demonstration"}, "03_financing_savings": {"demonstration", "real"},
            "04_target_forecast": {"demonstration", "real"}, "05_method_backtest": {"real"}}


def each_notebook():
    return [pytest.param(name, id=name[:-6]) for name in NAMES]


pytestmark = pytest.mark.notebook


def test_every_notebook_is_covered():
    assert sorted(DATASETS) == [name[:-6] for name in NAMES]


@pytest.mark.parametrize("name", each_notebook())
def test_runs_clean_and_records_key_figures(shipped_run, name):
    run = shipped_run(name)
    outputs = run.outputs()
    assert [o.ename for o in outputs if o.output_type == "error"] == []
    stderr = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert stderr == [], stderr  # warnings (a missing glyph, a font not found) land here
    assert run.figures, "the notebook recorded no key figures"


@pytest.mark.parametrize("name", each_notebook())
def test_charts_are_embedded(shipped_run, name):
    images = [o for o in shipped_run(name).outputs() if "image/png" in o.get("data", {})]
    assert len(images) >= 1


@pytest.mark.parametrize("name", each_notebook())
def test_banner_says_what_the_data_is(shipped_run, name):
    html = "".join(o.get("data", {}).get("text/html", "") for o in shipped_run(name).outputs())
    lines = re.findall(r'class="soe-provenance" data-datasets="([\w ]+)"', html)
    assert len(lines) == 1, "one provenance line per page"
    assert set(lines[0].split()) == DATASETS[name[:-6]]


def test_data_quality_on_the_shipped_panel(shipped_run):
    figures = shipped_run("00_data_quality.ipynb").figures
    # ten groups, every month 2019-01 … 2022-10 (4 × 12 − 2 = 46) reported, ingest without warnings
    assert figures == {"enterprises": 10, "months": 46, "missing_enterprise_months": 0, "warnings": 0,
                       "dataset": "demonstration"}


def test_overview_reproduces_the_published_figures(shipped_run):
    figures = shipped_run("01_overview.ipynb").figures
    assert figures["total_assets_yi"] == 3325.44      # 资产总额3325.44亿元
    assert figures["total_assets_yoy_pct"] == 7.98    # 同比增长7.98%
    assert figures["revenue_ytd_yi"] == 288.46        # 营业总收入288.46亿元
    assert figures["total_profit_ytd_yi"] == -5.41    # 利润总额-5.41亿元


def test_overview_says_which_year_on_year_base_it_used(shipped_run):
    from soe_analysis.text.narrative import yoy_basis_note

    printed = "".join(o.text for o in shipped_run("01_overview.ipynb").outputs()
                      if o.output_type == "stream" and o.name == "stdout")
    # 2022's shipped reports print no 上年同期 column: both compare with 2021's own reports
    assert yoy_basis_note("panel_prior_year", "zh", subject="headline") in printed
    assert yoy_basis_note("panel_prior_year", "zh", subject="indicators") in printed
    assert yoy_basis_note("reported_prior_year", "zh", subject="headline") not in printed
