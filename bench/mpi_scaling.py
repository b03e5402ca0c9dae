#!/usr/bin/env python3
"""Cells per second of `wnflow sweep` on 1 and 2 MPI ranks (one thread each), side by side,
and rank 0's scheduling cost per cell (docs/scaling.md).

Each round runs, back to back for every config: one process without mpirun (`single`),
`mpirun -np 1` (`np1`, with --np1), `mpirun -np 2` (`np2`), and with --threads2 one process
with two threads (`threads2`: as many threads as np2, so the ratio np2/threads2 is the cost of
MPI alone, whatever share of a shared machine the runs get). Printed per run: cells, wall
seconds, cells per second, the CPU seconds of all ranks (user + system, from the kernel's
accounting of the children), the load average at the start (the machine may be shared), and
rank 0's MPI summary line. Every MPI CSV is compared with the single process's.

usage: bench/mpi_scaling.py <wnflow> <config.json>... [--rounds R] [--np1]
example: python3 bench/mpi_scaling.py build/wnflow experiments/e1_error_vs_alpha.json experiments/e2_alpha_eff.json
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
print(f"{'config':22} {'run':6} {'cells':>6} {'wall s':>8} {'cells/s':>8} {'CPU s':>8} {'load':>5}  rank 0")
for rnd in range(a.rounds):
    for cfg in a.configs:
        name = os.path.basename(cfg)[:-5]
        modes = ["single"] + (["np1"] if a.np1 else []) + ["np2"] + (["threads2"] if a.threads2 else [])
        for mode in modes:
            out = f"{tmp}/{name}-{mode}-{rnd}"
            cmd = [wnflow, "sweep", "--config", cfg, "--out", out, "--threads", "2" if mode == "threads2" else "1",
                   "--no-figures"]
            if mode.startswith("np"):
                cmd = ["mpirun", "--oversubscribe", "-np", mode[-1]] + cmd
            load = os.getloadavg()[0]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.monotonic()
            p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            wall = time.monotonic() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            if p.returncode != 0:
                print(f"{name} {mode}: exit {p.returncode}: {p.stderr[-500:]}")
                continue
            cells = len({r["cell"] for r in csv.DictReader(open(f"{out}/{name}.csv"))})
            m = re.search(r"rank 0 CPU per remote cell: .*", p.stderr)
            print(f"{name:22} {mode:6} {cells:6d} {wall:8.2f} {cells / wall:8.2f} {cpu:8.2f} {load:5.2f}  {m.group(0) if m else ''}",
                  flush=True)
            if mode != "single" and not filecmp.cmp(f"{tmp}/{name}-single-{rnd}/{name}.csv", f"{out}/{name}.csv", shallow=False):
                print(f"  !! {mode}: the CSV differs from the single process's")
