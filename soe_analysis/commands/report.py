"""``soe-analysis report``: every notebook for each period, as executed notebooks and HTML."""

from __future__ import annotations

import os
from pathlib import Path

from .. import config

HELP = ("execute every notebook for each period with papermill and write the HTML reports "
        "(full and shared) with an index.html")


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _jobs(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_arguments(parser) -> None:
    parser.add_argument("--period", action="append", required=True, metavar="P",
                        help="a quarter (2022Q4: as of its last month with data), a month (2022-10) "
                             "or a range (2023Q1..2023Q3); repeat for several")
    parser.add_argument("--notebooks", type=_names, metavar="NAME,...",
                        help="only these notebooks (file name, stem or number prefix); default all "
                             "in notebooks/")
    parser.add_argument("--jobs", type=_jobs, default=os.cpu_count() or 1, metavar="N",
                        help="notebooks executed at once (default and maximum: number of cores, %(default)s)")
    parser.add_argument("--out", type=Path, default=config.REPORTS_DIR, metavar="DIR",
                        help="reports folder, one sub-folder per period (default: reports/)")
    parser.add_argument("--lang", choices=("zh", "en"), default=config.DEFAULT_LANG,
                        help="report language for notebooks that take lang (default: %(default)s)")
    parser.add_argument("--panel", type=Path, default=config.PANEL_FILE, metavar="PATH",
                        help="processed panel to report on (default: data/processed/panel.parquet)")


def run(args) -> int:
    import sys

    from ..io.panel import dataset_label, load_panel
    from ..report import resolve_periods, run_batch
    from ..report.batch import cap_jobs

    jobs, note = cap_jobs(args.jobs)
    if note:
        print(f"soe-analysis report: note: {note}", file=sys.stderr)
    panel = load_panel(args.panel)
    periods = resolve_periods(args.period, panel["period"].unique())
    for period in periods:
        if period.quarter:
            print(period.note("en"), file=sys.stderr)
    result = run_batch(periods, notebooks=args.notebooks, out_dir=args.out, jobs=jobs,
                       lang=args.lang, panel_path=args.panel, dataset=dataset_label(panel))
    for label, nb in result.failures:
        cell = f" (In [{nb['error_cell']}])" if nb.get("error_cell") is not None else ""
        print(f"soe-analysis report: {label} {nb['notebook']} failed{cell}: {nb['error']}", file=sys.stderr)
    total = len(result.runs)
    kept = sum(len(m["notebooks"]) for m in result.periods) - total
    print(f"{total - len(result.failures)} of {total} notebook runs succeeded"
          + (f" ({kept} earlier report(s) of these periods kept)" if kept else ""), file=sys.stderr)
    print(result.index)
    return 0 if result.ok else 1
