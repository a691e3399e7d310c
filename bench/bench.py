"""twprof's switching benchmark (SPEC §6); see BENCHMARKS.md. Run it through bench/run.

Timings are reported, never asserted: the exit status is non-zero only when a
command fails, prints the wrong thing, or an unchanged prompt spawns a process.
"""

import argparse
import datetime
import os
import sys

from fixture import BenchError, World
from prompts import prompt_counts
from timing import cases, measure, table


def main():
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 rounds, not 300 (CI)")
    parser.add_argument("--rounds", type=int, help="timed rounds of every case")
    parser.add_argument("--twprof", required=True, help="the release binary")
    parser.add_argument("--revision", default="", help="what it was built from")
    parser.add_argument("--hello", required=True, help="the hello-world binary: the floor")
    parser.add_argument("--work", required=True, help="an empty scratch directory")
    args = parser.parse_args()
    rounds = args.rounds or (20 if args.quick else 300)
    sys.stdout.reconfigure(line_buffering=True)

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"twprof {args.revision}, {datetime.datetime.now():%Y-%m-%d %H:%M}, "
        f"{os.cpu_count()} cores, load {load}, {rounds} rounds; "
        "floor = a Rust hello-world built by rustc -O in this run"
    )
    try:
        world = World(args.twprof, args.work)
        all_cases = cases(world, args.twprof, args.hello, twilio_runs=3 if args.quick else 10)
        os.chdir(world.deep)  # every case runs there: posix_spawn takes no cwd
        measure(all_cases, rounds)
        print()
        print(table(all_cases))
        print()
        counts = prompt_counts(world, args.twprof)
        if counts:
            print(counts)
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
