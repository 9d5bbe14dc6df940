"""How long `xrewards-desk serve --demo` takes until it listens: on a fresh data folder
(the demo is built, the first start) and on the folder it built (the warm start), each
as its own process; prints both and ``ratio to warm start: X.XX`` (issue 21 item 3: at
most 4). Not part of CI.

    .venv/bin/python tests/benchmarks/bench_demo_start.py [--runs 2] [--warm-runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def start(folder: Path) -> float:
    """Seconds from starting `serve --demo` on `folder` until its port file is written
    (it listens then); the server is stopped after."""
    exe = Path(sys.executable).with_name("xrewards-desk")
    port_file = folder / "port"
    port_file.unlink(missing_ok=True)
    t0 = time.perf_counter()
    server = subprocess.Popen([exe, "serve", "--demo", "--data-dir", str(folder), "--port", "0",
                               "--port-file", str(port_file)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        while not port_file.exists():
            if server.poll() is not None:
                raise RuntimeError("serve --demo stopped: "
                                   + (server.stderr.read() if server.stderr else b"").decode())
            if time.perf_counter() - t0 > 600:
                raise RuntimeError("serve --demo did not listen within 10 minutes")
            time.sleep(0.02)
        return time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(timeout=60)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="first starts (fresh folders)")
    parser.add_argument("--warm-runs", type=int, default=3, help="starts on a built demo")
    args = parser.parse_args()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load average "
          f"{load()}", flush=True)
    firsts, warms = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            folder = Path(tmp) / f"demo-{run}"
            firsts.append(start(folder))
            print(f"  first start: {firsts[-1]:.2f} s (load {load()})", flush=True)
        for _ in range(args.warm_runs):
            warms.append(start(Path(tmp) / "demo-0"))
            print(f"  warm start:  {warms[-1]:.2f} s (load {load()})", flush=True)
    first, warm = statistics.median(firsts), statistics.median(warms)
    print(f"first start (median of {len(firsts)}): {first:.2f} s; warm start (median of "
          f"{len(warms)}): {warm:.2f} s")
    print(f"ratio to warm start: {first / warm:.2f}")
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
