"""Start-up and per-command time of the CLI, as ratios to a bare interpreter start.

    .venv/bin/python bench/bench_cli.py [--runs 7]

Each command runs ``--runs`` times on the shipped review (warm file cache, warm parse
cache); the median wall time is divided by the median of ``python -c "import yaml"`` in
the same run, and printed beside issue 18's goal. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COMMANDS = [  # (label, argv, goal as a multiple of the bare interpreter)
    ("reviewtools --version", [str(BIN / "reviewtools"), "--version"], 3),
    ("reviewtools status foot-massage", [str(BIN / "reviewtools"), "status", "foot-massage"], 8),
    ("reviewtools check foot-massage", [str(BIN / "reviewtools"), "check", "foot-massage"], 10),
]


def median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    bare = median_seconds([sys.executable, "-c", "import yaml"], args.runs)
    print(f"bare interpreter (python -c 'import yaml'): {bare * 1000:.0f} ms")
    print(f"{'command':36} {'median':>8} {'ratio':>6} {'goal':>6}  within")
    for label, argv, goal in COMMANDS:
        median_seconds(argv, 1)  # warm the caches
        seconds = median_seconds(argv, args.runs)
        ratio = seconds / bare
        print(f"{label:36} {seconds * 1000:6.0f} ms {ratio:5.1f}x {goal:5d}x  "
              f"{'yes' if ratio <= goal else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
