use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Result, bail};

use super::Ctx;
use crate::cli::RemoveArgs;
use crate::env;

pub fn run(ctx: &Ctx, args: RemoveArgs) -> Result<()> {
    let name = args.name;
    if args.revoke {
        bail!("--revoke is not available in this build yet; nothing was removed");
    }
    let account = ctx.store.load()?.get(&name)?.account_sid.clone();
    if !args.yes && !confirm(&format!("Remove profile \"{name}\" ({account})?"))? {
        bail!("nothing removed");
    }
    ctx.store.update(|profiles| {
        profiles.get(&name)?;
        profiles.profiles.remove(&name);
        if profiles.default.as_deref() == Some(name.as_str()) {
            profiles.default = None;
        }
        Ok(())
    })?;
    ctx.note(&format!("Removed profile \"{name}\"."));
    if env::active_profile().as_deref() == Some(name.as_str()) {
        ctx.note("This shell still holds its variables: run 'twprof off' or 'twprof use' another profile.");
    }
    Ok(())
}

/// Asks on the terminal; without one, the caller must have passed --yes.
fn confirm(question: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to confirm on: add --yes to remove without asking");
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}
