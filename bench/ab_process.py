#!/usr/bin/env python3
"""Side-by-side process CPU time of two or more commands, interleaved run by run.

A short process on a shared VM varies by up to 1.5x between identical runs, and the machine's
speed drifts over minutes; comparing two binaries one after the other then measures the drift.
This runs command 1, command 2, ..., command 1, command 2, ... and reports, per command, the
least, lower-quartile and median CPU time (user + system, from the children's rusage) of its
runs. Output goes to /dev/null; a command that cannot start or exits non-zero stops the
comparison with one line.

usage: ab_process.py [--runs 30] -- 'CMD 1' 'CMD 2' ...
example (docs/performance.md):
  ab_process.py --runs 30 -- \
    'old/wnflow run --a A.npy --y y.npy --flow wn --depth 2 --alpha 1 --ratio 0.05 --rtol 1e-9 --atol 1e-14 --t-max 1e7' \
    'new/wnflow run --a A.npy --y y.npy --flow wn --depth 2 --alpha 1 --ratio 0.05 --rtol 1e-9 --atol 1e-14 --t-max 1e7'
"""
import argparse
import resource
import shlex
import statistics
import subprocess
import sys


def cpu_of_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=30, help="runs per command (30)")
    ap.add_argument("commands", nargs="+", help="the commands, each one shell-quoted string")
    a = ap.parse_args()
    if a.runs < 1:
        sys.exit("ab_process.py: --runs must be >= 1")
    argvs = [shlex.split(c) for c in a.commands]
    times = [[] for _ in argvs]
    for _ in range(a.runs):
        for i, argv in enumerate(argvs):
            before = cpu_of_children()
            try:
                done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            except OSError as e:  # not found, not executable: one line, like a failed command
                sys.exit(f"ab_process.py: command {i + 1} could not start ({e.strerror}): {a.commands[i]}")
            if done.returncode != 0:
                sys.exit(f"ab_process.py: command {i + 1} exited with {done.returncode}: {a.commands[i]}")
            times[i].append(cpu_of_children() - before)
    for i, t in enumerate(times):
        t.sort()
        print(f"command {i + 1}: least {t[0] * 1e3:.2f} ms, lower quartile {t[len(t) // 4] * 1e3:.2f} ms, "
              f"median {statistics.median(t) * 1e3:.2f} ms over {len(t)} runs: {a.commands[i]}")


if __name__ == "__main__":
    main()
