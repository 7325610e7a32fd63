"""Start-up time of the CLI as a user meets it: the whole process, median of 5 runs each.

    .venv/bin/python scripts/startup_time.py

Times ``dragmesh --help`` and ``dragmesh info`` on the built-in example, each as a fresh process
(the interpreter, the imports and the command), and prints the median and the range.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 5
DRAGMESH = str(Path(sys.executable).with_name("dragmesh"))
EXAMPLE = str(Path(__file__).resolve().parents[1] / "dragmesh" / "assets" / "cabinet.glb")
COMMANDS = {"dragmesh --help": [DRAGMESH, "--help"], "dragmesh info cabinet.glb": [DRAGMESH, "info", EXAMPLE]}


def main() -> int:
    for name, argv in COMMANDS.items():
        seconds = []
        for _ in range(RUNS):
            start = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            seconds.append(time.perf_counter() - start)
        print(f"{name}: {statistics.median(seconds):.2f} s median of {RUNS} "
              f"({min(seconds):.2f}-{max(seconds):.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
