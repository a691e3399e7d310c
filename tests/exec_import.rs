//! `exec` (one command on a profile, shell untouched) and `import twilio-cli`.

use std::fs;

use crate::harness::*;

#[test]
fn exec_runs_the_command_with_the_profile_and_its_status() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &["--region", "au1"]);
    let out = home
        .twprof(&[
            "exec",
            "dev",
            "--",
            "sh",
            "-c",
            "printf %s \"$TWILIO_API_KEY\"; exit 7",
        ])
        .env("TWILIO_AUTH_TOKEN", "other-token")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(text(&out.stdout), SK);

    let script = "printf '%s|%s|%s|%s|%s' \"$TWILIO_ACCOUNT_SID\" \"$TWILIO_API_SECRET\" \"$TWILIO_REGION\" \"${TWILIO_EDGE-unset}\" \"${TWILIO_AUTH_TOKEN-unset}\"";
    let out = home
        .twprof(&["exec", "dev", "--", "sh", "-c", script])
        .env("TWILIO_AUTH_TOKEN", "other-token")
        .env("TWILIO_EDGE", "stale")
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), format!("{AC}|{MARKER}|au1|unset|unset"));
}

#[test]
fn exec_needs_dashes_names_a_missing_command_and_passes_signals() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    let out = home.run(&["exec", "dev", "sh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("-- <CMD>"),
        "{}",
        text(&out.stderr)
    );
    let out = home.run(&["exec", "dev", "--", "no-such-command-xyz"]);
    assert_eq!(out.status.code(), Some(127));
    assert!(text(&out.stderr).starts_with("twprof: cannot run no-such-command-xyz"));
    let out = home.run(&["exec", "nope", "--", "true"]);
    assert_eq!(out.status.code(), Some(1));
    use std::os::unix::process::ExitStatusExt;
    let out = home.run(&["exec", "dev", "--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(out.status.signal(), Some(15), "the child's signal is ours");
}

#[test]
fn exec_keeps_the_secret_off_every_command_line() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    // The child reads its own and its parent's command lines while it runs.
    let script = "cat /proc/$$/cmdline /proc/$PPID/cmdline | tr '\\0' ' '";
    let out = home.run(&["exec", "dev", "--", "sh", "-c", script]);
    let cmdlines = text(&out.stdout);
    assert!(cmdlines.contains("sh -c"), "{cmdlines}");
    assert!(!cmdlines.contains(MARKER), "secret on argv: {cmdlines}");
}

fn write_twilio_cli_config(home: &Home) -> std::path::PathBuf {
    let dir = home.path().join(".twilio-cli");
    fs::create_dir_all(&dir).unwrap();
    let config = serde_json::json!({
        "profiles": {
            "main": {"accountSid": AC, "apiKey": SK, "apiSecret": "main-secret"},
            "syd": {"accountSid": AC2, "apiKey": SK2, "apiSecret": "syd-secret", "region": "au1", "edge": "sydney"},
            "keychain": {"accountSid": AC, "apiKey": SK},
            "broken": {"accountSid": "AC123", "apiKey": SK, "apiSecret": "x"}
        },
        "activeProject": "syd",
        "email": {}
    });
    let path = dir.join("config.json");
    fs::write(&path, config.to_string()).unwrap();
    path
}

#[test]
fn import_copies_good_profiles_and_explains_the_rest() {
    let home = Home::new();
    write_twilio_cli_config(&home);
    let out = home.run(&["import", "twilio-cli"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains("imported  main") && report.contains("imported  syd"),
        "{report}"
    );
    assert!(
        report.contains("invalid   keychain: not importable") && report.contains("keychain"),
        "{report}"
    );
    assert!(
        report.contains("invalid   broken: ") && report.contains("AC followed by 32 hex digits"),
        "{report}"
    );
    assert!(report.contains("default   syd"), "{report}");
    assert!(!report.contains("main-secret") && !report.contains("syd-secret"));

    let json: serde_json::Value =
        serde_json::from_slice(&home.run(&["list", "--json"]).stdout).unwrap();
    assert_eq!(json["default"], "syd");
    let profiles = json["profiles"].as_array().unwrap();
    assert_eq!(profiles.len(), 2);
    assert_eq!(profiles[0]["name"], "main");
    assert_eq!(profiles[1]["region"], "au1");
    assert_eq!(profiles[1]["edge"], "sydney");
    let out = home.shell(
        "bash",
        "eval \"$(\"$TWPROF\" use syd)\"; printf %s \"$TWILIO_API_SECRET\"",
    );
    assert_eq!(text(&out.stdout), "syd-secret");

    // Again: what exists is skipped unless --force.
    let report = text(&home.run(&["import", "twilio-cli"]).stdout);
    assert!(
        report.contains("skipped   main") && report.contains("--force"),
        "{report}"
    );
    assert!(!report.contains("default"), "{report}");
    let report = text(&home.run(&["import", "twilio-cli", "--force"]).stdout);
    assert!(report.contains("imported  main"), "{report}");
}

#[test]
fn import_reads_twilio_config_dir_and_from() {
    let home = Home::new();
    let path = write_twilio_cli_config(&home);
    let moved = home.path().join("elsewhere");
    fs::create_dir_all(&moved).unwrap();
    fs::rename(&path, moved.join("config.json")).unwrap();
    let out = home
        .twprof(&["import", "twilio-cli"])
        .env("TWILIO_CONFIG_DIR", &moved)
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("imported  main"),
        "{}",
        text(&out.stderr)
    );
    let other = Home::new();
    let out = other.run(&[
        "import",
        "twilio-cli",
        "--from",
        moved.join("config.json").to_str().unwrap(),
    ]);
    assert!(text(&out.stdout).contains("imported  syd"));
    let out = other.run(&["import", "twilio-cli", "--from", "/nonexistent/config.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("twprof: cannot read /nonexistent/config.json"));
    fs::write(home.path().join("bad.json"), "{\"profiles\": [").unwrap();
    let out = home.run(&[
        "import",
        "twilio-cli",
        "--from",
        home.path().join("bad.json").to_str().unwrap(),
    ]);
    assert!(
        text(&out.stderr).contains("bad.json:1:"),
        "{}",
        text(&out.stderr)
    );
}
