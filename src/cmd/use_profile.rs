use std::io::IsTerminal;

use anyhow::{Result, bail};

use super::{Ctx, emit};
use crate::cli::UseArgs;
use crate::env;

pub fn run(ctx: &Ctx, args: UseArgs) -> Result<()> {
    let previous = std::env::var(env::PREVIOUS);
    let wanted = match args.name.as_deref() {
        Some("-") => previous.as_deref().unwrap_or_default(),
        Some(name) => name,
        None => "",
    };
    let profiles = match args.startup {
        true => ctx.store.load()?,
        false => ctx.store.load_only(Some(wanted))?,
    };
    if args.startup {
        // A new shell: the default profile, unless the shell already has one
        // or inherited an explicit `off`.
        let off = std::env::var(env::REASON).is_ok_and(|r| r == "off");
        return match profiles.default_name() {
            Some(name) if env::active_profile().is_none() && !off => emit(&env::render(
                ctx.shell(),
                &env::switch(name, profiles.get(name)?, "default"),
            )),
            _ => Ok(()),
        };
    }
    let requested = args.name.unwrap_or_default();
    let changes = if requested == "-" {
        match previous {
            Err(_) => bail!("this shell has no previous profile yet"),
            Ok(previous) if previous.is_empty() => env::off(Some("off")),
            Ok(previous) => env::switch(&previous, profiles.get(&previous)?, "explicit"),
        }
    } else {
        env::switch(&requested, profiles.get(&requested)?, "explicit")
    };
    if std::io::stdout().is_terminal() && !args.print {
        bail!(
            "a program cannot change the shell that runs it: load the shell integration \
             (see 'twprof init --help') or run eval \"$(twprof use {requested})\"; \
             --print shows the exports, secret included"
        );
    }
    emit(&env::render(ctx.shell(), &changes))
}
