use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use anyhow::Result;

use super::{Ctx, emit};
use crate::env;
use crate::hook::{self, PinFile, Seen, State, TrustList};
use crate::shell::Shell;

/// Called by the shell side only when the governing `.twprof` changed. Reads
/// the `.twprof` chain, the trust list and, only to switch, the profiles file.
pub fn run(ctx: &Ctx, shell: Shell) -> Result<()> {
    let state = State::from_env();
    let seen = match working_dir().and_then(|dir| hook::governing_file(&dir)) {
        None => Seen::Nothing,
        Some(path) => match hook::read_pin(&path) {
            Ok(pin) => {
                let trusted = TrustList::locate().is_ok_and(|t| t.allows(&pin));
                Seen::Pin { pin, trusted }
            }
            Err(why) => Seen::Unreadable {
                pin: PinFile {
                    path,
                    content: Vec::new(),
                },
                why: format!("{why:#}"),
            },
        },
    };
    let mut lookup = |name: &str| Ok(ctx.store.load_only(Some(name))?.profiles.remove(name));
    let outcome = hook::decide(&state, &seen, &mut lookup)?;
    if let Some(warning) = outcome.warning {
        eprintln!("{warning}");
    }
    emit(&env::render(shell, &outcome.changes))
}

/// The shell's logical directory ($PWD, so symlinked paths match what the user
/// typed) when it is really where we are; else the physical one; none if deleted.
fn working_dir() -> Option<PathBuf> {
    let physical = std::env::current_dir().ok()?;
    let logical = std::env::var_os("PWD")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let same = |a: &PathBuf| {
        let (Ok(x), Ok(y)) = (a.metadata(), physical.metadata()) else {
            return false;
        };
        x.dev() == y.dev() && x.ino() == y.ino()
    };
    Some(logical.filter(same).unwrap_or(physical))
}
