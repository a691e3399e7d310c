use anyhow::{Result, bail};

use super::{Ctx, emit};

pub fn run(ctx: &Ctx, name: Option<&str>, unset: bool) -> Result<()> {
    if unset {
        ctx.store.update(|profiles| {
            profiles.default = None;
            Ok(())
        })?;
        ctx.note("No default profile: new shells start on none.");
        return Ok(());
    }
    let Some(name) = name else {
        return match ctx.store.load()?.default_name() {
            Some(default) => emit(&format!("{default}\n")),
            None => bail!("no default profile: set one with 'twprof default NAME'"),
        };
    };
    ctx.store.update(|profiles| {
        profiles.get(name)?;
        profiles.default = Some(name.to_owned());
        Ok(())
    })?;
    ctx.note(&format!("New shells start on \"{name}\"."));
    Ok(())
}
