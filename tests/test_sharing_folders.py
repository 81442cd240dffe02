"""The batch never destroys what it did not make: foreign folders, a period's other reports, a
concurrent run's outputs, published reports on Ctrl-C; and its workers die with it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.batch_fixtures import tiny_panel, write_notebook
from soe_analysis import cli
from soe_analysis import report as batch
from soe_analysis.errors import SoeError, UsageError
from soe_analysis.report.batch import cap_jobs
from soe_analysis.report.folders import LOCK, adopt_other_notebooks, out_dir_lock

ROOT = Path(__file__).resolve().parent.parent
PERIOD = batch.ReportPeriod("2022-10", "2022-10")
MONTHS = ["2022-09", "2022-10"]


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def _no_as_of_notebooks(tmp_path: Path) -> Path:
    """A notebook refused before any kernel starts: the batch runs fast, and still writes."""
    folder = tmp_path / "nb"
    folder.mkdir(exist_ok=True)
    write_notebook(folder / "10_no_as_of.ipynb", 'lang: str = "zh"')
    return folder


def test_a_foreign_period_folder_is_kept_and_nothing_touched(tmp_path):
    out = tmp_path / "out"
    (out / "2022-10").mkdir(parents=True)
    (out / "2022-10" / "flash_report.csv").write_text("raw data, not a report")
    before = _tree(out)
    with pytest.raises(SoeError, match="2022-10: exists and was not made by soe-analysis report"):
        batch.run_batch([PERIOD], notebooks_dir=_no_as_of_notebooks(tmp_path), out_dir=out, progress=False)
    assert _tree(out) == before and sorted(p.name for p in out.iterdir()) == ["2022-10"]


def test_a_foreign_index_or_linked_folder_is_kept(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("<p>somebody's page</p>")
    with pytest.raises(SoeError, match="index.html: exists and was not made"):
        batch.run_batch([PERIOD], notebooks_dir=_no_as_of_notebooks(tmp_path), out_dir=out, progress=False)
    assert (out / "index.html").read_text() == "<p>somebody's page</p>"
    (out / "index.html").unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "run.json").write_text("{}")  # even with a manifest, a link is not the batch's folder
    (out / "2022-10").symlink_to(elsewhere)
    with pytest.raises(SoeError, match="not made by soe-analysis report"):
        batch.run_batch([PERIOD], notebooks_dir=_no_as_of_notebooks(tmp_path), out_dir=out, progress=False)
    assert (out / "2022-10").is_symlink() and _tree(elsewhere) == {"run.json": "{}"}


def test_cli_foreign_folder_is_a_one_line_error_exit_1(tmp_path, monkeypatch, capsys):
    from soe_analysis import config

    monkeypatch.setattr(config, "NOTEBOOKS_DIR", _no_as_of_notebooks(tmp_path))
    panel = tiny_panel(tmp_path / "panel.parquet", months=MONTHS)
    (tmp_path / "out" / "2022-10").mkdir(parents=True)
    code = cli.main(["report", "--period", "2022-10", "--panel", str(panel), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "was not made by soe-analysis report" in err[0]


def test_partial_rerun_keeps_the_other_notebooks_files_and_entries(tmp_path):
    previous, stage = tmp_path / "2022-10", tmp_path / "stage"
    previous.mkdir()
    stage.mkdir()
    for name in ("10_a.html", "10_a.shared.html", "20_b.html"):
        (previous / name).write_text(f"old {name}")
    (previous / "run.json").write_text(json.dumps({
        "label": "2022-10", "as_of": "2022-10", "built_at": "2026-01-01 00:00 UTC", "notebooks": [
            {"notebook": "10_a", "status": "ok", "files": {"html": "10_a.html", "shared": "10_a.shared.html"}},
            {"notebook": "20_b", "status": "ok", "files": {"html": "20_b.html"}},
            {"notebook": "30_c", "status": "ok", "files": {"html": "../../escape.html"}}]}))
    (stage / "20_b.html").write_text("new 20_b.html")
    manifest = {"label": "2022-10", "notebooks": [{"notebook": "20_b", "status": "failed", "files": {"html": "20_b.html"}}]}
    adopt_other_notebooks(previous, stage, manifest)
    assert [nb["notebook"] for nb in manifest["notebooks"]] == ["10_a", "20_b", "30_c"]
    assert manifest["notebooks"][0]["built_at"] == "2026-01-01 00:00 UTC"  # says when it was made
    assert manifest["notebooks"][1]["status"] == "failed"  # this run's entry wins
    assert manifest["notebooks"][2]["files"] == {}  # a name outside the folder is never followed
    assert _tree(stage) == {"10_a.html": "old 10_a.html", "10_a.shared.html": "old 10_a.shared.html",
                            "20_b.html": "new 20_b.html"}


def test_a_second_run_into_the_same_folder_exits_with_a_message(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with out_dir_lock(out):
        with pytest.raises(SoeError, match=rf"another soe-analysis report \(pid {os.getpid()}\) is writing there"):
            batch.run_batch([PERIOD], notebooks_dir=_no_as_of_notebooks(tmp_path), out_dir=out, progress=False)
        assert sorted(p.name for p in out.iterdir()) == [LOCK]  # the second run wrote nothing
    result = batch.run_batch([PERIOD], notebooks_dir=_no_as_of_notebooks(tmp_path), out_dir=out, progress=False)
    assert result.index.exists()  # the lock is released with the first run


def test_usage_errors_exit_2_with_one_line(tmp_path, capsys):
    panel = tiny_panel(tmp_path / "panel.parquet", months=MONTHS)
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    for out in (a_file, a_file / "below"):
        code = cli.main(["report", "--period", "2022-10", "--panel", str(panel), "--out", str(out)])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1 and "--out" in err[0] and "internal error" not in err[0], err
    for jobs in ("0", "x", "-3"):
        with pytest.raises(SystemExit) as exc:
            cli.main(["report", "--period", "2022-10", "--jobs", jobs])
        assert exc.value.code == 2
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
    with pytest.raises(UsageError):
        cap_jobs(0)


def test_jobs_are_capped_at_the_number_of_cores():
    cores = os.cpu_count() or 1
    assert cap_jobs(None) == (cores, None)
    assert cap_jobs(1) == (1, None)
    jobs, note = cap_jobs(cores + 998)
    assert jobs == cores and note == f"--jobs {cores + 998} capped at {cores}, the number of cores"


# ------------------------------------------------------------- signals (real kernels, subprocesses)

_SLOW = ('as_of: str = "2022-10"',
         "import os, pathlib, time\n"
         "pathlib.Path(os.environ['SOE_TEST_PIDS'], f'{os.getpid()}').write_text(str(os.getppid()))\n"
         "time.sleep(600)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")  # zombies are gone


def _wait_for(predicate, limit: float = 120.0) -> bool:
    """Poll (a guard against hanging, not a timing assertion)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def _start_slow_batch(tmp_path: Path):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    for name in ("10_slow", "20_slow", "30_slow", "40_slow"):
        write_notebook(notebooks / f"{name}.ipynb", *_SLOW)
    panel = tiny_panel(tmp_path / "panel.parquet", months=MONTHS)
    out = tmp_path / "out"
    (out / "2022-10").mkdir(parents=True)
    (out / "2022-10" / "run.json").write_text('{"label": "2022-10", "notebooks": []}')
    (out / "2022-10" / "10_slow.shared.html").write_text("published earlier")
    pids = tmp_path / "pids"
    pids.mkdir()
    code = ("import sys; from soe_analysis import cli, config; from pathlib import Path; "
            f"config.NOTEBOOKS_DIR = Path({str(notebooks)!r}); sys.exit(cli.main(sys.argv[1:]))")
    env = {**os.environ, "SOE_TEST_PIDS": str(pids), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", code, "report", "--period", "2022-10", "--jobs", "2",
                             "--panel", str(panel), "--out", str(out)],
                            env=env, stderr=subprocess.PIPE, text=True)
    assert _wait_for(lambda: len(list(pids.iterdir())) >= 1 or proc.poll() is not None), "no kernel started"
    assert proc.poll() is None, proc.stderr.read()
    kernels = {int(p.name): int(p.read_text()) for p in pids.iterdir()}  # kernel pid → worker pid
    return proc, out, kernels


@pytest.mark.notebook
def test_ctrl_c_stops_kernels_keeps_published_outputs_and_exits_130(tmp_path):
    proc, out, kernels = _start_slow_batch(tmp_path)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)  # the queued notebooks are never run
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "soe-analysis report: interrupted"
    assert _wait_for(lambda: not any(_alive(p) for pair in kernels.items() for p in pair)), kernels
    assert sorted(p.name for p in out.iterdir()) == [LOCK, "2022-10"]  # no staging left, no index
    assert (out / "2022-10" / "10_slow.shared.html").read_text() == "published earlier"


@pytest.mark.notebook
def test_workers_and_kernels_die_with_a_killed_main_process(tmp_path):
    proc, out, kernels = _start_slow_batch(tmp_path)
    proc.kill()  # SIGKILL: no handler runs in the main process
    proc.communicate(timeout=60)
    assert _wait_for(lambda: not any(_alive(p) for pair in kernels.items() for p in pair)), kernels
    assert (out / "2022-10" / "10_slow.shared.html").read_text() == "published earlier"


def test_jobs_start_longest_first_by_earlier_runs(tmp_path):
    from soe_analysis.report.batch import _longest_first

    for label, seconds in (("2022-10", {"10_a": 3.0, "20_b": 40.0}), ("2022-11", {"10_a": 5.0})):
        (tmp_path / label).mkdir()
        (tmp_path / label / "run.json").write_text(json.dumps({"label": label, "notebooks": [
            {"notebook": name, "seconds": s} for name, s in seconds.items()]}))
    jobs = [{"notebook": f"/nb/{name}.ipynb", "label": label}
            for label in ("2023-01", "2023-02") for name in ("10_a", "20_b", "30_new")]
    ordered = [(Path(j["notebook"]).stem, j["label"]) for j in _longest_first(jobs, tmp_path)]
    assert ordered == [("20_b", "2023-01"), ("20_b", "2023-02"), ("10_a", "2023-01"), ("10_a", "2023-02"),
                       ("30_new", "2023-01"), ("30_new", "2023-02")]
