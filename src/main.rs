use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, ValueEnum};

use twprof::cli::Cli;
use twprof::cmd::{self, SilentExit};
use twprof::shell::Shell;

fn main() -> ExitCode {
    // Past `ulimit -f`, a write should fail with an error we report, not kill us
    // (the old profiles file stays either way; this way the user learns why).
    // SAFETY: setting a signal to be ignored at start-up, before any thread exists.
    unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
    // The prompt hook runs at every directory change: it skips argument parsing.
    if let Some(shell) = hook_call() {
        return exit_code(cmd::run_hook(shell));
    }
    // Asked by a shell for completions (COMPLETE=bash twprof -- …): answer and exit.
    clap_complete::CompleteEnv::with_factory(Cli::command).complete();
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
    exit_code(cmd::run(cli))
}

/// `twprof hook SHELL`, exactly as the shell integration calls it.
fn hook_call() -> Option<Shell> {
    let mut args = std::env::args_os().skip(1);
    let (Some(hook), Some(shell), None) = (args.next(), args.next(), args.next()) else {
        return None;
    };
    if hook != "hook" {
        return None;
    }
    Shell::from_str(shell.to_str()?, false).ok()
}

fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    match result {
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
