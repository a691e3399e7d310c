use anyhow::{Result, bail};

use super::{Ctx, hidden_prompt, value_from_stdin};
use crate::cli::AddArgs;
use crate::profile::{ApiSecret, Profile, validate_name, validate_place, validate_sid};

pub fn run(ctx: &Ctx, args: AddArgs) -> Result<()> {
    let AddArgs {
        name,
        account_sid,
        api_key,
        api_secret_stdin,
        region,
        edge,
        force,
    } = args;
    validate_name(&name)?;
    validate_sid("account SID", "AC", &account_sid)?;
    validate_sid("API key SID", "SK", &api_key)?;
    validate_place("region", region.as_deref())?;
    validate_place("edge", edge.as_deref())?;
    // Say so before asking for a secret that could not be saved.
    if !force && ctx.store.load()?.profiles.contains_key(&name) {
        bail!("profile \"{name}\" exists: add --force to replace it");
    }
    let secret = if api_secret_stdin {
        value_from_stdin("API secret")?
    } else {
        hidden_prompt("API secret", "--api-secret-stdin")?
    };
    let profile = Profile {
        account_sid,
        api_key,
        api_secret: ApiSecret::new(secret),
        region,
        edge,
    };
    profile.validate(&name)?;
    ctx.store.update(|profiles| {
        if !force && profiles.profiles.contains_key(&name) {
            bail!("profile \"{name}\" exists: add --force to replace it");
        }
        profiles.profiles.insert(name.clone(), profile);
        Ok(())
    })?;
    ctx.note(&format!(
        "Saved profile \"{name}\" to {}. Switch to it with: twprof use {name}",
        ctx.store.path.display()
    ));
    Ok(())
}
