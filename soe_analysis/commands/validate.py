"""`soe-analysis validate FILE...`: check raw files and print the data-quality table; writes nothing."""

HELP = "check flash-report files (or folders) and print the data-quality table; writes nothing"


def add_arguments(parser):
    parser.add_argument("files", nargs="+", metavar="FILE", help="flash-report .csv/.xlsx files or folders")
    parser.add_argument("--aliases", metavar="FILE", help="enterprise alias file (default: data/raw/enterprise_aliases.csv)")
    parser.add_argument("--panel", metavar="PATH",
                        help="processed panel used as history for unit checks (default: data/processed/panel.parquet if present; 'none' to skip)")
    parser.add_argument("--limit", type=int, default=50, help="findings to print (default 50)")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")


def run(args) -> int:
    import json
    import sys
    from pathlib import Path

    import pandas as pd

    from .. import config
    from ..io.ingest import validate_files
    from ..io.validation import format_quality

    history = None
    panel_path = None if args.panel == "none" else Path(args.panel) if args.panel else config.PANEL_FILE
    if panel_path is not None and panel_path.exists():
        from ..io.panel import load_panel
        history = load_panel(panel_path)
    result = validate_files(args.files, args.aliases, history)
    table = result.quality
    n_err = int((table["severity"] == "error").sum()) if len(table) else 0
    n_warn = len(table) - n_err
    if args.json:
        rows = table.astype(object).where(pd.notna(table), None).to_dict("records")
        print(json.dumps({"files": result.files, "errors": n_err, "warnings": n_warn,
                          "rows": len(result.panel), "findings": rows}, ensure_ascii=False, indent=1))
    else:
        if len(table):
            print(format_quality(table, args.limit), file=sys.stderr if n_err else sys.stdout)
        print(f"{len(result.files)} file(s), {len(result.panel)} enterprise-month row(s): "
              f"{n_err} error(s), {n_warn} warning(s)")
    return 1 if n_err else 0
