#!/usr/bin/env python3
"""Cells per second of `wnflow sweep` on 1 and 2 MPI ranks (one thread each), side by side,
and what MPI costs around the sweep (docs/scaling.md).

Each round runs, back to back for every config: one process without mpirun (`single`),
`mpirun -np 1` (`np1`, with --np1), `mpirun -np 2` (`np2`), and with --threads2 one process
with two threads (`threads2`: as many threads as np2). Per run:

- cells/s: the sweep's own figure from rank 0's summary line, measured in the process from
  the first cell handed out to the last result journaled (lab/sweep.hpp); the same code path
  with and without MPI. `sweep s` is that interval.
- `wall s`: the whole command, from launch to exit. `start s`: launch to the first hand-out
  (mpirun, MPI_Init, reading the config); `stop s`: last result to exit (final CSV, MPI_Finalize,
  mpirun's teardown). The last result's moment is when its progress line ("N/N cells done",
  printed as the last cell is journaled) arrives here; the first hand-out's is that minus
  `sweep s`.
- CPU seconds: `CPU s` of all processes over the whole command (user + system, from the
  kernel's accounting of the children, mpirun included); `sweep CPU` the processes' CPU inside
  the sweep (rank 0's summary: every rank's, from the MPI line).
- the load average at the start (the machine may be shared).

Every CSV is compared with the single process's. At the end: per round, the ratios to the
single process of the same round (in-process cells/s, and whole-command wall).

usage: bench/mpi_scaling.py <wnflow> <config.json>... [--rounds R] [--np1] [--threads2]
example: python3 bench/mpi_scaling.py build/wnflow experiments/e1_error_vs_alpha.json experiments/e2_alpha_eff.json --rounds 2 --threads2
"""
import argparse, csv, filecmp, os, re, resource, subprocess, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("wnflow")
ap.add_argument("configs", nargs="+")
ap.add_argument("--rounds", type=int, default=1)
ap.add_argument("--np1", action="store_true")
ap.add_argument("--threads2", action="store_true", help="also one process with --threads 2 (as many threads as np2)")
a = ap.parse_args()
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_btl="self,vader",
           OMPI_MCA_btl_vader_single_copy_mechanism="none")
wnflow = os.path.abspath(a.wnflow)
tmp = tempfile.mkdtemp()
SWEEP = re.compile(r"sweep ([0-9.]+) cells/s \((\d+) cells in ([0-9.]+) s, ([0-9.]+) CPU s\)")
RANKS = re.compile(r"CPU s by rank in this sweep \(all threads/MPI thread\)((?: \d+:[0-9.]+/[0-9.]+)+)")


def run(cfg, name, mode, out):
    cmd = [wnflow, "sweep", "--config", cfg, "--out", out, "--threads", "2" if mode == "threads2" else "1",
           "--no-figures"]
    if mode.startswith("np"):
        cmd = ["mpirun", "--oversubscribe", "-np", mode[-1]] + cmd
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines, last_result = [], None
    for line in p.stderr:  # each line with the moment it arrived
        lines.append(line)
        if re.search(r": (\d+)/\1 cells done", line):
            last_result = time.monotonic()
    p.wait()
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    err = "".join(lines)
    m = SWEEP.search(err)
    if p.returncode != 0 or not m or last_result is None:
        print(f"{name} {mode}: exit {p.returncode}: {err[-500:]}")
        return None
    rate, sweep, sweep_cpu = float(m.group(1)), float(m.group(3)), float(m.group(4))
    ranks = RANKS.search(err)
    by_rank = []
    if ranks:
        by_rank = [tuple(map(float, x.split(":")[1].split("/"))) for x in ranks.group(1).split()]
        sweep_cpu = sum(c for c, _ in by_rank)
    stop = wall - (last_result - t0)
    start = wall - sweep - stop
    cells = len({r["cell"] for r in csv.DictReader(open(f"{out}/{name}.csv"))})
    s0 = re.search(r"rank 0 CPU per remote cell: [^;]*", err)
    return dict(load=load, cells=cells, rate=rate, sweep=sweep, wall=wall, start=start, stop=stop, cpu=cpu,
                sweep_cpu=sweep_cpu, by_rank=by_rank, s0=s0.group(0) if s0 else "")


print(f"{'config':20} {'run':8} {'load':>5} {'cells':>5} {'cells/s':>8} {'sweep s':>8} {'wall s':>7} {'start s':>7} "
      f"{'stop s':>6} {'CPU s':>7} {'sweep CPU':>9}  CPU s by rank in the sweep (all threads/MPI thread)")
results = {}
for rnd in range(a.rounds):
    for cfg in a.configs:
        name = os.path.basename(cfg)[:-5]
        modes = ["single"] + (["np1"] if a.np1 else []) + ["np2"] + (["threads2"] if a.threads2 else [])
        for mode in modes:
            out = f"{tmp}/{name}-{mode}-{rnd}"
            r = run(cfg, name, mode, out)
            if r is None:
                continue
            results[(rnd, name, mode)] = r
            ranks = " ".join(f"{i}:{c:.2f}/{m:.3f}" for i, (c, m) in enumerate(r["by_rank"]))
            print(f"{name:20} {mode:8} {r['load']:5.2f} {r['cells']:5d} {r['rate']:8.1f} {r['sweep']:8.3f} "
                  f"{r['wall']:7.2f} {r['start']:7.2f} {r['stop']:6.2f} {r['cpu']:7.2f} {r['sweep_cpu']:9.2f}  {ranks}",
                  flush=True)
            if r["s0"]:
                print(f"{'':29} {r['s0']}", flush=True)
            if mode != "single" and not filecmp.cmp(f"{tmp}/{name}-single-{rnd}/{name}.csv", f"{out}/{name}.csv",
                                                    shallow=False):
                print(f"  !! {mode}: the CSV differs from the single process's")

print("\nratios to the single process of the same round: in-process cells/s (whole-command wall)")
for (rnd, name, mode), r in results.items():
    base = results.get((rnd, name, "single"))
    if mode == "single" or base is None:
        continue
    print(f"round {rnd + 1} {name:20} {mode:8} {r['rate'] / base['rate']:5.2f} ({base['wall'] / r['wall']:4.2f})")
