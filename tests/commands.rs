//! SPEC §1 and §5: the profile commands, their validation, and secret hygiene.

use std::fs;

use crate::harness::*;

#[test]
fn add_rejects_bad_names_and_sids_with_the_rule() {
    let home = Home::new();
    let cases: &[(&str, &str, &str, &str)] = &[
        (".dev", AC, SK, "a letter or digit"),
        ("a/b", AC, SK, "a letter or digit"),
        ("dev", "AC123", SK, "AC followed by 32 hex digits"),
        ("dev", SK, SK, "AC followed by 32 hex digits"),
        ("dev", AC, "SKzz", "SK followed by 32 hex digits"),
    ];
    for (name, account, key, rule) in cases {
        let out = home.run_with_stdin(
            &[
                "add",
                name,
                "--account-sid",
                account,
                "--api-key",
                key,
                "--api-secret-stdin",
            ],
            "x\n",
        );
        assert_eq!(out.status.code(), Some(1), "{name} {account} {key}");
        let err = text(&out.stderr);
        assert!(err.starts_with("twprof: ") && err.contains(rule), "{err}");
    }
    let out = home.run_with_stdin(
        &[
            "add",
            "x",
            "--account-sid",
            AC,
            "--api-key",
            SK,
            "--region",
            "AU 1",
            "--api-secret-stdin",
        ],
        "x\n",
    );
    assert!(
        text(&out.stderr).contains("invalid region"),
        "{}",
        text(&out.stderr)
    );
    assert!(!home.config().exists(), "a rejected add wrote a file");
}

#[test]
fn add_never_takes_the_secret_from_argv_and_never_waits_without_a_tty() {
    let home = Home::new();
    let out = home.run(&[
        "add",
        "dev",
        "--account-sid",
        AC,
        "--api-key",
        SK,
        "--api-secret",
        MARKER,
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an --api-secret flag must not exist"
    );
    // stdin is /dev/null here: no prompt, a message naming the flag.
    let out = home.run(&["add", "dev", "--account-sid", AC, "--api-key", SK]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--api-secret-stdin"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn stdin_secret_drops_exactly_one_trailing_newline() {
    let home = Home::new();
    for (i, (input, stored)) in [
        ("abc\n", "abc"),
        ("abc\r\n", "abc"),
        ("a\nb\n\n", "a\nb\n"),
        ("abc", "abc"),
    ]
    .iter()
    .enumerate()
    {
        let name = format!("p{i}");
        let out = home.run_with_stdin(
            &[
                "add",
                &name,
                "--account-sid",
                AC,
                "--api-key",
                SK,
                "--api-secret-stdin",
            ],
            input,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let out = home.shell(
            "bash",
            &format!("eval \"$(\"$TWPROF\" use {name})\"; printf %s \"$TWILIO_API_SECRET\""),
        );
        assert_eq!(text(&out.stdout), *stored, "input {input:?}");
    }
}

#[test]
fn add_refuses_to_overwrite_without_force() {
    let home = Home::with_two();
    let before = fs::read(home.config()).unwrap();
    let out = home.run_with_stdin(
        &[
            "add",
            "dev",
            "--account-sid",
            AC2,
            "--api-key",
            SK2,
            "--api-secret-stdin",
        ],
        "new\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--force"));
    assert_eq!(fs::read(home.config()).unwrap(), before);
    home.add("dev", AC2, SK2, "new", &["--force"]);
    assert!(
        fs::read_to_string(home.config())
            .unwrap()
            .contains(&format!(
                "account_sid: {AC2}\n    api_key: {SK2}\n    api_secret: new"
            ))
    );
}

#[test]
fn list_shows_profiles_marks_and_no_secret() {
    let home = Home::with_two();
    assert!(home.run(&["default", "dev"]).status.success());
    let out = home
        .twprof(&["list"])
        .env("TWPROF_PROFILE", "au-prod")
        .output()
        .unwrap();
    let table = text(&out.stdout);
    assert!(
        !table.contains(MARKER) && !table.contains("au-secret"),
        "{table}"
    );
    let au = table.lines().find(|l| l.contains("au-prod")).unwrap();
    assert!(
        au.starts_with('*')
            && au.contains(AC2)
            && au.contains(SK2)
            && au.contains("au1/sydney")
            && au.contains("active"),
        "{au}"
    );
    let dev = table.lines().find(|l| l.contains(" dev ")).unwrap();
    assert!(dev.starts_with(' ') && dev.ends_with("default"), "{dev}");

    let out = home
        .twprof(&["list", "--json"])
        .env("TWPROF_PROFILE", "au-prod")
        .output()
        .unwrap();
    assert!(!text(&out.stdout).contains(MARKER));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["default"], "dev");
    assert_eq!(json["active"], "au-prod");
    assert_eq!(json["profiles"][0]["name"], "au-prod");
    assert_eq!(json["profiles"][0]["region"], "au1");
    assert_eq!(json["profiles"][0]["edge"], "sydney");
    assert_eq!(json["profiles"][1]["account_sid"], AC);
    assert_eq!(json["profiles"][1]["region"], serde_json::Value::Null);
    assert!(json["profiles"][1].get("api_secret").is_none());
}

#[test]
fn show_masks_the_secret() {
    let home = Home::with_two();
    let out = text(&home.run(&["show", "dev"]).stdout);
    assert!(
        out.contains("****9c") || out.contains(&format!("****{}", &MARKER[MARKER.len() - 4..])),
        "{out}"
    );
    assert!(!out.contains(MARKER), "{out}");
    assert!(out.contains(AC) && out.contains(SK));
    let out = home.run(&["show", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no profile named \"nope\""));
    let json: serde_json::Value =
        serde_json::from_slice(&home.run(&["show", "au-prod", "--json"]).stdout).unwrap();
    assert_eq!(json["edge"], "sydney");
    assert!(json.get("api_secret").is_none());
}

#[test]
fn current_says_which_and_why_and_spots_hand_edits() {
    let home = Home::with_two();
    let out = home.run(&["current"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "none\n");

    let script = r#"eval "$("$TWPROF" use dev)"; "$TWPROF" current; echo "rc=$?"
        export TWILIO_API_SECRET=tampered; "$TWPROF" current 2>&1"#;
    let out = text(&home.shell("bash", script).stdout);
    assert!(out.starts_with("dev (explicit)\nrc=0\n"), "{out}");
    assert!(
        out.contains("TWILIO_API_SECRET in this shell differ"),
        "{out}"
    );
    assert!(!out.contains(MARKER) && !out.contains("tampered"), "{out}");

    let out = home
        .twprof(&["current"])
        .env("TWPROF_PROFILE", "dev")
        .env("__TWPROF_WHY", "default")
        .output()
        .unwrap();
    assert!(text(&out.stdout).starts_with("dev (default)"));
}

#[test]
fn remove_needs_yes_without_a_tty_and_clears_the_default() {
    let home = Home::with_two();
    assert!(home.run(&["default", "dev"]).status.success());
    let before = fs::read(home.config()).unwrap();
    let out = home.run(&["remove", "dev"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--yes"));
    assert_eq!(fs::read(home.config()).unwrap(), before);

    assert!(home.run(&["remove", "dev", "--yes"]).status.success());
    let json: serde_json::Value =
        serde_json::from_slice(&home.run(&["list", "--json"]).stdout).unwrap();
    assert_eq!(json["profiles"].as_array().unwrap().len(), 1);
    assert_eq!(json["default"], serde_json::Value::Null);
    assert!(
        !fs::read_to_string(home.config())
            .unwrap()
            .contains("default:")
    );
    assert_eq!(home.run(&["remove", "dev", "--yes"]).status.code(), Some(1));
}

#[test]
fn rename_moves_the_profile_and_the_default() {
    let home = Home::with_two();
    assert!(home.run(&["default", "dev"]).status.success());
    assert!(home.run(&["rename", "dev", "staging"]).status.success());
    assert_eq!(text(&home.run(&["default"]).stdout), "staging\n");
    assert!(home.run(&["show", "dev"]).status.code() == Some(1));
    let out = home.run(&["rename", "staging", "au-prod"]);
    assert!(text(&out.stderr).contains("exists"));
    let out = home.run(&["rename", "staging", "bad name"]);
    assert!(text(&out.stderr).contains("a letter or digit"));
}

#[test]
fn default_sets_shows_and_unsets() {
    let home = Home::with_two();
    assert_eq!(home.run(&["default"]).status.code(), Some(1));
    assert_eq!(home.run(&["default", "nope"]).status.code(), Some(1));
    assert!(home.run(&["default", "au-prod"]).status.success());
    assert_eq!(text(&home.run(&["default"]).stdout), "au-prod\n");
    assert!(home.run(&["default", "--unset"]).status.success());
    assert_eq!(home.run(&["default"]).status.code(), Some(1));
}

#[test]
fn no_secret_in_any_output_or_error() {
    let home = Home::with_two();
    let runs: &[&[&str]] = &[
        &["list"],
        &["list", "--json"],
        &["show", "dev"],
        &["show", "dev", "--json"],
        &["current"],
        &["default", "dev"],
        &["default"],
        &["show", "nope"],
        &["use", "nope"],
        &["rename", "dev", "au-prod"],
        &["--help"],
        &["use", "--help"],
        &["add", "--help"],
        &["init", "bash"],
        &["init", "zsh"],
        &["init", "fish"],
    ];
    for args in runs {
        let out = home
            .twprof(args)
            .env("TWPROF_PROFILE", "dev")
            .env("TWILIO_API_SECRET", "from-env")
            .output()
            .unwrap();
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(
            !all.contains(MARKER) && !all.contains("au-secret"),
            "{args:?} leaked: {all}"
        );
    }
    // A malformed file's error quotes no secret from it either.
    fs::write(
        home.config(),
        format!("version: 1\nprofiles:\n  dev:\n    api_secret: {MARKER}\n    bogus: [\n"),
    )
    .unwrap();
    let err = text(&home.run(&["list"]).stderr);
    assert!(
        err.starts_with("twprof: ") && !err.contains(MARKER),
        "{err}"
    );
}

#[test]
fn use_without_integration_on_a_pipe_prints_exports_and_usage_errors_exit_2() {
    let home = Home::with_two();
    let out = home.run(&["--shell", "bash", "use", "dev"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("export TWPROF_PROFILE='dev'"));
    assert_eq!(home.run(&["use"]).status.code(), Some(2));
    assert_eq!(home.run(&["frobnicate"]).status.code(), Some(2));
    let out = home.run(&["use", "-"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no previous profile"));
}

#[test]
fn off_is_remembered_exec_is_explicit_and_rename_to_itself_is_fine() {
    let home = Home::with_two();
    assert!(home.run(&["default", "dev"]).status.success());
    // After an explicit off, a nested shell does not start on the default, and
    // `current` does not suggest loading it.
    let script = "eval \"$(\"$TWPROF\" init bash)\"; twprof off; bash --norc -c 'eval \"$(\"$TWPROF\" init bash)\"; echo \"[${TWPROF_PROFILE-}]\"'; \"$TWPROF\" current 2>&1";
    let out = text(&home.shell("bash", script).stdout);
    assert_eq!(out, "[]\nnone\n");
    // exec gives its command the profile as an explicit choice, not the caller's reasons.
    let out = home
        .twprof(&["exec", "au-prod", "--", "sh", "-c", "\"$TWPROF\" current"])
        .env("TWPROF_PROFILE", "dev")
        .env("__TWPROF_WHY", "dir:/somewhere")
        .env("__TWPROF_DIR", "f:/somewhere/.twprof")
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), "au-prod (explicit)\n");
    let out = home.run(&["rename", "dev", "dev"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
