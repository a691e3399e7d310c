//! One file per command, each a small `run` over the store, the shell and the
//! environment contract.

mod add;
mod allow;
mod current;
mod default;
mod exec;
mod hook;
mod import;
mod init;
mod list;
mod login;
mod off;
mod pin;
mod remove;
mod rename;
mod show;
mod use_profile;
mod verify;

use std::fmt;
use std::io::{IsTerminal, Read, Write};

use anyhow::{Context, Result, bail};
use clap::CommandFactory;

use crate::cli::{Cli, Command};
use crate::shell::Shell;
use crate::store::Store;

/// What every command may need: where the profiles are, the shell to speak, how loud to be.
pub struct Ctx {
    pub store: Store,
    shell: Option<Shell>,
    quiet: bool,
}

impl Ctx {
    pub fn shell(&self) -> Shell {
        self.shell.unwrap_or_else(Shell::detect)
    }

    /// A note for the person at the terminal, on stderr; `-q` silences it.
    pub fn note(&self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }
}

/// The hook's short way in: `TWPROF_CONFIG` is the only setting it reads.
pub fn run_hook(shell: Shell) -> Result<()> {
    let config = std::env::var_os("TWPROF_CONFIG").map(std::path::PathBuf::from);
    check_config_env(config.as_deref())?;
    let ctx = Ctx {
        store: Store::locate(config.as_deref())?,
        shell: Some(shell),
        quiet: false,
    };
    hook::run(&ctx, shell)
}

/// The hook and completions read TWPROF_CONFIG from every directory: a relative
/// path would name a different file in each.
fn check_config_env(config: Option<&std::path::Path>) -> Result<()> {
    let from_env = std::env::var_os("TWPROF_CONFIG").map(std::path::PathBuf::from);
    match from_env {
        Some(path)
            if config == Some(path.as_path())
                && path.is_relative()
                && !path.as_os_str().is_empty() =>
        {
            bail!(
                "TWPROF_CONFIG must be an absolute path (it is read from every directory): {}",
                path.display()
            )
        }
        _ => Ok(()),
    }
}

pub fn run(cli: Cli) -> Result<()> {
    check_config_env(cli.config.as_deref())?;
    let ctx = Ctx {
        store: Store::locate(cli.config.as_deref())?,
        shell: cli.shell,
        quiet: cli.quiet,
    };
    match cli.command {
        Command::Login(args) => login::run(&ctx, args),
        Command::Add(args) => add::run(&ctx, args),
        Command::Use(args) => use_profile::run(&ctx, args),
        Command::Off => off::run(&ctx),
        Command::List { json } => list::run(&ctx, json),
        Command::Show { name, json } => show::run(&ctx, &name, json),
        Command::Current => current::run(&ctx),
        Command::Remove(args) => remove::run(&ctx, args),
        Command::Rename { old, new } => rename::run(&ctx, &old, &new),
        Command::Default { name, unset } => default::run(&ctx, name.as_deref(), unset),
        Command::Init { for_shell } => init::run(for_shell),
        Command::Hook { for_shell } => hook::run(&ctx, for_shell),
        Command::Exec { name, command } => exec::run(&ctx, &name, command),
        Command::Import(args) => import::run(&ctx, args),
        Command::Completions { for_shell } => {
            let mut script = Vec::new();
            clap_complete::generate(for_shell, &mut Cli::command(), "twprof", &mut script);
            emit(&String::from_utf8_lossy(&script))
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page)?;
            emit(&String::from_utf8_lossy(&page))
        }
        Command::Pin { name } => pin::pin(&ctx, &name),
        Command::Unpin => pin::unpin(&ctx),
        Command::Allow { path } => allow::allow(&ctx, path.as_deref()),
        Command::Deny { path } => allow::deny(&ctx, path.as_deref()),
        Command::Verify { name } => verify::run(&ctx, name),
    }
}

/// Ends the process with this code and no message (the command said all it had to).
#[derive(Debug)]
pub struct SilentExit(pub u8);

impl fmt::Display for SilentExit {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "exit {}", self.0)
    }
}

impl std::error::Error for SilentExit {}

/// Writes to stdout; a reader that went away (`| head`) ends us quietly.
pub fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(SilentExit(0).into()),
        other => other.context("cannot write to standard output"),
    }
}

/// All of standard input less one trailing newline: the `--…-stdin` flags.
pub fn value_from_stdin(what: &str) -> Result<String> {
    let mut value = String::new();
    std::io::stdin()
        .read_to_string(&mut value)
        .with_context(|| {
            format!("cannot read the {what} from standard input (it must be UTF-8 text)")
        })?;
    if value.ends_with("\r\n") {
        value.truncate(value.len() - 2);
    } else if value.ends_with('\n') {
        value.pop();
    }
    if value.is_empty() {
        bail!("standard input held no {what}");
    }
    Ok(value)
}

/// A hidden prompt on the terminal; without one, a message naming the flag to use.
pub fn hidden_prompt(what: &str, flag: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the {what}: pipe it in with {flag}");
    }
    let value = rpassword::prompt_password(format!("{what} (hidden): "))
        .with_context(|| format!("cannot read the {what} from the terminal"))?;
    if value.is_empty() {
        bail!("no {what} given");
    }
    Ok(value)
}
