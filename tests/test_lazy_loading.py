"""What a command pays before it works: the CLI and planning import no parser, no Arrow,
no LightGBM and no fsspec for a local raw store; loaders are declared as data, imported
when they first run, and their declared code fingerprint is the one they compute."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

from backcourt.pipeline.catalog import REGISTRY, pipeline
from backcourt.pipeline.phase2.loader import RawFileLoader
from backcourt.pipeline.phase2.specs import LOADER as RAW_FILES
from backcourt.pipeline.phase5.predictions import PredictionLoader
from backcourt.pipeline.phase5.specs import LOADER as PREDICTIONS
from backcourt.rawstore import RawStore
from backcourt.registry.pipeline import LoaderSpec

HEAVY = ("pyarrow", "numpy", "lightgbm", "fsspec", "backcourt.pipeline.phase2.loader",
         "backcourt.pipeline.phase5.predictions", "backcourt.sources.sim")


def _imported_after(code: str) -> set[str]:
    probe = (f"import sys\n{code}\n"
             f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.strip()
    return set(filter(None, out.split(",")))


def test_cli_import_is_light():
    assert _imported_after("import backcourt.cli") == set()


def test_help_imports_no_library():
    """``backcourt --help`` (the start-up every command pays) loads no engine, no settings
    model, no raw store and no Rich: commands reach them when they run."""
    code = ("import runpy, sys\nsys.argv = ['backcourt', '--help']\n"
            "try:\n    runpy.run_module('backcourt', run_name='__main__')\n"
            "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
            "heavy = ('duckdb', 'pydantic', 'backcourt.rawstore.store', 'rich.console',\n"
            "         'typer.rich_utils', 'backcourt.ledger', 'backcourt.config')\n"
            "sys.stderr.write(','.join(m for m in heavy if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert "plan" in done.stdout and "validate" in done.stdout   # the commands are listed
    assert done.stderr.strip().splitlines()[-1:] in ([], [""]), done.stderr


def test_planning_a_warehouse_imports_no_loader(tmp_path, sim_raw):
    code = f"""
from datetime import date
from backcourt import app
from backcourt.config import Settings
from backcourt.planner import make_plan
ctx = app.open_context(Settings(warehouse={str(tmp_path / 'w.duckdb')!r}, raw={sim_raw!r}))
plan = make_plan(ctx, ctx.registry.processors, date(2023, 10, 24), date(2023, 11, 5))
assert len(plan.processors) == len(ctx.registry.processors), plan.processors
assert plan.to_run > 0
"""
    assert _imported_after(code) == set()


def test_declared_fingerprints_are_the_loaders_own():
    gamebook = REGISTRY.get("gamebook_player_stats")
    predictions = REGISTRY.get("player_prop_predictions")
    assert RawFileLoader(workers=1).fingerprint(gamebook) == RAW_FILES.fingerprint()
    assert PredictionLoader().fingerprint(predictions) == PREDICTIONS.fingerprint()
    # a setting that changes the output changes the fingerprint
    assert (PredictionLoader(min_training_rows=10).fingerprint(predictions)
            != PREDICTIONS.fingerprint())
    assert RAW_FILES.fingerprint() != PREDICTIONS.fingerprint()
    assert RawFileLoader.extra_tables == RAW_FILES.extra_tables
    assert PredictionLoader.extra_tables == PREDICTIONS.extra_tables


def test_pipeline_builds_a_declared_loader_once():
    pipe = pipeline()
    assert all(isinstance(v, LoaderSpec) for v in pipe.loaders.values())
    first = pipe.loader("raw_files")
    assert isinstance(first, RawFileLoader) and pipe.loader("raw_files") is first
    # an object put in place of a declaration (as tests do) is used as it is
    mine = PredictionLoader(min_training_rows=5)
    pipe.loaders[PREDICTIONS_NAME] = mine
    assert pipe.loader(PREDICTIONS_NAME) is mine
    assert (pipe.loader_fingerprint(PREDICTIONS_NAME, REGISTRY.get("player_prop_predictions"))
            == mine.fingerprint(REGISTRY.get("player_prop_predictions")))


PREDICTIONS_NAME = "phase5_predictions"


def test_local_store_needs_no_fsspec(tmp_path):
    code = f"""
from datetime import date
from backcourt.rawstore import RawStore
s = RawStore({str(tmp_path / 'raw')!r})
s.write("nba_scoreboard", date(2024, 1, 2), "a.json", b"{{}}")
assert [f.name for f in s.list_files("nba_scoreboard", date(2024, 1, 2))] == ["a.json"]
assert s.read_bytes(s.list_files("nba_scoreboard", date(2024, 1, 2))[0]) == b"{{}}"
assert s.fingerprint("nba_scoreboard", date(2024, 1, 2))
"""
    assert "fsspec" not in _imported_after(code)
    store = RawStore(f"file://{tmp_path / 'raw'}")   # a file:// URL is the same folder
    assert store.root == str(tmp_path / "raw")
    assert store.list_dates("nba_scoreboard") == [date(2024, 1, 2)]


def test_a_run_logged_to_a_pipe_imports_no_rich(tmp_path, sim_raw):
    """A run whose stderr is a log or a pipe (cron, CI, a benchmark) gets plain progress
    lines: it needs no Rich (a tenth of a second of imports), which bars on a terminal do."""
    day = "2023-10-24"
    code = ("import runpy, sys\n"
            f"sys.argv = ['backcourt', 'run', '--phase', '2', '--processor', 'schedule', "
            f"'--start', '{day}', '--end', '{day}', '--json', "
            f"'--warehouse', {str(tmp_path / 'w.duckdb')!r}, '--raw', {sim_raw!r}]\n"
            "try:\n    runpy.run_module('backcourt', run_name='__main__')\n"
            "except SystemExit as exc:\n"
            "    print('rich' if 'rich.console' in sys.modules else 'no rich', exc.code,"
            " file=sys.stderr)\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env)
    lines = done.stderr.strip().splitlines()
    assert lines[-1] == "no rich 0", done.stderr[-2000:]
    assert any("finished: succeeded" in line for line in lines), lines   # the log lines


def test_building_arrow_rows_imports_no_pandas(tmp_path, sim_raw):
    """pyarrow imports pandas (with numpy, 0.2-0.35 s) the first time it checks whether
    its input is a pandas object; backcourt never hands it one, so a Phase 2 run builds
    and writes its Arrow rows without pandas. A conversion that needs pandas still gets it."""
    day = "2023-10-24"
    code = ("import runpy, sys\n"
            f"sys.argv = ['backcourt', 'backfill', '--phases', '2', "
            f"'--start', '{day}', '--end', '{day}', '--json', "
            f"'--warehouse', {str(tmp_path / 'w.duckdb')!r}, '--raw', {sim_raw!r}]\n"
            "try:\n    runpy.run_module('backcourt', run_name='__main__')\n"
            "except SystemExit as exc:\n"
            "    print('pandas' if 'pandas' in sys.modules else 'no pandas', exc.code,"
            " file=sys.stderr)\n"
            "from backcourt.arrow import pa\n"
            "assert pa.array([None, 'x']).null_count == 1\n"
            "print('pandas' if 'pandas' in sys.modules else 'no pandas', file=sys.stderr)\n"
            "import pandas\n"
            "frame = pa.table({'x': [1, None]}).to_pandas()\n"
            "assert isinstance(frame, pandas.DataFrame) and frame.shape == (2, 1)\n"
            "assert pa.Table.from_pandas(frame).num_rows == 2\n"
            "print('converted', file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    lines = done.stderr.strip().splitlines()
    assert lines[-3:] == ["no pandas 0", "no pandas", "converted"], done.stderr[-2000:]
