"""Issue 21's goals for users' files that scale, measured against a baseline commit in the
same run: ``fit --data`` and ``backtest --data`` on large generated files, and
``reproduce --quick`` with a warm cache (CPU seconds, peak memory, the page's size), with
every table of the report compared value by value with the baseline's.

The baseline is checked out with ``git worktree`` into a temporary folder (this checkout's
state is not changed) and run from there; each command is a fresh interpreter
(``python -m computelimits ...`` with the tree's ``src`` first on the path). CPU seconds are
user + system of the command and its children; memory is the command's peak resident set
(sampled every 0.2 s; a command past ``--max-rss-gib`` or ``--timeout`` is stopped and said
so). Files (:mod:`_scaling_files`): generic layout, three benchmarks, about √N publications.

    python benchmarks/bench_scaling.py                       # everything, baseline HEAD
    python benchmarks/bench_scaling.py --only fit --fit-rows 100000,1000000
    python benchmarks/bench_scaling.py --only reproduce --baseline 9e3363a

Goals (issue 21): fit --data on 1M rows ≤ 60 CPU-s and linear from 100k to 1M; backtest
--data on 100k rows ≤ 120 CPU-s under 2 GiB; reproduce --quick warm ≤ 8 CPU-s; the page
≤ 2.5 MB; results unchanged. Not a CI test.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _scaling_files import make_scaling_file  # noqa: E402

#: Relative difference below which two numbers count as the same result (the fast paths
#: sum in another order: differences of a few units in the last place).
RTOL = 1e-9

#: Columns that hold measured running times, not results (they differ from run to run).
TIMINGS = frozenset({"seconds_mean", "seconds_sd", "seconds"})


# ------------------------------------------------------------------------------ running
def run(tree: Path, args: list[str], env: dict[str, str], *, timeout: float,
        max_rss_gib: float) -> dict:
    """Run ``python -m computelimits ARGS`` from ``tree``: CPU seconds (user + system, with
    children), wall seconds, peak RSS (MiB), exit code, whether it was stopped."""
    run_env = {**env, "PYTHONPATH": str(tree / "src")}
    with tempfile.TemporaryFile("w+") as fo, tempfile.TemporaryFile("w+") as fe:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "computelimits", *args], env=run_env,
                                stdout=fo, stderr=fe, text=True)
        peak, stopped = 0.0, None
        status = Path(f"/proc/{proc.pid}/status")
        while True:
            # wait4 reaps the command with its own rusage (its CPU and its children's)
            pid, code, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            try:
                rss = next(int(x.split()[1]) for x in status.read_text().splitlines()
                           if x.startswith("VmRSS:")) / 1024
                peak = max(peak, rss)
            except (OSError, StopIteration, ValueError):
                pass
            if peak > max_rss_gib * 1024:
                stopped = f"stopped at {peak / 1024:.2f} GiB"
            elif time.perf_counter() - t0 > timeout:
                stopped = f"stopped after {timeout:.0f} s"
            if stopped:
                proc.kill()
                _, code, ru = os.wait4(proc.pid, 0)
                break
            time.sleep(0.2)
        proc.returncode = os.waitstatus_to_exitcode(code)  # reaped here, not by Popen
        wall = time.perf_counter() - t0
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
    return {"cpu": ru.ru_utime + ru.ru_stime, "wall": wall,
            "peak_mib": max(peak, ru.ru_maxrss / 1024), "rc": proc.returncode,
            "stopped": stopped, "stdout": out, "stderr": err}


def fmt(r: dict | None) -> str:
    if r is None:
        return "not run"
    what = f"{r['cpu']:7.1f} CPU-s {r['wall']:7.1f} s wall {r['peak_mib']:7.0f} MiB"
    if r["stopped"]:
        return what + f"  ({r['stopped']})"
    if r["rc"] != 0:
        return what + f"  (exit {r['rc']}: {r['stderr'].strip().splitlines()[-1:]})"
    return what


# ---------------------------------------------------------------------- comparing results
def compare_values(a, b, where: str, out: dict) -> None:
    """Walk two JSON-like values; count numbers equal, equal within RTOL, different."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            out["different"].append(f"{where}: keys {sorted(set(a) ^ set(b))}")
        for k in set(a) & set(b):
            compare_values(a[k], b[k], f"{where}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out["different"].append(f"{where}: {len(a)} vs {len(b)} items")
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            compare_values(x, y, f"{where}[{i}]", out)
    elif isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(
            a, bool):
        one_cell(float(a), float(b), where, out)
    elif a != b:
        out["different"].append(f"{where}: {a!r} vs {b!r}")
    else:
        out["exact"] += 1


def one_cell(x: float, y: float, where: str, out: dict) -> None:
    if x == y or (math.isnan(x) and math.isnan(y)):
        out["exact"] += 1
        return
    rel = abs(x - y) / max(abs(x), abs(y))
    if math.isfinite(rel) and rel <= RTOL:
        out["close"] += 1
        out["max_rel"] = max(out["max_rel"], rel)
    else:
        out["different"].append(f"{where}: {x!r} vs {y!r}")


def compare_csv(fa: Path, fb: Path, out: dict) -> None:
    """Every cell of two CSV tables: the same columns and rows, numbers within RTOL."""
    import numpy as np
    import pandas as pd

    a = pd.read_csv(fa, keep_default_na=False, dtype=str)
    b = pd.read_csv(fb, keep_default_na=False, dtype=str)
    name = fa.name
    if len(a) != len(b):
        out["different"].append(f"{name}: {len(a)} rows vs {len(b)}")
        return
    if list(a.columns) != list(b.columns):
        out["different"].append(f"{name}: columns only in the baseline "
                                f"{sorted(set(a.columns) - set(b.columns))}, only in the "
                                f"current {sorted(set(b.columns) - set(a.columns))}; the "
                                "common ones compared")
    for col in [c for c in a.columns if c in b.columns]:
        if col in TIMINGS:
            out["timings"] += 1
            continue
        x, y = a[col].to_numpy(), b[col].to_numpy()
        same = x == y
        out["exact"] += int(same.sum())
        for i in np.flatnonzero(~same):
            try:
                one_cell(float(x[i]), float(y[i]), f"{name}[{i}, {col}]", out)
            except ValueError:
                out["different"].append(f"{name}[{i}, {col}]: {x[i]!r} vs {y[i]!r}")


def new_tally() -> dict:
    return {"exact": 0, "close": 0, "max_rel": 0.0, "different": [], "timings": 0}


def tally_text(t: dict) -> str:
    text = (f"{t['exact']:,} values identical, {t['close']:,} within {RTOL:g} "
            f"(largest relative difference {t['max_rel']:.1e}), {len(t['different'])} "
            "different")
    if t["timings"]:
        text += f" (and {t['timings']} columns of measured running times, not compared)"
    if t["different"]:
        text += ":\n      " + "\n      ".join(d[:300] for d in t["different"][:40])
    return text


# ------------------------------------------------------------------------------- the goals
def bench_fit(trees, env, tmp, sizes, base_max, args) -> None:
    print("\nfit --data FILE --benchmark mmlu --json (3 forms, 10,000 resamples each)",
          flush=True)
    for n in sizes:
        f = make_scaling_file(tmp / f"rows-{n}.csv", n)
        res = {}
        for label, tree in trees.items():
            if label == "baseline" and n > base_max:
                res[label] = None
                continue
            res[label] = run(tree, ["fit", "--data", str(f), "--benchmark", "mmlu", "--json"],
                             env, timeout=args.timeout, max_rss_gib=args.max_rss_gib)
        ratio = ""
        b, c = res.get("baseline"), res["current"]
        if b and not b["stopped"] and b["rc"] == 0 and c["rc"] == 0:
            t = new_tally()
            compare_values(json.loads(b["stdout"]), json.loads(c["stdout"]), "fit", t)
            ratio = f"  {b['cpu'] / c['cpu']:5.1f}× less CPU; output: " + tally_text(t)
        print(f"  {n:>9,} rows  baseline {fmt(b)}\n"
              f"  {'':>9}       current  {fmt(c)}{ratio}", flush=True)
        f.unlink()


def bench_backtest(trees, env, tmp, sizes, base_max, args) -> None:
    print("\nbacktest --data FILE --out OUT (rolling origin, every model, 2,000 resamples)",
          flush=True)
    for n in sizes:
        f = make_scaling_file(tmp / f"rows-{n}.csv", n)
        res, outs = {}, {}
        for label, tree in trees.items():
            if label == "baseline" and n > base_max:
                res[label] = None
                continue
            outs[label] = tmp / f"backtest-{label}-{n}.csv"
            res[label] = run(tree, ["backtest", "--data", str(f), "--out", str(outs[label])],
                             env, timeout=args.timeout, max_rss_gib=args.max_rss_gib)
        b, c = res.get("baseline"), res["current"]
        ratio = ""
        if b and b["rc"] == 0 and c["rc"] == 0 and not b["stopped"] and not c["stopped"]:
            t = new_tally()
            compare_csv(outs["baseline"], outs["current"], t)
            compare_csv(Path(f"{outs['baseline']}.predictions.csv"),
                        Path(f"{outs['current']}.predictions.csv"), t)
            ratio = (f"  {b['cpu'] / c['cpu']:5.1f}× less CPU; summary and predictions: "
                     + tally_text(t))
        print(f"  {n:>9,} rows  baseline {fmt(b)}\n"
              f"  {'':>9}       current  {fmt(c)}{ratio}", flush=True)
        f.unlink()


def bench_reproduce(trees, env, tmp, args) -> None:
    print("\nreproduce --quick, warm cache (a cold run first fills each tree's cache)",
          flush=True)
    res, outs = {}, {}
    for label, tree in trees.items():
        cache = tmp / f"cache-{label}"
        e = {**env, "COMPUTELIMITS_CACHE": str(cache)}
        cold = run(tree, ["reproduce", "--quick", "--out", str(tmp / f"cold-{label}")], e,
                   timeout=args.timeout, max_rss_gib=args.max_rss_gib)
        outs[label] = tmp / f"warm-{label}"
        warm = [run(tree, ["reproduce", "--quick", "--out", str(outs[label]), "--force"], e,
                    timeout=args.timeout, max_rss_gib=args.max_rss_gib)
                for _ in range(args.repeat)]
        best = min(warm, key=lambda r: r["cpu"])
        res[label] = best
        page = outs[label] / "index.html"
        size = page.stat().st_size / 1e6 if page.is_file() else math.nan
        each = ", ".join(f"{r['cpu']:.1f}" for r in warm)
        print(f"  {label:8}  cold {fmt(cold)}\n  {'':8}  warm {fmt(best)} (best of "
              f"{len(warm)}: {each} CPU-s); page {size:.2f} MB", flush=True)
    b, c = res["baseline"], res["current"]
    print(f"  warm CPU: baseline / current = {b['cpu'] / c['cpu']:.2f}×")
    t = new_tally()
    tables = sorted((outs["baseline"] / "tables").glob("*.csv"))
    missing = [p.name for p in tables if not (outs["current"] / "tables" / p.name).is_file()]
    extra = sorted(p.name for p in (outs["current"] / "tables").glob("*.csv")
                   if not (outs["baseline"] / "tables" / p.name).is_file())
    for p in tables:
        if p.name not in missing:
            compare_csv(p, outs["current"] / "tables" / p.name, t)
    for name in ("summary.json",):
        compare_values(json.loads((outs["baseline"] / name).read_text()),
                       json.loads((outs["current"] / name).read_text()), name, t)
    print(f"  every table ({len(tables)} CSV files and summary.json), value by value: "
          + tally_text(t))
    if missing or extra:
        print(f"  tables only in the baseline: {missing}; only in the current: {extra}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default="HEAD", help="git commit to compare with")
    ap.add_argument("--current", type=Path, default=ROOT,
                    help="the tree measured against the baseline (its src/ is run; default: "
                         "this checkout)")
    ap.add_argument("--only", choices=("fit", "backtest", "reproduce"), action="append",
                    help="run only these parts (repeatable)")
    ap.add_argument("--fit-rows", default="100000,1000000")
    ap.add_argument("--fit-baseline-max", type=int, default=100_000,
                    help="largest file the baseline fits (it took > 247 CPU-s on 1M rows)")
    ap.add_argument("--backtest-rows", default="1000,10000,100000")
    ap.add_argument("--backtest-baseline-max", type=int, default=1000,
                    help="largest file the baseline backtests (163 CPU-s, 2.8 GB on 10k)")
    ap.add_argument("--repeat", type=int, default=2, help="warm reproduce runs per tree")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per command")
    ap.add_argument("--max-rss-gib", type=float, default=4.0,
                    help="stop a command whose resident memory passes this")
    args = ap.parse_args()
    parts = args.only or ["fit", "backtest", "reproduce"]

    tmp = Path(tempfile.mkdtemp(prefix="bench-scaling-"))
    base_tree = tmp / "baseline"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                    str(base_tree), args.baseline], check=True)
    commit = subprocess.run(["git", "-C", str(base_tree), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=True).stdout.strip()
    env = dict(os.environ)
    env.setdefault("COMPUTELIMITS_DATA", str(ROOT.parent / "shared" / "data"))
    env["COMPUTELIMITS_DATA"] = str(Path(env["COMPUTELIMITS_DATA"]).resolve())
    env["COMPUTELIMITS_CACHE"] = str(tmp / "cache")
    env["COLUMNS"] = "160"
    trees = {"baseline": base_tree, "current": args.current.resolve()}
    print(f"baseline {commit} (git worktree in {base_tree}); current: the working tree "
          f"{trees['current']}; {os.cpu_count()} CPUs", flush=True)
    try:
        if "fit" in parts:
            bench_fit(trees, env, tmp, [int(x) for x in args.fit_rows.split(",")],
                      args.fit_baseline_max, args)
        if "backtest" in parts:
            bench_backtest(trees, env, tmp, [int(x) for x in args.backtest_rows.split(",")],
                           args.backtest_baseline_max, args)
        if "reproduce" in parts:
            bench_reproduce(trees, env, tmp, args)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                        str(base_tree)], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
