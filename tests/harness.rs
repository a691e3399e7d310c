//! A temporary HOME per test, the twprof binary, and the real shells.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use tempfile::TempDir;

pub const AC: &str = "AC0123456789abcdef0123456789abcdef";
pub const SK: &str = "SK0123456789abcdef0123456789abcdef";
pub const AC2: &str = "ACfedcba9876543210fedcba9876543210";
pub const SK2: &str = "SKfedcba9876543210fedcba9876543210";
/// A secret no test output may contain, except the exports that carry it.
pub const MARKER: &str = "s3cr3t-MARKER-7f2d9c";

pub struct Home {
    pub dir: TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// `dev` (secret MARKER) and `au-prod` (region au1, edge sydney).
    pub fn with_two() -> Home {
        let home = Home::new();
        home.add("dev", AC, SK, MARKER, &[]);
        home.add(
            "au-prod",
            AC2,
            SK2,
            "au-secret",
            &["--region", "au1", "--edge", "sydney"],
        );
        home
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn config(&self) -> PathBuf {
        self.path().join(".config/twprof/profiles.yaml")
    }

    /// A command with a clean environment: this HOME, a PATH, nothing of ours.
    pub fn env(&self, cmd: &mut Command) {
        cmd.env_clear()
            .env("HOME", self.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("LANG", "C.UTF-8")
            .env("TWPROF", bin())
            .current_dir(self.path());
    }

    pub fn twprof(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("twprof").expect("twprof binary");
        self.env(&mut cmd);
        cmd.args(args).stdin(Stdio::null());
        cmd
    }

    /// Runs twprof with `stdin` as standard input.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut cmd = self.twprof(args);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn twprof");
        use std::io::Write;
        // A command that fails before reading its input closes the pipe: that is fine.
        let _ = child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes());
        child.wait_with_output().expect("wait twprof")
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.twprof(args).output().expect("run twprof")
    }

    /// `twprof add NAME` with the secret on stdin; panics unless it succeeds.
    pub fn add(&self, name: &str, account: &str, key: &str, secret: &str, extra: &[&str]) {
        let mut args = vec![
            "add",
            name,
            "--account-sid",
            account,
            "--api-key",
            key,
            "--api-secret-stdin",
        ];
        args.extend_from_slice(extra);
        let out = self.run_with_stdin(&args, &format!("{secret}\n"));
        assert!(
            out.status.success(),
            "add {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Runs `script` in `shell` (`bash`, `bash --posix`, `zsh`, `fish`) without rc files.
    pub fn shell(&self, shell: &str, script: &str) -> Output {
        let mut words = shell.split_whitespace();
        let program = words.next().expect("shell name");
        let mut cmd = Command::new(program);
        self.env(&mut cmd);
        cmd.args(words);
        match program {
            "zsh" => cmd.arg("-f"),
            "fish" => cmd.arg("--no-config"),
            _ => cmd.args(["--norc", "--noprofile"]),
        };
        cmd.arg("-c")
            .arg(script)
            .stdin(Stdio::null())
            .output()
            .expect("run shell")
    }
}

pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("twprof")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// True when `shell` can run here. A missing shell skips loudly, and fails under CI.
pub fn have(shell: &str) -> bool {
    let found = Command::new(shell)
        .arg("-c")
        .arg("exit 0")
        .stdin(Stdio::null())
        .output()
        .is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{shell} is required under CI=true"
        );
        eprintln!("SKIPPED: {shell} is not installed; install it to run this test");
    }
    found
}

/// The shells a test runs in, with those missing here skipped loudly.
pub fn shells() -> Vec<&'static str> {
    ["bash", "bash --posix", "zsh", "fish"]
        .into_iter()
        .filter(|s| have(s.split(' ').next().unwrap_or(s)))
        .collect()
}

/// Runs `cmd` with `stdin` as standard input; kills it after `limit` (a hang is a failure).
pub fn output_with_stdin(mut cmd: Command, stdin: &str, limit: std::time::Duration) -> Output {
    use std::io::Write;
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let mut input = child.stdin.take().expect("stdin");
    // A command that exits before reading its input closes the pipe: not our failure.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let deadline = std::time::Instant::now() + limit;
    while child.try_wait().expect("wait").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("wait after kill");
            panic!(
                "still running after {limit:?}, killed; stderr: {}",
                text(&out.stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("collect output")
}
