import pytest

from soe_analysis.io.ingest import ingest
from tests.nbrun import run_notebook
from tests.test_ingest import _two_years


@pytest.mark.notebook
def test_data_quality_notebook_runs_on_a_given_project(tmp_path):
    home = tmp_path / "home"
    raw = home / "data" / "raw" / "flash_reports"
    _two_years(raw)
    assert ingest(raw, home / "data" / "processed").ok
    figures = run_notebook("00_data_quality.ipynb", tmp_path, {"as_of": "2022-10"},
                           env={"SOE_ANALYSIS_HOME": str(home)})
    # two enterprises, months 2021-10 … 2022-10 (13), each reported twice → 2 × 11 missing
    assert figures["enterprises"] == 2 and figures["months"] == 13
    assert figures["missing_enterprise_months"] == 22
    assert figures["warnings"] == 2  # one month-gap warning per enterprise


@pytest.mark.notebook
def test_data_quality_notebook_refuses_a_month_without_data(tmp_path):
    import papermill as pm

    home = tmp_path / "home"
    raw = home / "data" / "raw" / "flash_reports"
    _two_years(raw)
    ingest(raw, home / "data" / "processed")
    with pytest.raises(pm.PapermillExecutionError, match="no data in the panel"):
        run_notebook("00_data_quality.ipynb", tmp_path, {"as_of": "2030-01"}, env={"SOE_ANALYSIS_HOME": str(home)})
