"""Measure the memory of ``dragmesh articulate --jobs`` over a long batch.

Writes a JSON-lines file of N jobs on the built-in example (door and drawer drags alternating, every
10th job also exporting NPZ+JSON, every 50th a bad drag that must fail), runs the batch in a
subprocess and samples its resident set size (VmRSS, Linux) every 0.2 s. Prints RSS after the
first 10% of jobs and at the end, and the growth between them.

    python scripts/batch_memory.py [N=1000]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dragmesh.commands.demo import DRAGS, example_path


def rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main(n: int = 1000) -> None:
    with tempfile.TemporaryDirectory(prefix="dragmesh-batch-") as tmp:
        jobs = Path(tmp) / "jobs.jsonl"
        with jobs.open("w") as f:
            for i in range(n):
                part, point, vector = DRAGS[i % 2]
                job = {"mesh": str(example_path()), "part": part, "drag_point": point, "drag_vector": vector,
                       "seed": i}
                if i % 10 == 0:
                    job.update(out=str(Path(tmp) / "out"), export="npz,json", name=f"job{i % 100}")
                if i % 50 == 49:
                    job["drag_vector"] = [0, 0, 0]
                f.write(json.dumps(job) + "\n")
        start = time.time()
        proc = subprocess.Popen([sys.executable, "-m", "dragmesh", "articulate", "--jobs", str(jobs), "--json",
                                 "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        samples = []  # (jobs done, rss MiB)
        done = 0
        import selectors

        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        while True:
            if sel.select(timeout=0.2):
                line = proc.stdout.readline()
                if not line:
                    break
                done += 1
            rss = rss_mib(proc.pid)
            if rss is not None:
                samples.append((done, rss))
        proc.wait()
        elapsed = time.time() - start
        err = proc.stderr.read().strip().splitlines()
    early = [r for d, r in samples if d <= n // 10]
    late = [r for d, r in samples if d >= n - n // 10]
    peak = max(r for _, r in samples)
    print(f"{n} jobs in {elapsed:.1f} s ({elapsed / n * 1e3:.1f} ms/job), exit {proc.returncode}; {err[-1] if err else ''}")
    print(f"RSS after {n // 10} jobs: {max(early):.1f} MiB; over the last {n // 10}: {max(late):.1f} MiB; "
          f"peak {peak:.1f} MiB; growth {max(late) - max(early):+.1f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
