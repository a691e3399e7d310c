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
    let mut cmd = Command::new(shell);
    home.env(&mut cmd);
    cmd.env("TERM", "dumb");
    match shell {
        "bash" => {
            let rc = home.path().join(".bashrc");
            fs::write(&rc, "eval \"$(\"$TWPROF\" init bash)\"\nPS1='$ '\n").unwrap();
            cmd.args(["--noprofile", "--rcfile"]).arg(rc).arg("-i");
        }
        "zsh" => {
            fs::write(
                home.path().join(".zshrc"),
                "eval \"$(\"$TWPROF\" init zsh)\"\nPS1='$ '\n",
            )
            .unwrap();
            cmd.env("ZDOTDIR", home.path()).arg("-i");
        }
        _ => {
            cmd.args([
                "--no-config",
                "-i",
                "-C",
                "\"$TWPROF\" init fish | source; function fish_prompt; echo -n '$ '; end",
            ]);
        }
    }
    spawn_command(cmd, Some(TIMEOUT_MS)).expect("spawn interactive shell")
}

/// Types `line`, then reads back the profile this shell is on ("" for none).
pub fn profile_after(session: &mut PtySession, line: &str) -> String {
    session.send_line(line).unwrap();
    session.send_line("echo @@\"$TWPROF_PROFILE\"@@").unwrap();
    let (_, found) = session.exp_regex("@@[A-Za-z0-9._-]*@@").unwrap();
    found.trim_matches('@').to_owned()
}

fn home_with_two() -> Home {
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

#[test]
fn the_twprof_function_switches_the_interactive_shell_it_runs_in() {
    let home = home_with_two();
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
    let home = home_with_two();
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
    let mut cmd = Command::new(bin());
    home.env(&mut cmd);
    cmd.args(["add", "dev", "--account-sid", AC, "--api-key", SK]);
    let mut session = spawn_command(cmd, Some(TIMEOUT_MS)).unwrap();
    session.exp_string("API secret (hidden): ").unwrap();
    session.send_line(MARKER).unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(!rest.contains(MARKER), "the secret was echoed: {rest}");
    assert!(rest.contains("Saved profile \"dev\""), "{rest}");
    assert!(fs::read_to_string(home.config()).unwrap().contains(MARKER));
}
