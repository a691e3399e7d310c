//! Completions in real shells: subcommands, flags and live profile names, and
//! silence when the profiles file is broken.

use std::fs;

use crate::harness::*;
use crate::pty::interactive_with;

/// The words bash offers after `line` (the last word being completed).
fn bash_candidates(home: &Home, words: &[&str]) -> (String, String) {
    bash_candidates_from(home, "", words)
}

/// As `bash_candidates`, with shell code run first (e.g. to point `$TWPROF` elsewhere).
fn bash_candidates_from(home: &Home, before: &str, words: &[&str]) -> (String, String) {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "{before}\neval \"$(\"$TWPROF\" init bash 2>/dev/null)\" 2>/dev/null\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_TYPE=9\n\
         _clap_complete_twprof twprof '{}' '{}'\nfor w in \"${{COMPREPLY[@]}}\"; do echo \"$w\"; done",
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = home.shell("bash", &script);
    (text(&out.stdout), text(&out.stderr))
}

#[test]
fn bash_completes_profile_names_live() {
    if !have("bash") {
        return;
    }
    let home = Home::with_two();
    for command in [
        "use", "show", "remove", "rename", "default", "exec", "pin", "verify",
    ] {
        let (got, err) = bash_candidates(&home, &["twprof", command, ""]);
        assert!(
            got.lines().any(|l| l == "dev") && got.lines().any(|l| l == "au-prod"),
            "{command}: {got}{err}"
        );
    }
    let (got, _) = bash_candidates(&home, &["twprof", "use", "a"]);
    assert_eq!(got, "au-prod\n");
    let (got, _) = bash_candidates(&home, &["twprof", "ren"]);
    assert_eq!(got, "rename\n");
    home.add("zeta", AC, SK, "z", &[]);
    let (got, _) = bash_candidates(&home, &["twprof", "use", "z"]);
    assert_eq!(got, "zeta\n", "names are read live from the file");
}

#[test]
fn a_broken_profiles_file_completes_to_nothing_and_says_nothing() {
    let home = Home::with_two();
    fs::write(home.config(), "version: 1\nprofiles: [\n").unwrap();
    if have("bash") {
        let (got, err) = bash_candidates(&home, &["twprof", "use", "d"]);
        assert_eq!((got.as_str(), err.as_str()), ("", ""));
    }
    // World-readable: a warning elsewhere, silence here.
    let _ = fs::remove_file(home.config());
    home.add("dev", AC, SK, "x", &[]);
    std::process::Command::new("chmod")
        .arg("644")
        .arg(home.config())
        .status()
        .unwrap();
    if have("fish") {
        // The init's own start-up may warn; the completion itself must not.
        let script =
            "begin; \"$TWPROF\" init fish | source; end 2>/dev/null; complete -C 'twprof use d'";
        let out = home.shell("fish", script);
        assert_eq!(text(&out.stderr), "");
        assert!(
            text(&out.stdout).starts_with("dev"),
            "{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn fish_completes_profile_names() {
    if !have("fish") {
        return;
    }
    let home = Home::with_two();
    let out = home.shell(
        "fish",
        "\"$TWPROF\" init fish | source; complete -C 'twprof use '",
    );
    let names: Vec<&str> = text(&out.stdout)
        .leak()
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert!(
        names.contains(&"dev") && names.contains(&"au-prod"),
        "{names:?}"
    );
    let out = home.shell(
        "fish",
        "\"$TWPROF\" init fish | source; complete -C 'twprof sh'",
    );
    assert!(
        text(&out.stdout).starts_with("show"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn zsh_completes_profile_names_on_tab() {
    if !have("zsh") {
        return;
    }
    let home = Home::with_two();
    let mut t = interactive_with(&home, "zsh", "autoload -Uz compinit && compinit -u", "");
    t.exp_string("$ ").unwrap();
    t.send("twprof use au\t").unwrap();
    t.flush().unwrap();
    t.exp_string("twprof use au-prod").unwrap();
}

#[test]
fn zsh_completes_under_ksh_arrays_and_no_unset() {
    if !have("zsh") {
        return;
    }
    let home = Home::with_two();
    let before = "setopt ksh_arrays no_unset\nautoload -Uz compinit && compinit -u";
    let mut t = interactive_with(&home, "zsh", before, "echo rc-done");
    let startup = t.exp_string("rc-done").unwrap();
    assert!(!startup.contains("(eval)"), "init printed: {startup}");
    t.exp_string("$ ").unwrap();
    t.send("twprof use au\t").unwrap();
    t.flush().unwrap();
    t.exp_string("twprof use au-prod").unwrap();
}

/// A binary whose path needs quoting (a space): completion still runs it, in
/// every shell.
#[test]
fn completions_work_from_a_path_with_a_space() {
    let home = Home::with_two();
    let dir = tempfile::Builder::new()
        .prefix("sp ace ")
        .tempdir()
        .unwrap();
    let exe = dir.path().join("twprof");
    fs::copy(bin(), &exe).unwrap();
    let exe = exe.to_str().unwrap();
    assert!(!exe.contains('\''), "{exe}");
    let point = format!("TWPROF='{exe}'");
    if have("bash") {
        let (got, err) = bash_candidates_from(&home, &point, &["twprof", "use", "a"]);
        assert_eq!(got, "au-prod\n", "{err}");
    }
    if have("fish") {
        let script = format!(
            "set TWPROF '{exe}'; \"$TWPROF\" init fish | source; complete -C 'twprof use a'"
        );
        let out = home.shell("fish", &script);
        assert!(
            text(&out.stdout).starts_with("au-prod"),
            "{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }
    if have("zsh") {
        let before = format!("{point}\nautoload -Uz compinit && compinit -u");
        let mut t = interactive_with(&home, "zsh", &before, "");
        t.exp_string("$ ").unwrap();
        t.send("twprof use au\t").unwrap();
        t.flush().unwrap();
        t.exp_string("twprof use au-prod").unwrap();
    }
}

#[test]
fn static_scripts_for_packagers() {
    let home = Home::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = home.run(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        assert!(text(&out.stdout).contains("twprof"), "{shell}");
    }
    if have("bash") {
        let out = home.shell(
            "bash",
            "eval \"$(\"$TWPROF\" completions bash)\" && complete -p twprof",
        );
        assert!(
            text(&out.stdout).contains("twprof"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn the_man_page_renders_without_warnings() {
    let home = Home::new();
    let out = home.run(&["man"]);
    assert!(out.status.success());
    let page = home.path().join("twprof.1");
    fs::write(&page, &out.stdout).unwrap();
    if !have("man") {
        return;
    }
    let out = std::process::Command::new("man")
        .args(["--warnings", "-l"])
        .arg(&page)
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "", "man warned");
    let shown = text(&out.stdout);
    assert!(
        shown.contains("twprof") && shown.contains("login") && shown.contains("--config"),
        "{shown}"
    );
}
