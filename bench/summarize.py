#!/usr/bin/env python3
"""Summaries of `wnflow bench --csv` output for docs/performance.md and the figure.
Times are CPU seconds (cpu_seconds, process_cpu_seconds: robust on a shared machine) where the
row has them, wall seconds otherwise; whole-process ratios are given in both.

usage: summarize.py bench.csv [more.csv ...] --dat perf_vs_n.dat > summary.md

Writes (Markdown, stdout):
  - per N: the median over cases of the time per flow for wnflow auto, the best wnflow
    stepper, `wnflow run` (whole process), CVODE (solve) and SciPy LSODA (solve, process);
  - the issue-5 targets row by row: LSODA/wnflow-run whole-process ratio (N = 150, 400) and,
    with --repeats > 1, how far LSODA's process CPU moved between its repeats,
    CVODE/best, time per rhs / GEMV floor for the best stepper in CPU and wall time
    (they differ when the products with A run on several threads, N >= 2000), auto/best.
--dat: the per-N medians as a whitespace table for gnuplot (NaN where nothing converged);
--threads CSV...: runs with the products with A on several threads, whose wnflow:auto median
wall time per N is the dat's last column.
Only rows with status ok enter the medians.
"""
import argparse
import csv
import math
import statistics
from collections import defaultdict


def f(x):
    try:
        v = float(x)
        return v if math.isfinite(v) else math.nan
    except ValueError:
        return math.nan


def cpu(r, proc=False):
    v = f(r["process_cpu_seconds" if proc else "cpu_seconds"]) if ("cpu_seconds" in r) else math.nan
    return v if not math.isnan(v) else f(r["process_seconds" if proc else "wall_seconds"])


def med(v):
    v = [x for x in v if not math.isnan(x)]
    return statistics.median(v) if v else math.nan


def fmt(x, d=3):
    return "–" if math.isnan(x) else f"{x:.{d}g}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv", nargs="+")
    ap.add_argument("--dat")
    ap.add_argument("--threads", nargs="+", default=[],
                    help="bench CSVs run with the products with A on several threads: the median wall "
                         "time of their wnflow:auto rows per N becomes the dat's 8th column")
    a = ap.parse_args()
    threaded = defaultdict(list)
    for path in a.threads:
        for r in csv.DictReader(open(path)):
            if r["solver"] == "wnflow:auto" and r["status"] == "ok":
                threaded[int(r["N"])].append(f(r["wall_seconds"]))
    rows = []
    for path in a.csv:
        rows += list(csv.DictReader(open(path)))
    cases = defaultdict(dict)
    order = []
    for r in rows:
        key = (r["sign"], int(r["N"]), int(r["L"]), f(r["alpha"]), r["flow"])
        if key not in cases:
            order.append(key)
        cases[key][r["solver"]] = r
    Ns = sorted({k[1] for k in order})
    series = defaultdict(lambda: defaultdict(list))
    targets = []
    for k in order:
        c = cases[k]
        ok = {s: r for s, r in c.items() if r["status"] == "ok"}
        wn = {s: r for s, r in ok.items() if s.startswith("wnflow:")}
        best = min(wn.values(), key=cpu) if wn else None
        N = k[1]
        if best:
            series["best"][N].append(cpu(best))
        if "wnflow:auto" in ok:
            series["auto"][N].append(cpu(ok["wnflow:auto"]))
        if "wnflow-run:auto" in ok:
            series["run"][N].append(cpu(ok["wnflow-run:auto"], True))
        if "cvode:BDF" in ok:
            series["cvode"][N].append(cpu(ok["cvode:BDF"]))
        if "scipy:LSODA" in ok:
            series["lsoda"][N].append(cpu(ok["scipy:LSODA"]))
            series["lsoda_proc"][N].append(cpu(ok["scipy:LSODA"], True))
        t = {"case": k, "best": best["solver"][7:] if best else None,
             "best_s": cpu(best) if best else math.nan,
             "auto_best": cpu(ok["wnflow:auto"]) / cpu(best) if best and "wnflow:auto" in ok else math.nan,
             "lsoda_run": cpu(ok["scipy:LSODA"], True) / cpu(ok["wnflow-run:auto"], True)
             if "scipy:LSODA" in ok and "wnflow-run:auto" in ok else math.nan,
             "lsoda_run_wall": f(ok["scipy:LSODA"]["process_seconds"]) / f(ok["wnflow-run:auto"]["process_seconds"])
             if "scipy:LSODA" in ok and "wnflow-run:auto" in ok else math.nan,
             "cvode_best": cpu(ok["cvode:BDF"]) / cpu(best) if best and "cvode:BDF" in ok else math.nan,
             "call_run": cpu(ok["scipy:LSODA"]) / cpu(ok["wnflow-run:auto"], True)
             if "scipy:LSODA" in ok and "wnflow-run:auto" in ok else math.nan,
             "floor": f(best["ratio_to_floor"]) if best else math.nan,
             "wall_floor": f(best.get("wall_ratio_to_floor", "nan")) if best else math.nan,
             "acc": f(best["accuracy"]) if best else math.nan,
             "auto_status": c.get("wnflow:auto", {}).get("status", "–"),
             # LSODA's slowest over its least repeat (--repeats > 1; NaN when the CSV lacks the column)
             "lsoda_spread": f(ok["scipy:LSODA"].get("process_cpu_max_seconds", "nan")) / cpu(ok["scipy:LSODA"], True)
             if "scipy:LSODA" in ok else math.nan}
        targets.append(t)
    print("Medians over the cases where that solver converged (CPU seconds).\n")
    print("| N | cases | wnflow auto | best stepper | `wnflow run` (process) | CVODE | SciPy LSODA (solve) | SciPy LSODA (process) |")
    print("|---|---|---|---|---|---|---|---|")
    for N in Ns:
        n = sum(1 for k in order if k[1] == N)
        print(f"| {N} | {n} | " + " | ".join(fmt(med(series[s][N])) + " s" for s in
                                              ["auto", "best", "run", "cvode", "lsoda", "lsoda_proc"]) + " |")
    print()
    print("| case | best stepper | best CPU s | auto/best | LSODA/`run` process CPU (wall) | CVODE/best | best s/rhs ÷ floor: CPU (wall) | accuracy |")
    print("|---|---|---|---|---|---|---|---|")
    for t in targets:
        s, N, L, al, fl = t["case"]
        name = f"{'P+' if s == 'positive' else 'P±'} N={N} L={L} α={al:g} {fl}"
        ab = fmt(t["auto_best"]) if not math.isnan(t["auto_best"]) else f"auto {t['auto_status']}"
        print(f"| {name} | {t['best'] or '–'} | {fmt(t['best_s'])} | {ab} | {fmt(t['lsoda_run'])} ({fmt(t['lsoda_run_wall'])}) | "
              f"{fmt(t['cvode_best'])} | {fmt(t['floor'])} ({fmt(t['wall_floor'])}) | {fmt(t['acc'], 2)} |")
    print("\nThe issue-5 targets per N (ranges over the cases where both sides converged).\n")
    print("| N | LSODA/`run` process CPU: range, median, cases ≥ 25× / ≥ 50× | LSODA solve_ivp call / `run` process: range, median "
          "| LSODA's process, slowest ÷ least repeat: median, largest | CVODE/best | auto/best, worst | accuracy of the best, worst |")
    print("|---|---|---|---|---|---|---|")
    for N in Ns:
        ts = [t for t in targets if t["case"][1] == N]
        lr = sorted(x for x in (t["lsoda_run"] for t in ts) if not math.isnan(x))
        cr = sorted(x for x in (t["call_run"] for t in ts) if not math.isnan(x))
        cv = sorted(x for x in (t["cvode_best"] for t in ts) if not math.isnan(x))
        ab = [x for x in (t["auto_best"] for t in ts) if not math.isnan(x)]
        ac = [x for x in (t["acc"] for t in ts) if not math.isnan(x)]
        sp = [x for x in (t["lsoda_spread"] for t in ts) if not math.isnan(x)]
        rng = lambda v: f"{fmt(v[0])}–{fmt(v[-1])}" if v else "–"
        print(f"| {N} | {rng(lr)}, {fmt(med(lr))}, {sum(x >= 25 for x in lr)} / {sum(x >= 50 for x in lr)} of {len(lr)} "
              f"| {rng(cr)}, {fmt(med(cr))} | {fmt(med(sp))}, {fmt(max(sp)) if sp else '–'} | {rng(cv)} ({len(cv)} cases) | {fmt(max(ab)) if ab else '–'} "
              f"| {fmt(max(ac), 2) if ac else '–'} |")
    if a.dat:
        with open(a.dat, "w") as out:
            out.write("# N auto best run_process cvode lsoda lsoda_process (medians over cases, CPU seconds)"
                      " auto_threads (median wall seconds of the --threads runs)\n")
            for N in Ns:
                out.write(f"{N} " + " ".join(f"{med(series[s][N]):.6g}" for s in
                                             ["auto", "best", "run", "cvode", "lsoda", "lsoda_proc"])
                          + f" {med(threaded[N]):.6g}\n")


if __name__ == "__main__":
    main()
