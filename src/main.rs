mod cli;
mod cmd;
mod env;
mod hook;
mod profile;
mod shell;
mod store;
mod twilio;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::cmd::SilentExit;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // The shell integration evaluates our stdout: help text must not land there.
            if std::env::var_os("__TWPROF_FN").is_some() && !e.use_stderr() {
                let help = e.render();
                match std::io::stderr().is_terminal() {
                    true => eprint!("{}", help.ansi()),
                    false => eprint!("{help}"),
                }
                return ExitCode::SUCCESS;
            }
            e.exit();
        }
    };
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => match e.downcast_ref::<SilentExit>() {
            Some(SilentExit(code)) => ExitCode::from(*code),
            None => {
                eprintln!("twprof: {}", format!("{e:#}").replace('\n', " "));
                ExitCode::FAILURE
            }
        },
    }
}
