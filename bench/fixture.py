"""The world the benchmark runs in: temp HOMEs with 1, 100 and 1,000 profiles,
a tree 20 directories deep under a pinned directory, and direnv's equivalent.

Everything twprof reads is made by twprof itself (`add`, `pin`), except the
bulk of the profiles, which are written in the exact format `add` writes; a
sample written by `add` is compared byte for byte first, so a change of format
stops the benchmark instead of silently measuring another file.
"""

import os
import random
import subprocess

SIZES = (1, 100, 1000)
DEPTH = 20
PINNED = "work"  # sorts after every pNNNN name: it is the last entry in the file
OTHER = "p0001"  # the second pinned tree (prompt counts), in the 1,000 file
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


class BenchError(Exception):
    """A command failed or printed the wrong thing: the benchmark exits non-zero."""


def base_env(home, cwd):
    """The environment every measured command gets: nothing of the caller's."""
    return {
        "HOME": home,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PWD": cwd,
    }


def run(argv, env, cwd, stdin=""):
    """Runs a setup command; raises BenchError with its stderr unless it succeeds."""
    done = subprocess.run(
        argv, env=env, cwd=cwd, input=stdin, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def make_profiles(count, rng):
    """`count` profiles, sorted by name as twprof writes them; one in ten has a region and edge."""
    names = [f"p{i:04d}" for i in range(1, count)] + [PINNED]
    profiles = []
    for i, name in enumerate(sorted(names)):
        profiles.append(
            {
                "name": name,
                "account_sid": "AC" + "".join(rng.choices("0123456789abcdef", k=32)),
                "api_key": "SK" + "".join(rng.choices("0123456789abcdef", k=32)),
                "api_secret": "".join(rng.choices(ALNUM, k=32)),
                "region": "au1" if i % 10 == 9 else None,
                "edge": "sydney" if i % 10 == 9 else None,
            }
        )
    return profiles


def profiles_yaml(profiles):
    """The profiles file as `twprof add` writes it (checked by check_format)."""
    lines = ["version: 1", "profiles:"]
    for p in profiles:
        lines.append(f"  {p['name']}:")
        for field in ("account_sid", "api_key", "api_secret", "region", "edge"):
            if p[field] is not None:
                lines.append(f"    {field}: {p[field]}")
    return "\n".join(lines) + "\n"


def config_path(home):
    return os.path.join(home, ".config", "twprof", "profiles.yaml")


def check_format(twprof, root, sample):
    """Adds `sample` with `twprof add` in a scratch HOME; our writer must match byte for byte."""
    home = os.path.join(root, "home-format-check")
    os.mkdir(home)
    for p in sample:
        args = [twprof, "add", p["name"], "--account-sid", p["account_sid"]]
        args += ["--api-key", p["api_key"], "--api-secret-stdin"]
        if p["region"]:
            args += ["--region", p["region"], "--edge", p["edge"]]
        run(args, base_env(home, home), home, stdin=p["api_secret"] + "\n")
    with open(config_path(home), encoding="utf-8") as f:
        written = f.read()
    if written != profiles_yaml(sample):
        raise BenchError(
            "twprof add writes a format bench/fixture.py does not: update profiles_yaml()\n"
            f"--- twprof wrote:\n{written}--- bench writes:\n{profiles_yaml(sample)}"
        )


def write_home(twprof, root, count, rng):
    """A HOME whose profiles file holds `count` profiles; twprof must list them all."""
    home = os.path.join(root, f"home-{count}")
    config = config_path(home)
    os.makedirs(os.path.dirname(config), mode=0o700)
    fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(profiles_yaml(make_profiles(count, rng)))
    listed = run([twprof, "list", "--json"], base_env(home, home), home)
    if listed.count('"name"') != count:
        raise BenchError(f"twprof list does not show the {count} profiles written to {config}")
    return home


def pin(twprof, home, directory, name):
    """`twprof pin NAME` run in `directory`: writes .twprof there and allows it."""
    run([twprof, "pin", name], base_env(home, directory), directory)


class World:
    """Paths of everything the benchmark made under `root`."""

    def __init__(self, twprof, root):
        self.root = os.path.realpath(root)
        rng = random.Random(6)  # the same files every run
        check_format(twprof, self.root, make_profiles(12, rng)[:11])
        self.homes = {n: write_home(twprof, self.root, n, rng) for n in SIZES}
        self.pinned = os.path.join(self.root, "tree", "proj")
        self.deep = os.path.join(self.pinned, *[f"d{i:02d}" for i in range(1, DEPTH + 1)])
        os.makedirs(self.deep)
        for home in self.homes.values():
            pin(twprof, home, self.pinned, PINNED)
        self.other = os.path.join(self.root, "tree", "other")
        os.makedirs(self.other)
        pin(twprof, self.homes[1000], self.other, OTHER)
        self.direnv_home = os.path.join(self.root, "home-direnv")
        os.mkdir(self.direnv_home)

    def setup_direnv(self, direnv):
        """An .envrc beside the .twprof exporting the same kind of credentials, allowed."""
        with open(os.path.join(self.pinned, ".envrc"), "w", encoding="utf-8") as f:
            f.write(ENVRC)
        run([direnv, "allow", "."], base_env(self.direnv_home, self.pinned), self.pinned)


# What a direnv user would write instead of a .twprof (made-up credentials).
ENVRC = """export TWILIO_ACCOUNT_SID=AC0123456789abcdef0123456789abcdef
export TWILIO_API_KEY=SK0123456789abcdef0123456789abcdef
export TWILIO_API_SECRET=abcdefghijklmnopqrstuvwxyz012345
"""
