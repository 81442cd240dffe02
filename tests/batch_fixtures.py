"""Tiny notebooks and a tiny panel for the batch tests (kept small: each notebook starts a kernel)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd

EVIL = "<script>alert(1)</script>"


def write_notebook(path: Path, parameters: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    pcell = nbformat.v4.new_code_cell(parameters)
    pcell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}"), pcell]
    nb.cells += [nbformat.v4.new_code_cell(src) if not src.startswith("#md ") else
                 nbformat.v4.new_markdown_cell(src[4:]) for src in cells]
    nbformat.write(nb, path)
    return path


def figures_notebook(folder: Path) -> Path:
    """Records key figures, shows the provenance line, a table with a hostile enterprise name, prints it."""
    return write_notebook(
        folder / "10_figures.ipynb",
        'as_of: str = "2022-10"\nlang: str = "zh"',
        "import pandas as pd\nfrom soe_analysis import display\nfrom soe_analysis.io import panel as P\n"
        "from soe_analysis.periods import parse_month\n"
        "month = parse_month(as_of)\n"
        "data = P.as_of(P.load_panel(), month)\n"
        "display.show_provenance(data, lang=lang)",
        "#md 本报告 **演示** text",
        "rows = data[data['period'] == as_of]\n"
        "display.record_key_figures({'total_assets_yi': round(float(rows['total_assets'].sum()), 2),\n"
        "                            'as_of': as_of, 'lang': lang, 'largest': rows.sort_values('total_assets').enterprise.iloc[-1]})\n"
        "print('enterprises:', ', '.join(rows.enterprise))\n"
        "rows[['enterprise', 'total_assets']]",
    )


def failing_notebook(folder: Path) -> Path:
    return write_notebook(
        folder / "20_fails.ipynb",
        'as_of: str = "2022-10"',
        "x = 1",
        "raise ValueError(f'boom at {as_of}')",
        "print('never reached')",
    )


def chart_notebook(folder: Path) -> Path:
    """Chinese text and a matplotlib figure; takes as_of but not lang."""
    return write_notebook(
        folder / "30_chart.ipynb",
        'as_of: str = "2022-10"',
        "import matplotlib.pyplot as plt\nfrom soe_analysis.plots.style import set_style\n"
        "from soe_analysis import display\nset_style()\ndisplay.show_provenance(('flash', 'demonstration', ''))",
        "#md ## 利润总额图 chart",
        "fig, ax = plt.subplots(figsize=(4, 2.5))\n"
        "ax.bar(['交发集团', '交运集团'], [-6.46, -3.61])\nax.set_title('利润总额（亿元）')\nplt.show()",
    )


def tiny_panel(path: Path, months=("2022-09", "2022-10", "2023-01", "2023-02"),
               dataset: str = "demonstration") -> Path:
    rows = []
    for period in months:
        year, month = int(period[:4]), int(period[5:])
        for name, assets in (("交发集团", 100.0), (EVIL, 20.5)):
            rows.append({"enterprise": name, "period": period, "year": year, "month": month,
                         "total_assets": assets, "dataset": dataset})
    pd.DataFrame(rows).to_parquet(path)
    return path


def tiny_batch(root: Path, *makers, jobs: int = 2):
    """``report`` for 2022-10 of the notebooks ``makers`` write into ``root/notebooks``, on
    :func:`tiny_panel`; returns the BatchResult (its reports in ``root/reports``)."""
    from soe_analysis import report

    notebooks = root / "notebooks"
    notebooks.mkdir()
    for make in makers:
        make(notebooks)
    return report.run_batch([report.ReportPeriod("2022-10", "2022-10")], notebooks_dir=notebooks,
                            out_dir=root / "reports", jobs=jobs, panel_path=tiny_panel(root / "panel.parquet"),
                            dataset="demonstration", progress=False)
