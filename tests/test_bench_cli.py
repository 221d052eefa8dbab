"""Every benchmark answers ``--help`` with its usage at once, without running (nor writing its
results), and the cheapest one runs its ``--quick`` version."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MODULES = ["bench", "bench.region", "bench.reminders", "bench.delivery", "bench.export"]
MODULES += ["bench.matching", "bench.memory", "bench.throughput", "bench.startup"]


def _results() -> dict[str, float]:
    return {path.name: path.stat().st_mtime for path in RESULTS.glob("*.json")}


def _run(*arguments: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize("module", MODULES)
def test_help_prints_the_usage_and_runs_nothing(module: str) -> None:
    before = _results()
    started = time.monotonic()
    done = _run(module, "--help", timeout=60)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: python -m {module} [-h] [--quick]"), done.stdout
    assert "--quick" in done.stdout.split("options:", 1)[1]
    # Only the imports: a benchmark that ran would take far longer (and print its figures).
    assert took < 30, f"python -m {module} --help took {took:.1f} s"
    assert _results() == before


@pytest.mark.parametrize("module", MODULES)
def test_an_unknown_option_is_refused_with_the_usage(module: str) -> None:
    done = _run(module, "--quik", timeout=60)
    assert done.returncode == 2
    assert f"usage: python -m {module}" in done.stderr and "--quik" in done.stderr


def test_the_quick_versions_of_the_cheapest_benchmarks_run_and_keep_the_results() -> None:
    before = _results()
    # About ten seconds: the claim on 100,000 reminders and matching at a tenth of the sizes.
    done = _run("bench", "--only", "reminders", "--only", "matching", "--quick", timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Due-reminder claim on 100,000 rows (20,000 pending):" in done.stdout
    assert "reminders_due" in done.stdout  # the claim's plan uses the partial index
    assert "whole run (propose), big college" in done.stdout
    assert "assignment_within_memory_goal=True" in done.stdout
    assert "Export of the largest school" not in done.stdout  # only the chosen ones ran
    assert _results() == before  # a quick run does not overwrite the real figures
