use std::io::IsTerminal;

use anyhow::{Result, bail};

use super::{Ctx, emit};
use crate::env;

pub fn run(ctx: &Ctx) -> Result<()> {
    if std::io::stdout().is_terminal() {
        bail!(
            "a program cannot change the shell that runs it: load the shell integration \
             (see 'twprof init --help') or run eval \"$(twprof off)\""
        );
    }
    emit(&env::render(ctx.shell(), &env::off(Some("off"))))
}
