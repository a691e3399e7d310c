//! Hostile input (issue 7): quoting over generated strings, crashes mid-write,
//! full disks, hostile files around the hook and the config, secret hygiene,
//! and many writers at once.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::harness::*;

/// A small deterministic generator (xorshift): the same cases every run.
struct Cases(u64);

impl Cases {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A string without NUL, heavy in what shells treat specially.
    fn string(&mut self) -> String {
        const SPECIAL: &[char] = &[
            '\'', '"', '\\', '$', '`', '!', '\n', '\t', '\r', ' ', '#', ';', '&', '|', '(', ')',
            '{', '}', '*', '?', '~', '%', '^', '\u{1}', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}',
            '\u{a0}', 'é', '✓', '日', '🦀', '\u{feff}', '\u{2028}', '\u{fffd}',
        ];
        let len = 1 + (self.next() % 24) as usize;
        (0..len)
            .map(|_| match self.next() % 3 {
                0 => (b'a' + (self.next() % 26) as u8) as char,
                1 => SPECIAL[(self.next() % SPECIAL.len() as u64) as usize],
                _ => char::from_u32((self.next() % 0x3000) as u32 + 1)
                    .filter(|c| *c != '\0')
                    .unwrap_or('x'),
            })
            .collect()
    }
}

/// YAML double-quoted, every non-ASCII or control character escaped: valid whatever the string.
fn yaml_quoted(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

#[test]
fn generated_strings_round_trip_through_use_in_every_shell() {
    const CASES: usize = 1200;
    const PER_FILE: usize = 60;
    let home = Home::new();
    let mut cases = Cases(0x9e37_79b9_7f4a_7c15);
    let values: Vec<String> = (0..CASES).map(|_| cases.string()).collect();
    // Several small files: each `use` reads one of them, not all 1,200 profiles.
    for (chunk, group) in values.chunks(PER_FILE).enumerate() {
        let mut yaml = String::from("version: 1\nprofiles:\n");
        for (i, value) in group.iter().enumerate() {
            yaml += &format!(
                "  p{i}:\n    account_sid: {AC}\n    api_key: {SK}\n    api_secret: {}\n",
                yaml_quoted(value)
            );
        }
        let path = home.path().join(format!("c{chunk}.yaml"));
        fs::write(&path, yaml).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    }
    let exports = |dialect: &'static str| -> Vec<u8> {
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let dir = home.path().to_path_buf();
                std::thread::spawn(move || {
                    let mut out = Vec::new();
                    for n in (t..CASES).step_by(4) {
                        let config = dir.join(format!("c{}.yaml", n / PER_FILE));
                        let o = Command::new(bin())
                            .args(["--shell", dialect, "use", &format!("p{}", n % PER_FILE)])
                            .env_clear()
                            .env("TWPROF_CONFIG", &config)
                            .env("HOME", &dir)
                            .output()
                            .unwrap();
                        assert!(o.status.success(), "{}", text(&o.stderr));
                        out.push((n, o.stdout));
                    }
                    out
                })
            })
            .collect();
        let mut all: Vec<(usize, Vec<u8>)> = threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        all.sort_by_key(|(n, _)| *n);
        let mut script = Vec::new();
        for (_, export) in all {
            script.extend_from_slice(&export);
            script.extend_from_slice(b"printenv -0 TWILIO_API_SECRET\n");
        }
        script
    };
    for (shell, dialect) in [
        ("bash", "bash"),
        ("bash --posix", "bash"),
        ("zsh", "zsh"),
        ("fish", "fish"),
    ] {
        if !have(shell.split(' ').next().unwrap()) {
            continue;
        }
        let script = home.path().join(format!("script.{dialect}"));
        if !script.exists() {
            fs::write(&script, exports(dialect)).unwrap();
        }
        let mut words = shell.split(' ');
        let mut cmd = Command::new(words.next().unwrap());
        cmd.args(words);
        if dialect == "fish" {
            cmd.arg("--no-config");
        }
        let out = cmd
            .arg(&script)
            .current_dir(home.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        let got: Vec<&[u8]> = out.stdout.split(|b| *b == 0).collect();
        assert_eq!(got.len(), CASES + 1, "{shell}: {}", text(&out.stderr));
        for (value, back) in values.iter().zip(&got) {
            assert_eq!(*back, value.as_bytes(), "{shell} changed {value:?}");
        }
    }
}

#[test]
fn a_killed_add_leaves_the_old_or_the_new_file() {
    let home = Home::new();
    home.add("base", AC, SK, MARKER, &[]);
    let mut rng = Cases(42);
    for round in 0..40 {
        let name = format!("r{round}");
        let mut child = home
            .twprof(&[
                "add",
                &name,
                "--account-sid",
                AC2,
                "--api-key",
                SK2,
                "--api-secret-stdin",
            ])
            .stdin(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        use std::io::Write;
        let _ = child.stdin.take().unwrap().write_all(b"x\n");
        std::thread::sleep(Duration::from_micros(rng.next() % 4000));
        let _ = child.kill();
        let _ = child.wait();
        let out = home.run(&["list", "--json"]);
        assert!(out.status.success(), "round {round}: {}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let names: Vec<&str> = json["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"base"), "round {round}: {names:?}");
        // Old set, or old set plus the new profile: never anything else.
        let expected = 1
            + (0..=round)
                .filter(|r| names.contains(&format!("r{r}").as_str()))
                .count();
        assert_eq!(names.len(), expected, "round {round}: {names:?}");
    }
}

#[test]
fn a_full_disk_or_an_unwritable_place_keeps_the_old_file() {
    if !have("bash") {
        return;
    }
    let home = Home::new();
    for i in 0..30 {
        home.add(&format!("p{i}"), AC, SK, MARKER, &[]);
    }
    let before = fs::read(home.config()).unwrap();
    let out = home.shell("bash", &format!("ulimit -f 1; printf 'x\\n' | \"$TWPROF\" add big --account-sid {AC} --api-key {SK} --api-secret-stdin"));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("twprof: ") && err.contains("File too large") && err.contains("unchanged"),
        "{err}"
    );
    assert_eq!(fs::read(home.config()).unwrap(), before);
    let strays: Vec<_> = fs::read_dir(home.config().parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(strays.is_empty(), "temp files left: {strays:?}");

    // A config directory that cannot be made (a file stands in its way).
    let blocked = home.path().join("blocked");
    fs::write(&blocked, "not a directory").unwrap();
    let out = home.run_with_stdin(
        &[
            "--config",
            blocked.join("profiles.yaml").to_str().unwrap(),
            "add",
            "x",
            "--account-sid",
            AC,
            "--api-key",
            SK,
            "--api-secret-stdin",
        ],
        "x\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("twprof: cannot create")
            || text(&out.stderr).starts_with("twprof: cannot"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(fs::read_to_string(&blocked).unwrap(), "not a directory");
}

#[test]
fn hostile_twprof_files_never_hang_or_switch_the_hook() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    let root = home.path().join("h");
    type Make = Box<dyn Fn(&std::path::Path)>;
    let cases: Vec<(&str, Make)> = vec![
        (
            "fifo",
            Box::new(|d| {
                Command::new("mkfifo")
                    .arg(d.join(".twprof"))
                    .status()
                    .unwrap();
            }),
        ),
        (
            "directory",
            Box::new(|d| fs::create_dir(d.join(".twprof")).unwrap()),
        ),
        (
            "dangling",
            Box::new(|d| std::os::unix::fs::symlink(d.join("nowhere"), d.join(".twprof")).unwrap()),
        ),
        (
            "loop",
            Box::new(|d| std::os::unix::fs::symlink(d.join(".twprof"), d.join(".twprof")).unwrap()),
        ),
        (
            "unreadable",
            Box::new(|d| {
                fs::write(d.join(".twprof"), "dev\n").unwrap();
                fs::set_permissions(d.join(".twprof"), fs::Permissions::from_mode(0o000)).unwrap();
            }),
        ),
        (
            "huge",
            Box::new(|d| {
                let f = fs::File::create(d.join(".twprof")).unwrap();
                f.set_len(1 << 30).unwrap();
            }),
        ),
        (
            "nul",
            Box::new(|d| fs::write(d.join(".twprof"), b"dev\0\n").unwrap()),
        ),
        (
            "code",
            Box::new(|d| fs::write(d.join(".twprof"), "$(touch pwned)\n").unwrap()),
        ),
    ];
    for (label, make) in &cases {
        let dir = root.join(label);
        fs::create_dir_all(&dir).unwrap();
        make(&dir);
        // Even "allowed", if allow manages it, nothing may switch. (Root reads a
        // mode-000 file, so that one is left unallowed: it must still warn, not switch.)
        if *label != "unreadable" {
            let _ = home.twprof(&["allow"]).current_dir(&dir).output();
        }
        let mut child = home
            .twprof(&["hook", "bash"])
            .current_dir(&dir)
            .env("PWD", &dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{label}: hook hangs"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let out = child.wait_with_output().unwrap();
        assert!(
            !text(&out.stdout).contains("TWPROF_PROFILE"),
            "{label} switched: {}",
            text(&out.stdout)
        );
        assert!(
            !dir.join("pwned").exists() && !home.path().join("pwned").exists(),
            "{label} ran code"
        );
        assert!(
            !text(&out.stderr).contains("panicked"),
            "{label}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn odd_directory_names_and_a_deleted_cwd_work_in_the_hook() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    use std::os::unix::ffi::OsStrExt;
    let names: Vec<&[u8]> = vec![
        b"with space",
        b"new\nline",
        b"$(touch pwned)",
        b"`touch pwned`",
        b"non-utf8-\xff\xfe",
        b"quote'\"s",
    ];
    for name in names {
        let dir = home.path().join(std::ffi::OsStr::from_bytes(name));
        fs::create_dir_all(dir.join("sub")).unwrap();
        let out = home
            .twprof(&["pin", "dev"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{:?}: {}",
            String::from_utf8_lossy(name),
            text(&out.stderr)
        );
        let sub = dir.join("sub");
        let out = home
            .twprof(&["hook", "bash"])
            .current_dir(&sub)
            .env("PWD", &sub)
            .output()
            .unwrap();
        let exports = text(&out.stdout);
        assert!(
            exports.contains("export TWPROF_PROFILE='dev'"),
            "{:?}: {exports} {}",
            String::from_utf8_lossy(name),
            text(&out.stderr)
        );
        if have("bash") {
            // The exports, path in __TWPROF_DIR included, evaluate cleanly.
            let check = home.shell("bash", &format!("{exports}\nprintenv TWPROF_PROFILE"));
            assert_eq!(text(&check.stdout), "dev\n", "{}", text(&check.stderr));
        }
        assert!(!home.path().join("pwned").exists());
    }
    // A cwd deleted under the shell: no governing file, no error.
    let gone = home.path().join("gone");
    fs::create_dir_all(&gone).unwrap();
    let mut cmd = home.twprof(&["hook", "bash"]);
    cmd.current_dir(&gone).env("PWD", &gone);
    fs::remove_dir(&gone).unwrap();
    let out = cmd.output();
    if let Ok(out) = out {
        assert!(
            out.status.success() && out.stdout.is_empty(),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn hostile_profiles_files_fail_clearly_and_stay_as_they_are() {
    let home = Home::new();
    fs::create_dir_all(home.config().parent().unwrap()).unwrap();
    let profile = format!("    account_sid: {AC}\n    api_key: {SK}\n    api_secret: x\n");
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("duplicate", format!("version: 1\nprofiles:\n  dev:\n{profile}  dev:\n{profile}").into_bytes(), "duplicate"),
        ("aliases", format!("version: 1\n{bomb}profiles: {{}}\n").into_bytes(), "profiles.yaml:"),
        ("non-utf8", b"version: 1\nprofiles:\n  d\xffv:\n".to_vec(), "not UTF-8"),
        ("bad sid", "version: 1\nprofiles:\n  dev:\n    account_sid: AC1\n    api_key: x\n    api_secret: x\n".as_bytes().to_vec(), "AC followed by 32 hex digits"),
    ];
    for (label, bytes, message) in cases {
        fs::write(home.config(), &bytes).unwrap();
        fs::set_permissions(home.config(), fs::Permissions::from_mode(0o600)).unwrap();
        let started = std::time::Instant::now();
        let out = home.run_with_stdin(
            &[
                "add",
                "x",
                "--account-sid",
                AC,
                "--api-key",
                SK,
                "--api-secret-stdin",
            ],
            "x\n",
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{label}: too slow"
        );
        assert_eq!(out.status.code(), Some(1), "{label}");
        let err = text(&out.stderr);
        assert!(
            err.starts_with("twprof: ") && err.contains(message) && err.lines().count() == 1,
            "{label}: {err}"
        );
        assert_eq!(
            fs::read(home.config()).unwrap(),
            bytes,
            "{label}: file changed"
        );
    }
    // 100 MB: refused by size before it is read.
    let f = fs::File::create(home.config()).unwrap();
    f.set_len(100 << 20).unwrap();
    let out = home.run(&["list"]);
    assert!(
        text(&out.stderr).contains("more than such a file can be"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(fs::metadata(home.config()).unwrap().len(), 100 << 20);
    // A symlink to a file of another user: read with a warning; saving replaces the link, not the target.
    fs::remove_file(home.config()).unwrap();
    let theirs = home.path().join("theirs.yaml");
    fs::write(&theirs, format!("version: 1\nprofiles:\n  dev:\n{profile}")).unwrap();
    fs::set_permissions(&theirs, fs::Permissions::from_mode(0o600)).unwrap();
    if Command::new("chown")
        .arg("nobody")
        .arg(&theirs)
        .status()
        .is_ok_and(|s| s.success())
    {
        std::os::unix::fs::symlink(&theirs, home.config()).unwrap();
        let out = home.run(&["list"]);
        assert!(
            text(&out.stderr).contains("belongs to another user"),
            "{}",
            text(&out.stderr)
        );
    }
}

/// Every subcommand, on its success and failure paths: the secret shows only
/// in the exports of `use` and the environment `exec` passes on.
#[test]
fn the_secret_shows_nowhere_else() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    home.add("au", AC2, SK2, MARKER, &["--region", "au1"]);
    let pinned = home.path().join("proj");
    fs::create_dir_all(&pinned).unwrap();
    let runs: &[&[&str]] = &[
        &["--help"],
        &["-V"],
        &["list"],
        &["list", "--json"],
        &["show", "dev"],
        &["show", "dev", "--json"],
        &["show", "nope"],
        &["current"],
        &["default", "dev"],
        &["default"],
        &["default", "--unset"],
        &["rename", "au", "au2"],
        &["rename", "au2", "au"],
        &["rename", "nope", "x"],
        &["use", "nope"],
        &["use", "-"],
        &["off"],
        &["pin", "dev"],
        &["allow"],
        &["deny"],
        &["unpin"],
        &["hook", "bash"],
        &["init", "bash"],
        &["init", "fish"],
        &["completions", "bash"],
        &["man"],
        &["verify", "nope"],
        &["exec", "nope", "--", "true"],
        &["import", "twilio-cli"],
        &["remove", "nope", "--yes"],
        &[
            "add",
            "dev",
            "--account-sid",
            AC,
            "--api-key",
            SK,
            "--api-secret-stdin",
        ],
        &[
            "add",
            "bad name",
            "--account-sid",
            AC,
            "--api-key",
            SK,
            "--api-secret-stdin",
        ],
        &["login", "x", "--account-sid", AC, "--auth-token-stdin"],
    ];
    for args in runs {
        for sub in [&["--help"][..], &[]] {
            let mut all: Vec<&str> = args.to_vec();
            all.extend_from_slice(sub);
            let out = home
                .twprof(&all)
                .current_dir(&pinned)
                .env("TWPROF_PROFILE", "dev")
                .env("TWPROF_API_BASE", "http://127.0.0.1:9")
                .env("__TWPROF_PREV", "au")
                .output()
                .unwrap();
            // `use` and `hook` print exports for a shell to evaluate: the secret belongs there.
            let prints_exports = out.status.success() && matches!(all[0], "use" | "hook");
            let stdout = if prints_exports {
                String::new()
            } else {
                text(&out.stdout)
            };
            let shown = format!("{stdout}{}", text(&out.stderr));
            assert!(
                !shown.contains(MARKER),
                "{all:?} showed the secret: {shown}"
            );
            assert!(!shown.contains("panicked"), "{all:?}: {shown}");
        }
    }
}

#[test]
fn fifty_mixed_writers_lose_no_acknowledged_change() {
    let home = Home::new();
    for i in 0..10 {
        home.add(&format!("old{i}"), AC, SK, "x", &[]);
    }
    let mut children = Vec::new();
    for i in 0..50 {
        let args: Vec<String> = match i % 5 {
            0 | 1 => vec![
                "add".into(),
                format!("new{i}"),
                "--account-sid".into(),
                AC.into(),
                "--api-key".into(),
                SK.into(),
                "--api-secret-stdin".into(),
            ],
            2 => vec![
                "rename".into(),
                format!("old{}", i / 5),
                format!("moved{}", i / 5),
            ],
            3 => vec!["remove".into(), format!("old{}", i / 5), "--yes".into()],
            _ => vec!["default".into(), format!("old{}", i / 5)],
        };
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut child = home
            .twprof(&argv)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        let _ = child.stdin.take().unwrap().write_all(b"s\n");
        children.push((args, child));
    }
    let mut acknowledged = Vec::new();
    for (args, child) in children {
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            acknowledged.push(args);
        }
    }
    let json: serde_json::Value =
        serde_json::from_slice(&home.run(&["list", "--json"]).stdout).unwrap();
    let names: Vec<String> = json["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    for args in &acknowledged {
        match args[0].as_str() {
            "add" => assert!(names.contains(&args[1]), "lost {args:?}: {names:?}"),
            "rename" => assert!(
                names.contains(&args[2]) && !names.contains(&args[1]),
                "lost {args:?}: {names:?}"
            ),
            "remove" => assert!(!names.contains(&args[1]), "lost {args:?}: {names:?}"),
            _ => {}
        }
    }
    assert!(
        acknowledged.iter().filter(|a| a[0] == "add").count() == 20,
        "every add succeeds"
    );
}

#[test]
fn deep_nesting_is_refused_at_once() {
    let home = Home::new();
    fs::create_dir_all(home.config().parent().unwrap()).unwrap();
    for yaml in [
        format!("version: 1\nprofiles: {}\n", "[".repeat(100_000)),
        format!("version: 1\nprofiles: {}\n", "{a: ".repeat(50_000)),
        format!(
            "version: 1\nprofiles:\n  x:\n    {}x\n",
            "- ".repeat(50_000)
        ),
    ] {
        fs::write(home.config(), &yaml).unwrap();
        fs::set_permissions(home.config(), fs::Permissions::from_mode(0o600)).unwrap();
        let started = std::time::Instant::now();
        let out = home.run(&["use", "x"]);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(out.status.code(), Some(1));
        assert!(
            text(&out.stderr).contains("nested more than 32 levels"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn an_oversized_secret_is_refused_before_it_is_saved() {
    let home = Home::new();
    home.add("ok", AC, SK, "x", &[]);
    let before = fs::read(home.config()).unwrap();
    let out = home.run_with_stdin(
        &[
            "add",
            "big",
            "--account-sid",
            AC,
            "--api-key",
            SK,
            "--api-secret-stdin",
        ],
        &"A".repeat(200_000),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("longer than 1024 bytes"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(fs::read(home.config()).unwrap(), before);
}

#[test]
fn concurrent_allows_all_land() {
    let home = Home::new();
    home.add("dev", AC, SK, "x", &[]);
    let dirs: Vec<_> = (0..30)
        .map(|i| {
            let dir = home.path().join(format!("d{i}"));
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join(".twprof"), "dev\n").unwrap();
            dir
        })
        .collect();
    let children: Vec<_> = dirs
        .iter()
        .map(|d| {
            home.twprof(&["allow", "-q"])
                .current_dir(d)
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    for dir in &dirs {
        let out = home
            .twprof(&["hook", "bash"])
            .current_dir(dir)
            .env("PWD", dir)
            .output()
            .unwrap();
        assert!(
            text(&out.stdout).contains("TWPROF_PROFILE='dev'"),
            "{} lost its allowance: {}",
            dir.display(),
            text(&out.stderr)
        );
    }
}

#[test]
fn a_hostile_trust_list_neither_hangs_nor_is_overwritten() {
    let home = Home::new();
    home.add("dev", AC, SK, "x", &[]);
    let dir = home.path().join("p");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(".twprof"), "dev\n").unwrap();
    let allowed = home.path().join(".local/share/twprof/allowed");
    fs::create_dir_all(allowed.parent().unwrap()).unwrap();
    Command::new("mkfifo").arg(&allowed).status().unwrap();
    let out = home
        .twprof(&["hook", "bash"])
        .current_dir(&dir)
        .env("PWD", &dir)
        .timeout_output(Duration::from_secs(5));
    assert!(
        !text(&out.stdout).contains("TWPROF_PROFILE"),
        "a FIFO trust list trusted something"
    );
    fs::remove_file(&allowed).unwrap();
    fs::write(&allowed, b"\xff\xfe not text\n").unwrap();
    let out = home.twprof(&["allow"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not a twprof trust list"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(fs::read(&allowed).unwrap(), b"\xff\xfe not text\n");
}

#[test]
fn a_symlinked_profiles_file_is_saved_through_the_link() {
    let home = Home::new();
    let real = home.path().join("dotfiles/profiles.yaml");
    fs::create_dir_all(real.parent().unwrap()).unwrap();
    fs::create_dir_all(home.config().parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&real, home.config()).unwrap();
    home.add("dev", AC, SK, "x", &[]);
    home.add("two", AC, SK, "y", &[]);
    assert!(
        fs::symlink_metadata(home.config())
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced"
    );
    assert!(fs::read_to_string(&real).unwrap().contains("  two:"));
}

#[test]
fn temp_files_a_killed_writer_left_are_cleaned_up_by_the_next_write() {
    let home = Home::new();
    home.add("dev", AC, SK, "x", &[]);
    let stray = home
        .config()
        .parent()
        .unwrap()
        .join(".profiles.yaml.Ab12Cd.tmp");
    fs::write(&stray, format!("api_secret: {MARKER}\n")).unwrap();
    home.add("two", AC, SK, "y", &[]);
    assert!(
        !stray.exists(),
        "a stale temp file with a secret survived a write"
    );
}

#[test]
fn the_config_directory_and_odd_files_are_checked() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    let dir = home.config().parent().unwrap().to_path_buf();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
    let out = home.run(&["list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("chmod 700"),
        "{}",
        text(&out.stderr)
    );
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    // A byte-order mark is fine; version 0 is not a version.
    let yaml = fs::read_to_string(home.config()).unwrap();
    fs::write(home.config(), format!("\u{feff}{yaml}")).unwrap();
    assert!(home.run(&["show", "dev"]).status.success());
    fs::write(home.config(), yaml.replace("version: 1", "version: 0")).unwrap();
    assert!(text(&home.run(&["list"]).stderr).contains("version 0"));
    // A value in the wrong place is not quoted back in the error.
    fs::write(
        home.config(),
        format!("version: 1\nprofiles:\n  dev: {MARKER}\n"),
    )
    .unwrap();
    let err = text(&home.run(&["list"]).stderr);
    assert!(
        err.starts_with("twprof: ") && err.contains(":3:") && !err.contains(MARKER),
        "{err}"
    );
    // A relative TWPROF_CONFIG would name another file in every directory.
    let out = home
        .twprof(&["list"])
        .env("TWPROF_CONFIG", "rel.yaml")
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("TWPROF_CONFIG must be an absolute path"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn import_reads_only_what_a_config_file_can_be() {
    let home = Home::new();
    let out = home
        .twprof(&["import", "twilio-cli", "--from", "/dev/zero"])
        .timeout_output(Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not a regular file"),
        "{}",
        text(&out.stderr)
    );
    let empty = home.path().join("empty.json");
    fs::write(&empty, "{}").unwrap();
    let out = home.run(&["import", "twilio-cli", "--from", empty.to_str().unwrap()]);
    assert!(
        text(&out.stdout).starts_with("nothing to import"),
        "{}",
        text(&out.stdout)
    );
}

/// Runs with a deadline: a hang fails the test instead of stalling the suite.
trait TimeoutOutput {
    fn timeout_output(&mut self, limit: Duration) -> std::process::Output;
}

impl TimeoutOutput for Command {
    fn timeout_output(&mut self, limit: Duration) -> std::process::Output {
        let mut child = self
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > limit {
                let _ = child.kill();
                panic!("hung for more than {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        child.wait_with_output().unwrap()
    }
}

#[test]
fn a_read_only_config_directory_keeps_the_old_file() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    let dir = home.config().parent().unwrap().to_path_buf();
    let before = fs::read(home.config()).unwrap();
    // We run as root, whom modes do not stop: make the directory immutable instead.
    if !Command::new("chattr")
        .arg("+i")
        .arg(&dir)
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("SKIPPED: chattr +i is not supported here");
        return;
    }
    let out = home.run_with_stdin(
        &[
            "add",
            "new",
            "--account-sid",
            AC,
            "--api-key",
            SK,
            "--api-secret-stdin",
        ],
        "x\n",
    );
    let removed = home.run(&["remove", "dev", "--yes"]);
    Command::new("chattr").arg("-i").arg(&dir).status().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("twprof: cannot") && err.lines().count() == 1,
        "{err}"
    );
    assert_eq!(removed.status.code(), Some(1), "{}", text(&removed.stderr));
    assert_eq!(fs::read(home.config()).unwrap(), before);
}
