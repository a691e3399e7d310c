use std::fs;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use super::Ctx;
use crate::hook::{self, FILE_NAME, TrustList};

/// Writes `.twprof` here naming `name`, and trusts it: you wrote it yourself.
pub fn pin(ctx: &Ctx, name: &str) -> Result<()> {
    ctx.store.load()?.get(name)?;
    let path = here()?.join(FILE_NAME);
    if path.symlink_metadata().is_ok_and(|m| !m.is_file()) {
        bail!(
            "{} exists and is not a regular file: remove it first",
            path.display()
        );
    }
    fs::write(&path, format!("{name}\n"))
        .with_context(|| format!("cannot write {}", path.display()))?;
    TrustList::locate()?.allow(&hook::read_pin(&path)?)?;
    ctx.note(&format!(
        "Pinned {} to \"{name}\": entering it switches to that profile.",
        path.parent().unwrap_or(&path).display()
    ));
    Ok(())
}

pub fn unpin(ctx: &Ctx) -> Result<()> {
    let dir = here()?;
    let path = dir.join(FILE_NAME);
    if path.symlink_metadata().is_err() {
        match hook::governing_file(&dir) {
            Some(other) => bail!(
                "no {FILE_NAME} in {}; the one that governs it is {}",
                dir.display(),
                other.display()
            ),
            None => bail!("no {FILE_NAME} in {}", dir.display()),
        }
    }
    TrustList::locate()?.deny(&path)?;
    fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    ctx.note(&format!("Unpinned {}.", dir.display()));
    Ok(())
}

fn here() -> Result<PathBuf> {
    std::env::current_dir().context("cannot read the current directory")
}
