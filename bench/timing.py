"""Part 1: wall time of one switch, every case side by side.

Each case is one process spawned with posix_spawn, stdout and stderr to pipes,
timed with perf_counter_ns from spawn to exit with its output drained, as a
shell's `$(...)` would. The cases take turns, one run of each per round, so a
busy moment of the machine costs every case alike.
"""

import os
import random
import re
import shutil
import statistics
import subprocess
import time

from fixture import PINNED, BenchError, base_env

WARMUP_ROUNDS = 2
# SPEC §6, as multiples of the floor (the hello-world's median).
HOOK_TARGET = 1.5
USE_TARGET = 2.0


class Case:
    """One command to time, how to check its output, and its timings."""

    def __init__(self, label, argv, env, check, *, kind=None, target=None, quiet=True, runs=None):
        self.label = label
        self.argv = argv
        self.env = env
        self.check = check  # stdout -> None, or what is wrong with it
        self.kind = kind  # "switch" or "unchanged": the direnv case it compares with
        self.target = target  # at most this many times the floor (SPEC §6)
        self.quiet = quiet  # stderr must stay empty
        self.runs = runs  # at most this many timed runs (None: one every round)
        self.ns = []


def spawn(argv, env, devnull):
    """Runs argv once; returns (nanoseconds, exit code, stdout, stderr)."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    actions = [
        (os.POSIX_SPAWN_DUP2, devnull, 0),
        (os.POSIX_SPAWN_DUP2, out_w, 1),
        (os.POSIX_SPAWN_DUP2, err_w, 2),
    ]
    start = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
    os.close(out_w)
    os.close(err_w)
    out = drain(out_r)
    err = drain(err_r)  # small: all of it fits in the pipe while stdout is drained
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter_ns() - start
    return elapsed, os.waitstatus_to_exitcode(status), out, err


def drain(fd):
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")


def exports_profile(name):
    line = re.compile(rf"^export TWPROF_PROFILE='?{re.escape(name)}'?$", re.M)
    return lambda out: None if line.search(out) else f"no `export TWPROF_PROFILE={name}` line"


def prints_nothing(out):
    return None if out == "" else "it printed something where nothing changed"


def contains(text):
    return lambda out: None if text in out else f"no {text!r} in its output"


def env_after(command, env):
    """The environment of a bash after `eval "$(command)"`: the input of an unchanged case."""
    script = f'eval "$({command})" && env -0'
    out = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script],
        env=env,
        cwd=env["PWD"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    state = dict(item.split("=", 1) for item in out.split("\0") if "=" in item)
    for bash_own in ("_", "SHLVL", "OLDPWD"):
        state.pop(bash_own, None)
    return state


def cases(world, twprof, hello, twilio_runs):
    """Every case, from the 20-deep directory under the pinned tree; the Twilio CLI, at about
    a second a run, runs `twilio_runs` times, spread over the rounds."""
    deep = world.deep
    hook = [twprof, "hook", "bash"]
    found = []
    for n, home in world.homes.items():
        target = HOOK_TARGET if n == 1000 else None
        found.append(
            Case(
                f"twprof hook bash, switch, {n} prof.",
                hook,
                base_env(home, deep),
                exports_profile(PINNED),
                kind="switch",
                target=target,
            )
        )
    for n, home in world.homes.items():
        target = HOOK_TARGET if n == 1000 else None
        state = env_after(f"'{twprof}' hook bash", base_env(home, deep))
        found.append(
            Case(
                f"twprof hook bash, unchanged, {n} prof.",
                hook,
                state,
                prints_nothing,
                kind="unchanged",
                target=target,
            )
        )
    found.append(
        Case(
            "twprof --shell bash use, 1000 prof.",
            [twprof, "--shell", "bash", "use", PINNED],
            base_env(world.homes[1000], deep),
            exports_profile(PINNED),
            kind="switch",
            target=USE_TARGET,
        )
    )
    found.append(
        Case("hello world (floor)", [hello], base_env(world.root, deep), contains("Hello, world!"))
    )
    direnv = shutil.which("direnv")
    if direnv:
        world.setup_direnv(direnv)
        env = base_env(world.direnv_home, deep)
        found.append(
            Case(
                "direnv export bash, switch",
                [direnv, "export", "bash"],
                env,
                contains("TWILIO_API_SECRET"),
                quiet=False,
            )
        )
        found.append(
            Case(
                "direnv export bash, unchanged",
                [direnv, "export", "bash"],
                env_after(f"'{direnv}' export bash 2>/dev/null", env),
                prints_nothing,
                quiet=False,
            )
        )
    else:
        print("note: direnv is not installed: no direnv rows (apt-get install direnv)")
    twilio = shutil.which("twilio")
    if twilio:
        # With the variables a switch sets, the Twilio CLI reports the [env] profile.
        env = env_after(f"'{twprof}' hook bash", base_env(world.homes[1000], deep))
        found.append(
            Case(
                "twilio profiles:list",
                [twilio, "profiles:list"],
                env,
                contains("[env]"),
                quiet=False,
                runs=twilio_runs,
            )
        )
    else:
        print("note: the Twilio CLI is not installed: no twilio row (npm install -g twilio-cli)")
    return found


def measure(all_cases, rounds):
    """Runs every case once per round, in a new order each round (a case that follows a
    heavy one runs slower, so no case may always follow the same one); raises
    BenchError on a wrong run."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    order = random.Random(6)
    for r in range(-WARMUP_ROUNDS, rounds):
        for case in order.sample(all_cases, len(all_cases)):
            if r >= 0 and not due(case, r, rounds):
                continue
            ns, code, out, err = spawn(case.argv, case.env, devnull)
            wrong = f"exit {code}" if code else case.check(out)
            if not wrong and case.quiet and err:
                wrong = "it wrote to stderr"
            if wrong:
                raise BenchError(f"{case.label}: {wrong}\nstdout: {out}\nstderr: {err}")
            if r >= 0:
                case.ns.append(ns)
    os.close(devnull)


def due(case, r, rounds):
    """Every round, or, for a case with few runs, rounds spread evenly over the whole run."""
    if case.runs is None:
        return True
    return r % max(1, rounds // case.runs) == 0 and len(case.ns) < case.runs


def ms(ns):
    return ns / 1e6


def table(all_cases):
    """The results as a Markdown table, and the SPEC targets checked against the floor."""
    median = {c.label: statistics.median(c.ns) for c in all_cases}
    floor = median["hello world (floor)"]
    direnv = {
        "switch": median.get("direnv export bash, switch"),
        "unchanged": median.get("direnv export bash, unchanged"),
    }
    rows = [
        "| case | runs | median ms | p10–p90 ms | × floor | × direnv | SPEC target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for case in all_cases:
        mid = median[case.label]
        deciles = statistics.quantiles(case.ns, n=10) if len(case.ns) > 1 else case.ns * 9
        spread = f"{ms(deciles[0]):.2f}–{ms(deciles[-1]):.2f}"
        vs_direnv = direnv.get(case.kind)
        vs_direnv = f"{mid / vs_direnv:.2f}" if vs_direnv else ""
        target = ""
        if case.target:
            verdict = "PASS" if mid <= case.target * floor else "OVER"
            target = f"≤ {case.target:g}× floor: {verdict}"
        rows.append(
            f"| {case.label} | {len(case.ns)} | {ms(mid):.2f} | {spread} "
            f"| {mid / floor:.2f} | {vs_direnv} | {target} |"
        )
    return "\n".join(rows)
