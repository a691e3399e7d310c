use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Ctx;
use crate::hook::{self, FILE_NAME, TrustList};

/// Trusts the `.twprof` that governs `path` as it is now.
pub fn allow(ctx: &Ctx, path: Option<&Path>) -> Result<()> {
    let file = governing(path)?;
    let pin = hook::read_pin(&file)?;
    let name = pin
        .profile_name()
        .with_context(|| format!("{} cannot be allowed", file.display()))?;
    TrustList::locate()?.allow(&pin)?;
    ctx.note(&format!(
        "Allowed {}: it selects \"{name}\".",
        file.display()
    ));
    if ctx
        .store
        .load()
        .map(|p| p.get(&name).is_err())
        .unwrap_or(false)
    {
        ctx.note(&format!(
            "twprof: warning: there is no profile \"{name}\" yet (see 'twprof list')."
        ));
    }
    Ok(())
}

/// Stops trusting the `.twprof` that governs `path`.
pub fn deny(ctx: &Ctx, path: Option<&Path>) -> Result<()> {
    let file = governing(path)?;
    let was_allowed = TrustList::locate()?.deny(&file)?;
    let how = if was_allowed {
        "no longer switches profiles"
    } else {
        "was not allowed"
    };
    ctx.note(&format!("{} {how}.", file.display()));
    Ok(())
}

/// PATH itself when it is a `.twprof`, else the one at or above it.
fn governing(path: Option<&Path>) -> Result<PathBuf> {
    let start = match path {
        Some(p) => {
            std::path::absolute(p).with_context(|| format!("cannot resolve {}", p.display()))?
        }
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    if start.file_name().is_some_and(|n| n == FILE_NAME) && start.is_file() {
        return Ok(start);
    }
    hook::governing_file(&start)
        .with_context(|| format!("no {FILE_NAME} at or above {}", start.display()))
}
