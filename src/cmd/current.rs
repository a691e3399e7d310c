use anyhow::Result;

use super::{Ctx, SilentExit, emit};
use crate::env;

pub fn run(ctx: &Ctx) -> Result<()> {
    let profiles = ctx.store.load()?;
    let Some(name) = env::active_profile() else {
        emit("none\n")?;
        let explicit_off = std::env::var(env::REASON).is_ok_and(|r| r == "off");
        if let Some(default) = profiles.default_name().filter(|_| !explicit_off) {
            ctx.note(&format!(
                "twprof: the default profile \"{default}\" is not loaded in this shell: see 'twprof init --help'"
            ));
        }
        return Err(SilentExit(1).into());
    };
    let reason = match std::env::var(env::REASON).unwrap_or_default() {
        r if r == "default" => "default".to_owned(),
        r if r.starts_with("dir:") => format!("directory {}", &r[4..]),
        _ => "explicit".to_owned(),
    };
    emit(&format!("{name} ({reason})\n"))?;
    let Ok(profile) = profiles.get(&name) else {
        eprintln!(
            "twprof: profile \"{name}\" no longer exists: run 'twprof off' or 'twprof use' another"
        );
        return Ok(());
    };
    // A hand-edited variable means tools no longer use the profile the prompt shows.
    let drifted: Vec<&str> = env::credentials(&name, profile)
        .iter()
        .filter(|change| match change {
            env::Change::Set(var, value) => std::env::var(var).ok().as_ref() != Some(value),
            env::Change::Unset(var) => std::env::var_os(var).is_some(),
        })
        .map(|change| match change {
            env::Change::Set(var, _) | env::Change::Unset(var) => *var,
        })
        .collect();
    if !drifted.is_empty() {
        eprintln!(
            "twprof: {} in this shell differ from profile \"{name}\" (changed by hand?): run 'twprof use {name}' to restore",
            drifted.join(", ")
        );
    }
    Ok(())
}
