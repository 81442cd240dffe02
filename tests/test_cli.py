import subprocess
import sys

import pytest

from soe_analysis.cli import VERBS, build_parser, main


def test_every_built_verb_has_help(capsys):
    parser = build_parser()
    built = [v for v in VERBS if v in parser._subparsers._group_actions[0].choices]
    assert {"ingest", "validate", "headline"} <= set(built)
    for verb in built:
        with pytest.raises(SystemExit) as exit_info:
            main([verb, "--help"])
        assert exit_info.value.code == 0
        assert "usage: soe-analysis " + verb in capsys.readouterr().out


def test_unknown_verb_and_bad_month_are_usage_errors(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    assert main(["headline", "--as-of", "2022-13"]) == 2
    err = capsys.readouterr().err
    assert "as_of must be a month written YYYY-MM" in err and "Traceback" not in err


def test_console_script_runs_as_module():
    done = subprocess.run([sys.executable, "-m", "soe_analysis", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "ingest" in done.stdout
