"""Part 2: what the prompt hook spawns, counted with strace in real interactive shells.

Each shell runs on a pseudo-terminal with the integration loaded from its rc
file, the way the README says. strace, attached to it, logs every execve and
every new process; then 50 prompts in an unchanged directory, and 50 `cd`s
that alternate between two pinned trees (each a real change of governing file).
"""

import contextlib
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import time

from fixture import OTHER, PINNED, BenchError, base_env

STEPS = 50
TIMEOUT_S = 15
TRACED = "trace=execve,fork,vfork,clone,clone3"
SHELLS = ("bash", "zsh", "fish")


class Terminal:
    """An interactive shell on a pseudo-terminal, driven line by line."""

    def __init__(self, shell, home, twprof):
        env = base_env(home, home) | {"TERM": "dumb", "TWPROF": twprof}
        argv = startup(shell, home, env)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the shell
            try:
                os.chdir(home)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.shell = shell
        self.screen = ""
        self.lines = 0

    def expect(self, pattern):
        """Waits until the screen shows `pattern`; consumes the screen up to it."""
        deadline = time.monotonic() + TIMEOUT_S
        while not (found := re.search(pattern, self.screen, re.S)):
            left = deadline - time.monotonic()
            ready = select.select([self.fd], [], [], max(left, 0))[0]
            data = b""
            with contextlib.suppress(OSError):  # EIO: the shell is gone
                data = os.read(self.fd, 65536) if ready else b""
            if not data:
                raise BenchError(f"{self.shell}: waited for {pattern!r}, saw {self.screen!r}")
            self.screen += data.decode("utf-8", "replace")
        self.screen = self.screen[found.end() :]
        return found

    def step(self, command=""):
        """Types `command` and a marker; returns the profile active once the prompt is back."""
        self.lines += 1
        # The quotes keep the typed line (echoed back) from matching the printed marker.
        os.write(self.fd, f'{command}echo @@{self.lines}@@"$TWPROF_PROFILE"@@\n'.encode())
        return self.expect(rf"@@{self.lines}@@([\w.-]*)@@\r?\n.*?\$ ").group(1)

    def close(self):
        os.write(self.fd, b"exit\n")
        deadline = time.monotonic() + TIMEOUT_S
        while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.05)
        os.close(self.fd)


def startup(shell, home, env):
    """Writes the shell's rc file (prompt `$ `, then the integration); returns its argv."""
    path = shutil.which(shell)
    if shell == "fish":
        rc = os.path.join(home, "config.fish")
        write(rc, "function fish_prompt; echo -n '$ '; end\n\"$TWPROF\" init fish | source\n")
        return [path, "--no-config", "-i", "-C", f"source {rc}"]
    init = f'PS1=\'$ \'\neval "$("$TWPROF" init {shell})"\n'
    if shell == "zsh":
        write(os.path.join(home, ".zshrc"), init)
        env["ZDOTDIR"] = home
        return [path, "-i"]
    rc = os.path.join(home, ".bashrc")
    write(rc, init)
    return [path, "--noprofile", "--rcfile", rc, "-i"]


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def attach(pid, log):
    """Starts strace on `pid`; returns once the shell is traced."""
    tracer = subprocess.Popen(
        ["strace", "-f", "-qq", "-e", TRACED, "-o", log, "-p", str(pid)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + TIMEOUT_S
    while traced_by(pid) == 0:
        if tracer.poll() is not None or time.monotonic() > deadline:
            tracer.kill()
            raise BenchError(f"strace did not attach: {tracer.communicate()[1].decode()}")
        time.sleep(0.01)
    return tracer


def traced_by(pid):
    with open(f"/proc/{pid}/status", encoding="utf-8") as f:
        return int(re.search(r"^TracerPid:\s*(\d+)", f.read(), re.M).group(1))


def read_from(log, offset):
    """The log written since `offset`, and the new offset."""
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(offset)
        text = f.read()
    return text, offset + len(text.encode("utf-8", "replace"))


def counts(log_text):
    """New processes (threads are not), execve of twprof, and of `twprof hook`."""
    lines = log_text.splitlines()
    new_process = re.compile(r"\b(v?fork|clone3?)\(")
    spawned = [x for x in lines if new_process.search(x) and "CLONE_THREAD" not in x]
    execs = [x for x in lines if "execve(" in x and "= -1 E" not in x]
    twprof = [x for x in execs if re.search(r'execve\("[^"]*/twprof"', x)]
    hooks = [x for x in twprof if '"hook"' in x]
    return {
        "spawned": len(spawned),
        "execs": len(execs),
        "twprof": len(twprof),
        "hooks": len(hooks),
    }


def count_one(shell, world, twprof, log):
    """Runs the two phases in `shell`; returns the counts of each."""
    term = Terminal(shell, world.homes[1000], twprof)
    try:
        os.write(term.fd, f"echo @@pid@@{'$fish_pid' if shell == 'fish' else '$$'}@@\n".encode())
        pid = int(term.expect(r"@@pid@@(\d+)@@").group(1))
        expect_profile(term, f"cd '{world.deep}'; ", PINNED)
        tracer = attach(pid, log)
        try:
            _, offset = read_from(log, 0)
            for _ in range(STEPS):
                expect_profile(term, "", PINNED)
            unchanged, offset = read_from(log, offset)
            for i in range(STEPS):
                into, name = (world.other, OTHER) if i % 2 == 0 else (world.deep, PINNED)
                expect_profile(term, f"cd '{into}'; ", name)
            cds, _ = read_from(log, offset)
        finally:
            tracer.terminate()
            tracer.wait()
    finally:
        term.close()
    return counts(unchanged), counts(cds)


def expect_profile(term, command, name):
    got = term.step(command)
    if got != name:
        raise BenchError(f"{term.shell}: after `{command}` the profile is {got!r}, not {name!r}")


def prompt_counts(world, twprof):
    """The counts for every installed shell, as a Markdown table; raises BenchError
    if an unchanged prompt spawned anything (SPEC §4: a correctness property)."""
    if not shutil.which("strace"):
        print("note: strace is not installed: no prompt counts (apt-get install strace)")
        return ""
    rows = [
        f"| shell | processes, {STEPS} unchanged prompts | twprof runs, {STEPS} unchanged prompts "
        f"| twprof hook runs, {STEPS} cds between two pinned trees |",
        "|---|---:|---:|---:|",
    ]
    spawned_anything = []
    for shell in SHELLS:
        if not shutil.which(shell):
            print(f"note: {shell} is not installed: no prompt counts for it")
            continue
        log = os.path.join(world.root, f"strace-{shell}.log")
        unchanged, cds = count_one(shell, world, twprof, log)
        if cds["hooks"] == 0:
            raise BenchError(f"{shell}: strace saw no twprof hook over {STEPS} cds: is it tracing?")
        rows.append(
            f"| {shell} | {unchanged['spawned']} | {unchanged['twprof']} | {cds['hooks']} |"
        )
        if unchanged["spawned"] or unchanged["execs"]:
            spawned_anything.append(shell)
    table = "\n".join(rows)
    if spawned_anything:
        raise BenchError(
            f"{table}\nan unchanged prompt spawned a process in: {', '.join(spawned_anything)}"
        )
    return table
