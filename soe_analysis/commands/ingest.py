"""`soe-analysis ingest`: raw flash reports → data/processed (panel + data-quality table)."""

HELP = "read data/raw flash reports, validate them and write the panel to data/processed"


def add_arguments(parser):
    parser.add_argument("--raw", metavar="DIR", help="folder of flash-report files (default: data/raw/flash_reports)")
    parser.add_argument("--out", metavar="DIR", help="output folder (default: data/processed)")
    parser.add_argument("--aliases", metavar="FILE", help="enterprise alias file (default: data/raw/enterprise_aliases.csv)")
    parser.add_argument("--limit", type=int, default=30, help="findings to print (default 30)")


def run(args) -> int:
    import sys
    from pathlib import Path

    from .. import config
    from ..io.ingest import ingest
    from ..io.validation import format_quality

    out = Path(args.out) if args.out else config.PROCESSED_DIR
    result = ingest(args.raw, out, args.aliases)
    table = result.quality
    n_err = int((table["severity"] == "error").sum()) if len(table) else 0
    n_warn = int((table["severity"] == "warning").sum()) if len(table) else 0
    if n_err:
        print(format_quality(table, args.limit), file=sys.stderr)
        print(f"ingest stopped: {n_err} error(s), {n_warn} warning(s) in {len(result.files)} file(s); "
              f"nothing written", file=sys.stderr)
        return 1
    if n_warn:
        print(format_quality(table, args.limit))
    panel = result.panel
    print(f"ingested {len(result.files)} file(s): {len(panel)} rows, {panel['enterprise'].nunique()} enterprises, "
          f"{panel['period'].min()} to {panel['period'].max()} ({n_warn} warning(s)) → {out / 'panel.parquet'}")
    return 0
