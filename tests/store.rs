//! SPEC §2: where the profiles file lives, how it is written, and how bad files are met.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use crate::harness::*;

#[test]
fn file_is_private_and_written_whole() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    let dir = home.config().parent().unwrap().to_path_buf();
    assert_eq!(
        fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    assert_eq!(
        fs::metadata(home.config()).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let yaml = fs::read_to_string(home.config()).unwrap();
    assert!(yaml.starts_with("version: 1\n"), "{yaml}");
    assert!(yaml.contains(&format!("account_sid: {AC}")), "{yaml}");
    // No temp file is left behind, and any the directory holds is hidden.
    for entry in fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            name == "profiles.yaml" || name.starts_with('.'),
            "visible stray file {name}"
        );
        assert!(!name.ends_with(".tmp"), "temp file left: {name}");
    }
}

#[test]
fn config_path_follows_flag_env_and_xdg() {
    let home = Home::new();
    let xdg = home.path().join("xdg");
    let mut cmd = home.twprof(&[
        "add",
        "a",
        "--account-sid",
        AC,
        "--api-key",
        SK,
        "--api-secret-stdin",
    ]);
    cmd.env("XDG_CONFIG_HOME", &xdg);
    pipe_secret(cmd);
    assert!(xdg.join("twprof/profiles.yaml").is_file());

    let by_env = home.path().join("env.yaml");
    let mut cmd = home.twprof(&[
        "add",
        "b",
        "--account-sid",
        AC,
        "--api-key",
        SK,
        "--api-secret-stdin",
    ]);
    cmd.env("XDG_CONFIG_HOME", &xdg)
        .env("TWPROF_CONFIG", &by_env);
    pipe_secret(cmd);
    assert!(fs::read_to_string(&by_env).unwrap().contains("  b:"));

    let by_flag = home.path().join("flag.yaml");
    let flag = by_flag.to_str().unwrap();
    let mut cmd = home.twprof(&[
        "--config",
        flag,
        "add",
        "c",
        "--account-sid",
        AC,
        "--api-key",
        SK,
        "--api-secret-stdin",
    ]);
    cmd.env("TWPROF_CONFIG", &by_env);
    pipe_secret(cmd);
    assert!(fs::read_to_string(&by_flag).unwrap().contains("  c:"));
    assert!(!fs::read_to_string(&by_env).unwrap().contains("  c:"));
    assert!(
        !home.config().exists(),
        "~/.config used despite XDG/flag/env"
    );
}

fn pipe_secret(mut cmd: Command) {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"x\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}

const MALFORMED: &str = "version: 1\nprofiles:\n  dev:\n    account_sid: [unclosed\n";

#[test]
fn malformed_file_fails_every_command_and_is_left_alone() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    fs::write(home.config(), MALFORMED).unwrap();
    let commands: &[&[&str]] = &[
        &["list"],
        &["list", "--json"],
        &["show", "dev"],
        &["use", "dev"],
        &["use", "-"],
        &["off"],
        &["current"],
        &["remove", "dev", "--yes"],
        &["rename", "dev", "prod"],
        &["default", "dev"],
        &["default", "--unset"],
        &[
            "add",
            "new",
            "--account-sid",
            AC,
            "--api-key",
            SK,
            "--api-secret-stdin",
        ],
    ];
    for args in commands {
        let out = home.run_with_stdin(args, "x\n");
        let err = text(&out.stderr);
        if args[0] == "off" {
            // `off` reads no profiles: it has nothing to lose and must always work.
            assert!(out.status.success(), "off: {err}");
            continue;
        }
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.starts_with("twprof: ") && err.contains("profiles.yaml:4:"),
            "{args:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{args:?}: one line expected: {err}");
        assert_eq!(
            fs::read_to_string(home.config()).unwrap(),
            MALFORMED,
            "{args:?} changed the file"
        );
    }
}

#[test]
fn unknown_field_is_named_with_its_line() {
    let home = Home::new();
    let yaml = format!(
        "version: 1\nprofiles:\n  dev:\n    account_sid: {AC}\n    api_key: {SK}\n    api_secret: x\n    colour: red\n"
    );
    fs::create_dir_all(home.config().parent().unwrap()).unwrap();
    fs::write(home.config(), &yaml).unwrap();
    fs::set_permissions(home.config(), fs::Permissions::from_mode(0o600)).unwrap();
    let err = text(&home.run(&["list"]).stderr);
    assert!(
        err.contains("profiles.yaml:7:") && err.contains("unknown field `colour`"),
        "{err}"
    );
}

#[test]
fn newer_version_asks_for_an_upgrade() {
    let home = Home::new();
    fs::create_dir_all(home.config().parent().unwrap()).unwrap();
    for yaml in [
        "version: 2\nprofiles: {}\n",
        "version: 9\nprofiles: {}\nlabels: [new]\n",
    ] {
        fs::write(home.config(), yaml).unwrap();
        fs::set_permissions(home.config(), fs::Permissions::from_mode(0o600)).unwrap();
        let out = home.run(&["list"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            text(&out.stderr).contains("upgrade twprof"),
            "{}",
            text(&out.stderr)
        );
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
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(fs::read_to_string(home.config()).unwrap(), yaml);
    }
}

#[test]
fn loose_permissions_warn_and_writable_by_others_is_refused() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    fs::set_permissions(home.config(), fs::Permissions::from_mode(0o644)).unwrap();
    let out = home.run(&["list"]);
    assert!(out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("chmod 600") && err.contains("readable by other users"),
        "{err}"
    );

    for mode in [0o620, 0o602] {
        fs::set_permissions(home.config(), fs::Permissions::from_mode(mode)).unwrap();
        let out = home.run(&["use", "dev"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            out.stdout.is_empty(),
            "exports printed from an untrusted file"
        );
        assert!(
            text(&out.stderr).contains("chmod 600"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn twenty_concurrent_adds_all_land() {
    let home = Home::new();
    let children: Vec<_> = (0..20)
        .map(|i| {
            let mut cmd = home.twprof(&[
                "add",
                &format!("p{i}"),
                "--account-sid",
                AC,
                "--api-key",
                SK,
                "--api-secret-stdin",
            ]);
            cmd.stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            let mut child = cmd.spawn().unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("secret{i}\n").as_bytes())
                .unwrap();
            child
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let listing: serde_json::Value =
        serde_json::from_slice(&home.run(&["list", "--json"]).stdout).unwrap();
    let names: Vec<&str> = listing["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 20, "{names:?}");
    for i in 0..20 {
        assert!(names.contains(&format!("p{i}").as_str()), "p{i} lost");
    }
}

#[test]
fn hidden_temp_files_are_never_read_as_profiles() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    let stray = home
        .config()
        .parent()
        .unwrap()
        .join(".profiles.yaml.abc123.tmp");
    fs::write(&stray, "garbage: [").unwrap();
    let out = home.run(&["list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("dev"));
}
