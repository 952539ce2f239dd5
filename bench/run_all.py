"""Every benchmark in one command: ``python bench/run_all.py`` (add ``--full`` for the 1,000,000-row matching).

Each script prints its own figures beside a baseline measured in the same run; this only
runs them one after another with the repository on the path, and stops at the first that fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = (
    "parse_accuracy.py",
    "parse_variants.py",
    "parse_speed.py",
    "bench_feeds.py",
    "crawl_bench.py",
    "signup_bench.py",
    "match_bench.py",
    "send_bench.py",
)


def main() -> int:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    for script in SCRIPTS:
        extra = ["--full"] if script == "match_bench.py" and "--full" in sys.argv[1:] else []
        print(f"\n=== {script} ===", flush=True)
        code = subprocess.call([sys.executable, str(ROOT / "bench" / script), *extra], env=env, cwd=ROOT)
        if code:
            print(f"{script} exited with {code}", file=sys.stderr)
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
