"""The ``soe-analysis`` command line.

Each verb lives in ``soe_analysis/commands/<verb>.py`` with ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int``; command modules import heavy libraries inside ``run`` so ``--help`` is
fast. Exit codes: 0 ok, 1 data or analysis error, 2 usage error. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import SoeError

VERBS = ("ingest", "validate", "headline", "indicators", "drivers", "savings", "forecast", "backtest", "report")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="soe-analysis",
                     description="Municipal SOE flash-report analysis (财务快报分析).")
    sub = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    for verb in VERBS:
        try:
            module = importlib.import_module(f"soe_analysis.commands.{verb}")
        except ModuleNotFoundError as exc:
            if exc.name != f"soe_analysis.commands.{verb}":
                raise
            continue  # verb not built yet
        p = sub.add_parser(verb, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args._run(args) or 0)
    except SoeError as exc:
        print(f"soe-analysis {args.verb}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # output piped into head & co.: not an error of ours
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(f"soe-analysis {args.verb}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: still one line, with a pointer for the developers
        print(f"soe-analysis {args.verb}: internal error: {type(exc).__name__}: {exc} "
              f"(set SOE_ANALYSIS_DEBUG=1 for the traceback)", file=sys.stderr)
        if __import__("os").environ.get("SOE_ANALYSIS_DEBUG"):
            raise
        return 1


if __name__ == "__main__":
    sys.exit(main())
