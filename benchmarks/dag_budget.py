"""A preset's whole DAG from scratch, each rule's time against the share its preset's `budget` gives it.

    python benchmarks/dag_budget.py --preset cpu                  # runs `snakemake --cores 4 report` afresh
    python benchmarks/dag_budget.py --preset cpu --run results/cpu  # reads a finished run's times instead

The run goes to a results folder of its own (--results-dir, default scratch/budget), so the project's run is
left alone; the data folder is shared. Prints each rule's wall seconds (Snakemake's benchmark files), its
budget, and the total against the preset's total, and exits 1 when the whole run is over its budget.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from genreport.config import load_preset
from genreport.store.manifest import rule_wall_times

ROOT = Path(__file__).resolve().parent.parent


def run_dag(preset: str, results_dir: Path, cores: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--cores",
            str(cores),
            "report",
            "--config",
            f"preset={preset}",
            f"results_dir={results_dir}",
        ],
        cwd=ROOT,
        check=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="cpu")
    parser.add_argument("--run", type=Path, help="a finished run's folder (results/<preset>) to read, not rerun")
    parser.add_argument("--results-dir", type=Path, default=ROOT / "scratch" / "budget")
    parser.add_argument("--cores", type=int, default=4)
    args = parser.parse_args()

    budget = {rule: minutes * 60 for rule, minutes in load_preset(args.preset).get("budget", {}).items()}
    wall = None
    run = args.run
    if run is None:
        run = args.results_dir.resolve() / args.preset
        if run.exists():
            parser.error(f"{run} exists: remove it, so the DAG runs from scratch")
        wall = run_dag(args.preset, args.results_dir.resolve(), args.cores)
    times = rule_wall_times(run / "benchmarks")
    print(f"{'rule':36s} {'seconds':>8s} {'budget':>8s}")
    for rule in sorted({*times, *budget}, key=lambda name: -times.get(name, 0)):
        spent, share = times.get(rule), budget.get(rule)
        over = "  over" if spent is not None and share is not None and spent > share else ""
        print(
            f"{rule:36s} {spent if spent is not None else float('nan'):8.0f} "
            f"{share if share is not None else float('nan'):8.0f}{over}"
        )
    total, allowed = sum(times.values()), sum(budget.values())
    print(f"{'all rules':36s} {total:8.0f} {allowed:8.0f}")
    if wall is not None:
        print(f"wall time of the whole command: {wall:.0f} s")
    sys.exit(1 if budget and total > allowed else 0)


if __name__ == "__main__":
    main()
