"""Speed and memory of ``computelimits data check`` on large users' files, side by side with
the row-by-row loader and join of a baseline commit, measured in the same run.

Generic-layout files of 10,000, 100,000 and 1,000,000 rows are generated (four benchmarks
per model, percent strings, dates, ``training_flop`` on two rows in three, compute kinds,
settings, origins). Each check runs in a fresh interpreter that calls
:func:`computelimits.data.check.check_file` and reports its wall-clock and CPU seconds and
its peak resident memory (``ru_maxrss``, which includes the interpreter and its imports:
the "empty" row imports and checks nothing). The baseline's source is exported with
``git archive`` (git's state is not changed) and imported from there. Both checks of one
file must give the same table: a hash of every cell (:func:`pandas.util.hash_pandas_object`)
is compared, and the run stops if they differ.

The baseline took more than 15 minutes on 1,000,000 rows, so by default it runs only up to
``--baseline-max-rows`` (100,000); the ratio column is baseline / current.

    python benchmarks/bench_user_files.py
    python benchmarks/bench_user_files.py --rows 10000,100000 --baseline-max-rows 100000
    python benchmarks/bench_user_files.py --out        # also write the checked CSV (--out)

Not a CI test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The last commit with the row-by-row loader and join.
DEFAULT_BASELINE = "2cb1d29"

_CHILD = r"""
import hashlib, json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import pandas as pd
from computelimits.data.check import check_file
t0 = time.perf_counter(); c0 = time.process_time()
outcome = {}
if sys.argv[2] != "-":
    try:
        checked = check_file(sys.argv[2], out=sys.argv[3] if sys.argv[3] != "-" else None)
        outcome["results"] = len(checked.table)
    except Exception as exc:
        outcome["error"] = f"{type(exc).__name__}: {exc}"[:300]
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if "results" in outcome:
    h = pd.util.hash_pandas_object(checked.table, index=False).to_numpy()
    outcome["digest"] = hashlib.sha256(h.tobytes()).hexdigest()[:16]
print("BENCH" + json.dumps({"wall": wall, "cpu": cpu, "peak_mib": peak, **outcome}))
"""


def make_generic(path: Path, rows: int, seed: int = 0) -> None:
    """A generic-layout file: models of four rows each (ImageNet top-1 in percent, MMLU as
    percent strings, WMT14 BLEU, SQuAD F1 as fractions), a date per model, training_flop on
    two models in three with a compute kind, three settings, an origin per model."""
    rng = random.Random(seed)
    benches = [("imagenet", "top1_accuracy", "percent"), ("MMLU", "accuracy", ""),
               ("wmt14-en-de", "bleu", "bleu"), ("squad1.1", "f1", "fraction")]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("model,benchmark,metric,value,date,unit,training_flop,compute_kind,setting,"
                 "setting_kind,origin\n")
        for i in range(rows):
            g = i // 4
            bench, metric, unit = benches[i % 4]
            value = {"percent": f"{rng.uniform(50, 90):.2f}",
                     "": f"{rng.uniform(20, 90):.1f}%",
                     "bleu": f"{rng.uniform(10, 40):.2f}",
                     "fraction": f"{rng.uniform(0.5, 0.95):.4f}"}[unit]
            date = f"{2010 + g % 14}-{1 + g % 12:02d}-{1 + g % 28:02d}"
            flop = f"{(1 + g % 97) * 1.1:.3g}e{18 + g % 7}" if g % 3 else ""
            kind = ["", "training", "hardware_burden"][g % 3]
            fh.write(f"Model {g},{bench},{metric},{value},{date},{unit},{flop},{kind},"
                     f"{i % 3}-shot,{'few-shot' if i % 2 else ''},Paper {g}\n")


def _run(src: Path, file: Path | None, out: Path | None, env: dict[str, str]) -> dict:
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(src),
                           str(file) if file else "-", str(out) if out else "-"],
                          capture_output=True, text=True, env=env, check=False)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("BENCH")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"run failed ({src}, {file}):\n{proc.stderr[-3000:]}")
    return json.loads(line[5:])


def _export(commit: str, dest: Path) -> Path:
    """The ``src`` folder of ``commit`` (``git archive``: read-only for the repository)."""
    archive = dest / "baseline.tar"
    with open(archive, "wb") as fh:
        subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit, "src"],
                       stdout=fh, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(dest / "baseline", filter="data")
    return dest / "baseline" / "src"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default=DEFAULT_BASELINE, help="git commit to compare with")
    ap.add_argument("--rows", default="10000,100000,1000000",
                    help="comma-separated file sizes (data rows)")
    ap.add_argument("--baseline-max-rows", type=int, default=100_000,
                    help="largest file the baseline is run on")
    ap.add_argument("--out", action="store_true", help="also write the checked CSV (--out)")
    args = ap.parse_args()
    sizes = [int(x) for x in args.rows.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="bench-user-files-"))
    env = dict(os.environ)
    env.setdefault("COMPUTELIMITS_DATA", str(ROOT.parent / "shared" / "data"))
    env["COMPUTELIMITS_CACHE"] = str(tmp / "cache")
    base_src = _export(args.baseline, tmp)
    here_src = ROOT / "src"
    print(f"baseline {args.baseline} (row by row) vs current; seconds wall (CPU), peak "
          "resident memory MiB; ratio = baseline / current wall time", flush=True)
    empty = {label: _run(src, None, None, env) for label, src in
             (("baseline", base_src), ("current", here_src))}
    print(f"{'empty':>10}  baseline {'':>17} {empty['baseline']['peak_mib']:6.0f} MiB  "
          f"current {'':>17} {empty['current']['peak_mib']:6.0f} MiB  (interpreter and "
          "imports)", flush=True)
    for n in sizes:
        file = tmp / f"generic-{n}.csv"
        make_generic(file, n)
        out = (tmp / f"checked-{n}.csv") if args.out else None
        cur = _run(here_src, file, out, env)
        if n <= args.baseline_max_rows:
            base = _run(base_src, file, out and tmp / f"base-{n}.csv", env)
            if base.get("digest") != cur.get("digest") or base.get("error") != cur.get("error"):
                raise SystemExit(f"{n} rows: the tables differ: baseline {base}, current {cur}")
            b_txt = (f"{base['wall']:7.1f} s ({base['cpu']:7.1f}) {base['peak_mib']:6.0f} MiB")
            ratio = f"{base['wall'] / max(cur['wall'], 1e-9):6.1f}×  same table"
        else:
            b_txt = f"{'not run':>17} {'':>10}"
            ratio = "  –     (baseline past 15 min)"
        print(f"{n:>10,}  baseline {b_txt}  current {cur['wall']:7.1f} s ({cur['cpu']:7.1f}) "
              f"{cur['peak_mib']:6.0f} MiB  {ratio}", flush=True)
        file.unlink()


if __name__ == "__main__":
    main()
