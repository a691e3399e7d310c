//! SPEC §4 in real interactive shells on a pseudo-terminal: `.twprof`, trust,
//! the enter/leave state machine, the prompt hooks and what they cost.

use std::fs;
use std::process::Command;

use crate::harness::*;
use crate::pty::{interactive, interactive_with, profile_after, run_line};

const ALLOW_HINT: &str = "run 'twprof allow' to trust it";

/// Profiles base, dev, au; `a` pinned to dev, `a/b` to au (both allowed), `a/sub` plain.
fn project_home() -> Home {
    let home = Home::new();
    home.add("base", AC, SK, "base-secret", &[]);
    home.add("dev", AC, SK, MARKER, &[]);
    home.add("au", AC2, SK2, "au-secret", &["--region", "au1"]);
    for (dir, name) in [
        ("a", Some("dev")),
        ("a/b", Some("au")),
        ("a/sub", None),
        ("c", None),
    ] {
        let path = home.path().join(dir);
        fs::create_dir_all(&path).unwrap();
        if let Some(name) = name {
            let out = home
                .twprof(&["pin", name])
                .current_dir(&path)
                .output()
                .unwrap();
            assert!(out.status.success(), "pin: {}", text(&out.stderr));
        }
    }
    home
}

fn hook_shells() -> Vec<&'static str> {
    ["bash", "zsh", "fish"]
        .into_iter()
        .filter(|s| have(s))
        .collect()
}

#[test]
fn entering_and_leaving_pinned_trees() {
    let home = project_home();
    for shell in hook_shells() {
        let mut t = interactive(&home, shell);
        let mut step = |line: &str, want: &str| {
            let (shown, got) = run_line(&mut t, line);
            assert_eq!(got, want, "{shell}: after `{line}`: {shown}");
            shown
        };
        step("twprof use base", "base");
        step("cd a", "dev");
        let shown = step("twprof current", "dev");
        assert!(
            shown.contains(&format!("dev (directory {}/a)", home.path().display())),
            "{shell}: {shown}"
        );
        step("cd b", "au");
        step("cd ..", "dev");
        step("cd sub", "dev");
        step("cd ~", "base");
        // An explicit switch inside a tree holds until the tree is left.
        step("cd a", "dev");
        step("twprof use au", "au");
        step("cd sub", "au");
        step("twprof off", "");
        step("cd ..", "");
        step("cd ~", "base");
        // `use -` goes back to what was active before the restore: the explicit off.
        step("twprof use -", "");
        step("twprof use base", "base");

        // An unallowed file warns once per shell and switches nothing.
        fs::write(home.path().join("c/.twprof"), "dev\n").unwrap();
        let shown = step("cd c", "base");
        assert_eq!(shown.matches(ALLOW_HINT).count(), 1, "{shell}: {shown}");
        assert!(shown.contains("selects \"dev\""), "{shell}: {shown}");
        let shown = step("cd ~; cd c", "base");
        assert_eq!(
            shown.matches(ALLOW_HINT).count(),
            0,
            "{shell} warned twice: {shown}"
        );
        step("twprof allow", "dev");
        // Edited: its old selection ends, the new one waits to be allowed.
        fs::write(home.path().join("c/.twprof"), "au\n").unwrap();
        let shown = step("true", "base");
        assert_eq!(shown.matches(ALLOW_HINT).count(), 1, "{shell}: {shown}");
        step("twprof allow", "au");
        // Deleted: as if the tree was left.
        fs::remove_file(home.path().join("c/.twprof")).unwrap();
        step("true", "base");
        step("twprof pin dev", "dev");
        // Denied in place: at once, as if the tree was left; `current` no longer credits it.
        let shown = step("twprof deny; twprof current", "base");
        assert!(shown.contains("base (explicit)"), "{shell}: {shown}");
        step("twprof allow", "dev");
        step("twprof unpin", "base");
        step("twprof deny ~/a", "base");
        step("cd ~/a", "base");
        step("twprof allow", "dev");
        step("cd ~", "base");

        // A cd and a command on one line: the command already sees the new profile.
        let shown = step("cd a && printenv TWPROF_PROFILE TWILIO_API_KEY", "dev");
        assert!(shown.contains(&format!("dev\r\n{SK}")), "{shell}: {shown}");
        step("cd ~", "base");
        if shell == "fish" {
            // fish runs command substitutions in the shell itself: a cd there moves the shell.
            step("echo (cd ~/a/b; pwd)", "au");
            step("echo (cd ~; pwd)", "base");
        } else {
            // A subshell's cd moves only the subshell.
            step("echo \"$(cd ~/a/b; pwd)\"", "base");
        }
        t.send_line("exit").unwrap();
        t.exp_eof().unwrap();
    }
}

/// Newlines in directory names: the hook walks up from `nl\nx/sub` and finds
/// `nl\nx/.twprof`; `x\n` is governed by its own file, not by its sibling `x`'s.
#[test]
fn directory_names_with_newlines_are_governed_like_any_other() {
    let home = project_home();
    for (dir, name) in [("nl\nx", "au"), ("x", "au"), ("x\n", "dev")] {
        let path = home.path().join(dir);
        fs::create_dir_all(&path).unwrap();
        let out = home
            .twprof(&["pin", name])
            .current_dir(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "pin: {}", text(&out.stderr));
    }
    fs::create_dir_all(home.path().join("nl\nx/sub")).unwrap();
    for shell in hook_shells() {
        // fish reads \n as a newline outside quotes; bash and zsh inside $'…'.
        let (nl_x, x_nl) = if shell == "fish" {
            ("~/nl\\nx", "~/x\\n")
        } else {
            ("~/$'nl\\nx'", "~/$'x\\n'")
        };
        let mut t = interactive(&home, shell);
        let mut step = |line: &str, want: &str| {
            let (shown, got) = run_line(&mut t, line);
            assert_eq!(got, want, "{shell}: after `{line}`: {shown}");
            for error in ["unexpected argument", "test:", "error", "Error"] {
                assert!(!shown.contains(error), "{shell}: after `{line}`: {shown}");
            }
        };
        step("twprof use base", "base");
        step(&format!("cd {nl_x}"), "au");
        step("cd sub", "au");
        step("cd ~", "base");
        step(&format!("cd {x_nl}"), "dev");
        step("true", "dev");
        step("cd ~/x", "au");
        step("cd ~", "base");
    }
}

#[test]
fn hostile_twprof_files_switch_nothing_and_run_nothing() {
    let home = project_home();
    let evil = home.path().join("evil");
    fs::create_dir_all(&evil).unwrap();
    let contents: Vec<Vec<u8>> = vec![
        b"$(touch pwned)\n".to_vec(),
        b"`touch pwned`\n".to_vec(),
        b"dev; touch pwned\n".to_vec(),
        b"dev\ntouch pwned\n".to_vec(),
        b"dev\0au\n".to_vec(),
        [b"dev\n".as_slice(), &vec![b'#'; 1 << 20]].concat(),
    ];
    for shell in hook_shells() {
        let mut t = interactive(&home, shell);
        assert_eq!(profile_after(&mut t, "twprof use base"), "base");
        for content in &contents {
            fs::write(evil.join(".twprof"), content).unwrap();
            let (shown, got) = run_line(&mut t, "cd ~/evil; twprof allow; cd ~");
            assert_eq!(got, "base", "{shell}: {shown}");
            let (_, got) = run_line(&mut t, "cd ~/evil");
            assert_eq!(
                got,
                "base",
                "{shell} switched on {:?}",
                String::from_utf8_lossy(&content[..content.len().min(20)])
            );
            profile_after(&mut t, "cd ~");
            assert!(
                !home.path().join("pwned").exists() && !evil.join("pwned").exists(),
                "{shell} ran code"
            );
        }
    }
}

#[test]
fn bash_prompt_command_forms_are_kept_and_hooked_once() {
    if !have("bash") {
        return;
    }
    let home = project_home();
    let cases = [
        (
            "unset PROMPT_COMMAND",
            "declare -- PROMPT_COMMAND=\"__twprof_hook\"",
        ),
        (
            "PROMPT_COMMAND='echo one; echo two'",
            "declare -- PROMPT_COMMAND=\"__twprof_hook;echo one; echo two\"",
        ),
        (
            "PROMPT_COMMAND=('echo one' 'echo two')",
            "declare -a PROMPT_COMMAND=([0]=\"__twprof_hook\" [1]=\"echo one\" [2]=\"echo two\")",
        ),
    ];
    for (before, want) in cases {
        // Sourced twice, as a .bashrc sourced from .bash_profile would.
        let twice = "eval \"$(\"$TWPROF\" init bash)\"";
        let mut t = interactive_with(&home, "bash", before, twice);
        let (shown, _) = run_line(&mut t, "declare -p PROMPT_COMMAND");
        assert!(shown.contains(want), "{before}: {shown}");
        assert_eq!(profile_after(&mut t, "cd a"), "dev", "{before}");
        let (shown, _) = run_line(&mut t, "echo \"hooks=$(type cd | grep -c __twprof_hook)\"");
        assert!(
            shown.contains("hooks=1\r\n"),
            "cd wrapped more than once: {shown}"
        );
    }
}

#[test]
fn bash_keeps_an_existing_cd_wrapper_and_the_exit_status() {
    if !have("bash") {
        return;
    }
    let home = project_home();
    let before = "set -u\nPS1='[$?] $ '\ncd() { echo wrapped-cd; builtin cd \"$@\"; }";
    let mut t = interactive_with(&home, "bash", before, "");
    // Under set -u: no marker that reads an unset variable, only printenv.
    t.send_line("cd a && printenv TWPROF_PROFILE; echo done-$((0+1))")
        .unwrap();
    let shown = t.exp_string("done-1\r\n").unwrap();
    assert!(
        shown.contains("wrapped-cd") && shown.ends_with("dev\r\n"),
        "{shown}"
    );
    assert!(!shown.contains("unbound variable"), "{shown}");
    t.send_line("false").unwrap();
    t.exp_string("[1] $ ").unwrap();
    t.send_line("cd ~; (exit 3)").unwrap();
    t.exp_string("[3] $ ").unwrap();
    t.send_line("printenv TWPROF_PROFILE; echo done-$((1+1))")
        .unwrap();
    let shown = t.exp_string("done-2\r\n").unwrap();
    assert!(
        !shown.contains("dev") && !shown.contains("unbound variable"),
        "{shown}"
    );
}

#[test]
fn zsh_hooks_work_under_ksh_arrays_and_no_unset() {
    if !have("zsh") {
        return;
    }
    let home = project_home();
    let before = "setopt ksh_arrays no_unset\nprecmd() { print -n ''; }";
    let mut t = interactive_with(&home, "zsh", before, "");
    let (shown, got) = run_line(&mut t, "cd a");
    assert_eq!(got, "dev", "{shown}");
    assert!(!shown.contains("parameter not set"), "{shown}");
    assert_eq!(profile_after(&mut t, "cd b"), "au");
    let (shown, _) = run_line(
        &mut t,
        "print -r -- \"${precmd_functions[*]}\"; functions precmd | head -1",
    );
    assert!(
        shown.contains("__twprof_hook") && shown.contains("precmd ()"),
        "{shown}"
    );
}

/// Under `auto_name_dirs`, any variable holding a directory's absolute path
/// becomes a `~name`: the hook's state must never be one (SPEC §3).
#[test]
fn zsh_auto_name_dirs_learns_no_twprof_name() {
    if !have("zsh") {
        return;
    }
    let home = project_home();
    let mut t = interactive_with(&home, "zsh", "setopt auto_name_dirs", "");
    assert_eq!(profile_after(&mut t, "cd a"), "dev");
    assert_eq!(profile_after(&mut t, "cd ~"), "");
    let (shown, _) = run_line(&mut t, "print -rP -- 'at=%~'; hash -d");
    assert!(shown.contains("at=~"), "{shown}");
    assert!(!shown.contains("__twprof"), "{shown}");
}

#[test]
fn hooks_are_silent_in_non_interactive_shells() {
    let home = project_home();
    fs::write(home.path().join("c/.twprof"), "dev\n").unwrap();
    for shell in hook_shells() {
        let init = if shell == "fish" {
            "\"$TWPROF\" init fish | source".to_owned()
        } else {
            format!("eval \"$(\"$TWPROF\" init {shell})\"")
        };
        let out = home.shell(
            shell,
            &format!("{init}\ncd c\ncd ../a\nprintenv TWPROF_PROFILE"),
        );
        assert_eq!(text(&out.stdout), "dev\n", "{shell}: {}", text(&out.stderr));
        assert_eq!(
            text(&out.stderr),
            "",
            "{shell} printed in a non-interactive shell"
        );
    }
}

/// Global options before the subcommand: the function still finds `use`, `off`
/// or `pin` and switches this shell, rather than running the bare binary.
#[test]
fn the_function_looks_past_global_options_for_the_subcommand() {
    let home = project_home();
    for shell in hook_shells() {
        let init = if shell == "fish" {
            "\"$TWPROF\" init fish | source".to_owned()
        } else {
            format!("eval \"$(\"$TWPROF\" init {shell})\"")
        };
        let config = "\"$HOME/.config/twprof/profiles.yaml\"";
        // Another shell's syntax is printed, never evaluated here.
        let other = if shell == "fish" { "bash" } else { "fish" };
        let script = format!(
            "{init}\n\
             twprof -q use dev; printenv TWPROF_PROFILE\n\
             twprof --quiet use au; printenv TWPROF_PROFILE\n\
             twprof --config {config} use base; printenv TWPROF_PROFILE\n\
             twprof --config={config} -q off; printenv TWPROF_PROFILE; echo off\n\
             twprof --shell {shell} use dev; printenv TWPROF_PROFILE\n\
             twprof --shell={shell} -q use au; printenv TWPROF_PROFILE\n\
             twprof --shell {other} use base >/dev/null; printenv TWPROF_PROFILE\n\
             cd c\n\
             twprof -q pin dev; printenv TWPROF_PROFILE\n\
             twprof --config {config} -q unpin; printenv TWPROF_PROFILE\n"
        );
        let out = home.shell(shell, &script);
        assert_eq!(
            text(&out.stdout),
            "dev\nau\nbase\noff\ndev\nau\nau\ndev\nau\n",
            "{shell}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stderr), "", "{shell}");
    }
}

/// `strace -f` on an interactive shell: no twprof process over 20 unchanged
/// prompts, and no process at all in bash and zsh.
#[test]
fn an_unchanged_prompt_spawns_no_process() {
    if !have("strace") {
        return;
    }
    let home = project_home();
    for shell in hook_shells() {
        let log = home.path().join(format!("strace-{shell}.log"));
        let mut t = interactive_with(&home, shell, "", "");
        let pid_var = if shell == "fish" { "$fish_pid" } else { "$$" };
        t.send_line(&format!("echo pid={pid_var}")).unwrap();
        let (_, pid) = t.exp_regex("pid=[0-9]+").unwrap();
        let pid = pid.trim_start_matches("pid=").to_owned();
        let mut tracer = Command::new("strace")
            .args([
                "-f",
                "-qq",
                "-e",
                "trace=execve,fork,vfork,clone,clone3",
                "-o",
            ])
            .arg(&log)
            .args(["-p", &pid])
            .spawn()
            .unwrap();
        // strace is attached once a traced call shows up in its log.
        for _ in 0..100 {
            run_line(&mut t, "cd ~/a && cd ~/a/b && cd ~");
            if fs::read_to_string(&log)
                .unwrap_or_default()
                .contains("twprof")
            {
                break;
            }
        }
        assert_eq!(profile_after(&mut t, "cd a/sub"), "dev");
        let traced = || fs::read_to_string(&log).unwrap();
        let before = traced();
        assert!(
            before.contains("execve("),
            "{shell}: strace saw nothing: {before}"
        );
        for _ in 0..20 {
            profile_after(&mut t, "true");
        }
        let after = traced();
        let new = &after[before.len()..];
        assert!(
            !new.contains("twprof"),
            "{shell} ran twprof on an unchanged prompt: {new}"
        );
        if shell != "fish" {
            assert!(
                new.trim().is_empty(),
                "{shell} spawned processes on an unchanged prompt: {new}"
            );
        }
        // One real change of governing file: exactly one twprof hook.
        profile_after(&mut t, "cd ~/a/b");
        let changed = traced();
        assert_eq!(
            changed[after.len()..].matches("\"hook\"").count(),
            1,
            "{shell}: {}",
            &changed[after.len()..]
        );
        tracer.kill().unwrap();
        let _ = tracer.wait();
    }
}
