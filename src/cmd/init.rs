use anyhow::{Context, Result};

use super::emit;
use crate::shell::Shell;

const BASH: &str = include_str!("../../shell/twprof.bash");
const ZSH: &str = include_str!("../../shell/twprof.zsh");
const FISH: &str = include_str!("../../shell/twprof.fish");

/// The script for `shell`, calling this very binary (so PATH need not hold it).
pub fn run(shell: Shell) -> Result<()> {
    let exe = std::env::current_exe().context("cannot find the twprof binary's path")?;
    let exe = exe
        .to_str()
        .context("the twprof binary's path is not UTF-8")?;
    let template = match shell {
        Shell::Bash => BASH,
        Shell::Zsh => ZSH,
        Shell::Fish => FISH,
    };
    let mut script = template.replace("::TWPROF::", &shell.quote(exe));
    script.push_str(&completion_registration(shell, exe)?);
    emit(&script)
}

/// clap_complete's dynamic registration: the shell asks this binary for
/// candidates (`COMPLETE=SHELL twprof -- WORDS`), so profile names are live.
fn completion_registration(shell: Shell, exe: &str) -> Result<String> {
    use clap_complete::env::{Bash, EnvCompleter, Fish, Zsh};
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
    };
    // clap's bash script wraps its shell-quoted path in "…" once more, so a path
    // that needs quoting (a space) is run with the quotes in its name: give bash
    // a bare placeholder and put our own quoting in its place below.
    let path = if shell == Shell::Bash {
        "::TWPROF::"
    } else {
        exe
    };
    let mut buf = Vec::new();
    completer.write_registration("COMPLETE", "twprof", "twprof", path, &mut buf)?;
    let registration = String::from_utf8(buf).context("completion script is not UTF-8")?;
    Ok(match shell {
        Shell::Bash => format!(
            "\n# Completions.\n{}",
            registration.replace("\"::TWPROF::\"", &shell.quote(exe))
        ),
        // compdef exists only once compinit ran; without it, skip quietly. The
        // braces keep the test valid under ksh_arrays. No `emulate` in the
        // completer: compsys runs it under its own options, and its helpers
        // (_describe) fail under plain zsh ones.
        Shell::Zsh => format!(
            "\n# Completions (needs compinit before this line).\nif (( ${{+functions[compdef]}} )); then\n{registration}\nfi\n"
        ),
        Shell::Fish => format!("\n# Completions.\n{registration}"),
    })
}
