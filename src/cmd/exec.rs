use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::Command;

use anyhow::{Result, bail};

use super::{Ctx, SilentExit};
use crate::env::{self, Change};

/// Replaces this process with `command`, on `name`'s variables: its exit
/// status and signals are the command's own, and the calling shell is untouched.
pub fn run(ctx: &Ctx, name: &str, command: Vec<OsString>) -> Result<()> {
    let profiles = ctx.store.load_only(Some(name))?;
    let changes = env::for_command(name, profiles.get(name)?);
    let Some((program, args)) = command.split_first() else {
        bail!("no command given after --")
    };
    let mut child = Command::new(program);
    child.args(args);
    for change in &changes {
        match change {
            Change::Set(var, value) => child.env(var, value),
            Change::Unset(var) => child.env_remove(var),
        };
    }
    let error = child.exec();
    eprintln!("twprof: cannot run {}: {error}", program.to_string_lossy());
    // The shell's codes: 127 not found, 126 found but not runnable.
    let code = if error.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    };
    Err(SilentExit(code).into())
}
