"""benchmarks/ingest.py keeps working (no timing is asserted: the script measures, this only runs it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import REPO


def test_ingest_benchmark_runs_on_a_few_articles(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "ingest.py"), "--articles", "6", "--json", str(out)],
        check=True,
        capture_output=True,
    )
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert set(figures) == {"plain text", "HTML"}
    assert all(row["articles"] == 6 and row["ratio"] > 0 for row in figures.values())
