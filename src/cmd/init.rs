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
    emit(&template.replace("::TWPROF::", &shell.quote(exe)))
}
