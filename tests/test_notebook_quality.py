"""notebooks/00_data_quality.ipynb on a small ingested project (its panel given as panel_path)."""

import pytest

from soe_analysis.io.ingest import ingest
from tests.nbrun import run_notebook
from tests.test_ingest import _two_years


@pytest.fixture(scope="module")
def two_year_panel(tmp_path_factory):
    """Two enterprises, 2021-10 … 2022-10, ingested into a temporary processed folder."""
    home = tmp_path_factory.mktemp("two_years")
    _two_years(home / "raw")
    assert ingest(home / "raw", home / "processed").ok
    return home / "processed" / "panel.parquet"


@pytest.mark.notebook
def test_data_quality_notebook_runs_on_a_given_panel(tmp_path, two_year_panel):
    figures = run_notebook("00_data_quality.ipynb", tmp_path, {"as_of": "2022-10", "panel_path": str(two_year_panel)})
    # two enterprises, months 2021-10 … 2022-10 (13), each reported twice → 2 × 11 missing
    assert figures["enterprises"] == 2 and figures["months"] == 13
    assert figures["missing_enterprise_months"] == 22
    assert figures["warnings"] == 2  # one month-gap warning per enterprise, read from beside that panel


@pytest.mark.notebook
def test_data_quality_notebook_refuses_a_month_without_data(tmp_path, two_year_panel):
    from papermill import PapermillExecutionError  # imported by the test that needs it, not at collection

    with pytest.raises(PapermillExecutionError, match="no data in the panel"):
        run_notebook("00_data_quality.ipynb", tmp_path, {"as_of": "2030-01", "panel_path": str(two_year_panel)})
