"""Speed of the main job, ``computelimits reproduce``, side by side with a baseline commit.

Both versions run in the same benchmark run, on the same machine and data: the baseline is
checked out with ``git worktree`` into a temporary folder and imported from there. Each run
is a fresh interpreter that calls ``computelimits.report.build.reproduce`` with a progress
callback, so every stage (theory, data, fits, trends, extrapolation, backtests, forecasts,
render …) gets its own wall-clock and CPU time; "non-theory" is everything after the theory
stage. Runs use a fresh download/parse cache (cold) and then the same cache again (warm).

    python benchmarks/bench_report.py                      # --quick, baseline 59145b4
    python benchmarks/bench_report.py --full               # the full run as well
    python benchmarks/bench_report.py --baseline HEAD~3

Prints a table of seconds per stage and the ratio baseline / current. Not a CI test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The last commit before issue 11's speed work.
DEFAULT_BASELINE = "59145b4"

_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
t0 = time.perf_counter(); c0 = time.process_time()
from computelimits.report.build import reproduce
marks = [("import", time.perf_counter() - t0, time.process_time() - c0)]
last = [time.perf_counter(), time.process_time(), "start"]

def progress(stage, msg):
    now, cpu = time.perf_counter(), time.process_time()
    marks.append((last[2], now - last[0], cpu - last[1]))
    last[:] = [now, cpu, stage]

reproduce(sys.argv[2], quick=sys.argv[3] == "quick", seed=0, workers=int(sys.argv[4]),
          progress=progress)
now, cpu = time.perf_counter(), time.process_time()
marks.append((last[2], now - last[0], cpu - last[1]))
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print("BENCH" + json.dumps({"stages": marks, "children_cpu": kids.ru_utime + kids.ru_stime}))
"""


def _run(src: Path, out: Path, mode: str, workers: int, env: dict[str, str]) -> dict:
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(src), str(out), mode,
                           str(workers)], capture_output=True, text=True, env=env, check=False)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("BENCH")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"run failed ({src}):\n{proc.stderr[-3000:]}")
    data = json.loads(line[5:])
    stages: dict[str, list[float]] = {}
    for name, wall, cpu in data["stages"]:
        if name == "start":
            continue
        w, c = stages.get(name, [0.0, 0.0])
        stages[name] = [w + wall, c + cpu]
    return {"stages": stages, "children_cpu": data["children_cpu"]}


def _totals(res: dict) -> dict[str, tuple[float, float]]:
    st = res["stages"]
    non = [v for k, v in st.items() if k not in ("theory", "import")]
    return {"theory": tuple(st.get("theory", [0.0, 0.0])),
            "non-theory": (sum(v[0] for v in non), sum(v[1] for v in non)),
            "import": tuple(st.get("import", [0.0, 0.0])),
            "total": (sum(v[0] for v in st.values()), sum(v[1] for v in st.values()))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default=DEFAULT_BASELINE, help="git commit to compare with")
    ap.add_argument("--full", action="store_true", help="also time the full (non-quick) run")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-report-"))
    base_tree = tmp / "baseline"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                    str(base_tree), args.baseline], check=True)
    env = dict(os.environ)
    env.setdefault("COMPUTELIMITS_DATA", str(ROOT.parent / "shared" / "data"))
    try:
        modes = ["quick", "full"] if args.full else ["quick"]
        rows = []
        for mode in modes:
            for label, src in (("baseline", base_tree / "src"), ("current", ROOT / "src")):
                cache = tmp / f"cache-{label}-{mode}"
                run_env = {**env, "COMPUTELIMITS_CACHE": str(cache)}
                for warmth in ("cold", "warm"):
                    res = _run(src, tmp / f"out-{label}-{mode}-{warmth}", mode, args.workers,
                               run_env)
                    rows.append((mode, label, warmth, res))
                    tot = _totals(res)
                    print(f"{mode:5} {label:8} {warmth:4}  " + "  ".join(
                        f"{k} {w:6.1f} s wall {c:6.1f} s cpu" for k, (w, c) in tot.items()),
                        flush=True)
        print()
        for mode in modes:
            for warmth in ("cold", "warm"):
                b = next(r[3] for r in rows if r[:3] == (mode, "baseline", warmth))
                c = next(r[3] for r in rows if r[:3] == (mode, "current", warmth))
                print(f"{mode} / {warmth} cache — seconds per stage (wall, CPU of this "
                      "process); ratio = baseline / current")
                names = list(dict.fromkeys([*b["stages"], *c["stages"]]))
                for name in names:
                    bw, bc = b["stages"].get(name, [0.0, 0.0])
                    cw, cc = c["stages"].get(name, [0.0, 0.0])
                    ratio = f"{bw / cw:5.2f}×" if cw > 0.05 else "   – "
                    print(f"  {name:14} baseline {bw:7.2f} ({bc:7.2f})  current {cw:7.2f} "
                          f"({cc:7.2f})  {ratio}")
                bt, ct = _totals(b), _totals(c)
                for k in ("non-theory", "total"):
                    print(f"  {k:14} baseline {bt[k][0]:7.2f} ({bt[k][1]:7.2f})  current "
                          f"{ct[k][0]:7.2f} ({ct[k][1]:7.2f})  "
                          f"{bt[k][0] / max(ct[k][0], 1e-9):5.2f}×")
                print(f"  theory workers' CPU: baseline {b['children_cpu']:.1f} s, current "
                      f"{c['children_cpu']:.1f} s")
                print()
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                        str(base_tree)], check=False)


if __name__ == "__main__":
    main()
