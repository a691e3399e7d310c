use anyhow::{Result, bail};

use super::Ctx;
use crate::env;
use crate::profile::validate_name;

pub fn run(ctx: &Ctx, old: &str, new: &str) -> Result<()> {
    validate_name(new)?;
    if old == new {
        ctx.store.load()?.get(old)?;
        ctx.note(&format!("\"{old}\" already has that name."));
        return Ok(());
    }
    ctx.store.update(|profiles| {
        if profiles.profiles.contains_key(new) {
            bail!("profile \"{new}\" exists: remove it first or pick another name");
        }
        let profile = profiles.get(old)?.clone();
        profiles.profiles.remove(old);
        profiles.profiles.insert(new.to_owned(), profile);
        if profiles.default.as_deref() == Some(old) {
            profiles.default = Some(new.to_owned());
        }
        Ok(())
    })?;
    ctx.note(&format!("Renamed profile \"{old}\" to \"{new}\"."));
    if env::active_profile().as_deref() == Some(old) {
        ctx.note(&format!(
            "This shell still shows the old name: run 'twprof use {new}'."
        ));
    }
    Ok(())
}
