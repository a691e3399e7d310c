//! Where a terminal matters: interactive shells with `init` loaded, the guard
//! that keeps `use` from printing a secret to a screen, and hidden prompts.

use std::fs;
use std::process::Command;

use rexpect::session::{PtySession, spawn_command};

use crate::harness::*;

const TIMEOUT_MS: u64 = 15_000;

/// An interactive `shell` on a pseudo-terminal, with the integration loaded
/// from its startup file the way the README says.
pub fn interactive(home: &Home, shell: &str) -> PtySession {
    interactive_with(home, shell, "", "")
}

/// As `interactive`, with shell code run before and after loading the integration.
pub fn interactive_with(home: &Home, shell: &str, before: &str, after: &str) -> PtySession {
    let mut cmd = Command::new(shell);
    home.env(&mut cmd);
    cmd.env("TERM", "dumb");
    let init = match shell {
        "fish" => "\"$TWPROF\" init fish | source".to_owned(),
        _ => format!("eval \"$(\"$TWPROF\" init {shell})\""),
    };
    let rc = format!("{before}\n{init}\n{after}\n");
    match shell {
        "bash" => {
            let path = home.path().join(".bashrc");
            fs::write(&path, format!("PS1='$ '\n{rc}")).unwrap();
            cmd.args(["--noprofile", "--rcfile"]).arg(path).arg("-i");
        }
        "zsh" => {
            fs::write(home.path().join(".zshrc"), format!("PS1='$ '\n{rc}")).unwrap();
            cmd.env("ZDOTDIR", home.path()).arg("-i");
        }
        _ => {
            let path = home.path().join("config.fish");
            fs::write(
                &path,
                format!("function fish_prompt; echo -n '$ '; end\n{rc}"),
            )
            .unwrap();
            cmd.args(["--no-config", "-i", "-C"])
                .arg(format!("source {}", path.display()));
        }
    }
    let mut session = spawn_command(cmd, Some(TIMEOUT_MS)).expect("spawn interactive shell");
    // Interactive shells ignore SIGTERM: end them at once when the test is done.
    session.process_mut().set_kill_timeout(Some(100));
    session
}

/// Types `line`, then reads back the profile this shell is on ("" for none).
pub fn profile_after(session: &mut PtySession, line: &str) -> String {
    run_line(session, line).1
}

/// Types `line`; returns what the terminal showed meanwhile, and the profile after it.
pub fn run_line(session: &mut PtySession, line: &str) -> (String, String) {
    session.send_line(line).unwrap();
    session.send_line("echo @@\"$TWPROF_PROFILE\"@@").unwrap();
    let (before, found) = session.exp_regex("@@[A-Za-z0-9._-]*@@").unwrap();
    (before, found.trim_matches('@').to_owned())
}

#[test]
fn the_twprof_function_switches_the_interactive_shell_it_runs_in() {
    let home = Home::with_two();
    for shell in ["bash", "zsh", "fish"].into_iter().filter(|s| have(s)) {
        let mut session = interactive(&home, shell);
        assert_eq!(profile_after(&mut session, "true"), "", "{shell}");
        assert_eq!(
            profile_after(&mut session, "twprof use dev"),
            "dev",
            "{shell}"
        );
        assert_eq!(
            profile_after(&mut session, "twprof use au-prod"),
            "au-prod",
            "{shell}"
        );
        assert_eq!(
            profile_after(&mut session, "twprof use -"),
            "dev",
            "{shell}"
        );
        assert_eq!(profile_after(&mut session, "twprof off"), "", "{shell}");
        assert_eq!(
            profile_after(&mut session, "twprof use -"),
            "dev",
            "{shell}"
        );
        session.send_line("printenv TWILIO_API_KEY").unwrap();
        session.exp_string(SK).unwrap();
        session.send_line("exit").unwrap();
        let rest = session.exp_eof().unwrap();
        assert!(!rest.contains(MARKER), "{shell} showed the secret: {rest}");
    }
}

#[test]
fn use_on_a_terminal_prints_a_hint_and_no_secret() {
    let home = Home::with_two();
    let mut cmd = Command::new(bin());
    home.env(&mut cmd);
    cmd.args(["--shell", "bash", "use", "dev"]);
    let mut session = spawn_command(cmd, Some(TIMEOUT_MS)).unwrap();
    let screen = session.exp_eof().unwrap();
    assert!(
        screen.contains("twprof init") && screen.contains("eval"),
        "{screen}"
    );
    assert!(
        !screen.contains(MARKER) && !screen.contains("export TWILIO"),
        "{screen}"
    );
    let status = session.process_mut().wait().unwrap();
    assert!(
        matches!(status, rexpect::process::WaitStatus::Exited(_, 1)),
        "{status:?}"
    );

    let mut cmd = Command::new(bin());
    home.env(&mut cmd);
    cmd.args(["--shell", "bash", "use", "dev", "--print"]);
    let mut session = spawn_command(cmd, Some(TIMEOUT_MS)).unwrap();
    assert!(
        session.exp_eof().unwrap().contains(MARKER),
        "--print shows the exports"
    );
}

#[test]
fn add_asks_for_the_secret_without_echoing_it() {
    let home = Home::new();
    let mut cmd = Command::new("sh");
    home.env(&mut cmd);
    // rexpect turns echo off; a real terminal has it on, so the prompt must turn it off.
    cmd.args([
        "-c",
        &format!("stty echo && exec \"$TWPROF\" add dev --account-sid {AC} --api-key {SK}"),
    ]);
    let mut session = spawn_command(cmd, Some(TIMEOUT_MS)).unwrap();
    session.exp_string("API secret (hidden): ").unwrap();
    session.send_line(MARKER).unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(!rest.contains(MARKER), "the secret was echoed: {rest}");
    assert!(rest.contains("Saved profile \"dev\""), "{rest}");
    assert!(fs::read_to_string(home.config()).unwrap().contains(MARKER));
}
