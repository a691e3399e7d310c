//! Every command-line type in one place: the parser, `--help`, completions and
//! the man page are all read from here.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use clap_complete::{ArgValueCandidates, CompletionCandidate};

use crate::shell::Shell;
use crate::store::Store;

#[derive(Debug, Parser)]
#[command(
    name = "twprof",
    version,
    about = "Switch your shell between Twilio accounts",
    long_about = "Switch your shell between Twilio accounts.\n\n\
        twprof keeps Twilio credential profiles in one YAML file and switches a shell \
        by printing TWILIO_* exports for it to evaluate. With the shell integration \
        loaded (twprof init), 'twprof use NAME' switches the shell you type it in.",
    after_help = "Examples:\n  \
        eval \"$(twprof init bash)\"      # in ~/.bashrc; zsh alike, fish: twprof init fish | source\n  \
        twprof add dev --account-sid AC… --api-key SK…\n  \
        twprof use dev                  # this shell now talks to the dev account\n  \
        twprof use -                    # back to the previous profile\n  \
        twprof off                      # no profile"
)]
pub struct Cli {
    /// Profiles file to use [default: $XDG_CONFIG_HOME/twprof/profiles.yaml]
    #[arg(
        long,
        global = true,
        env = "TWPROF_CONFIG",
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub config: Option<PathBuf>,

    /// Shell syntax for printed exports [default: the shell that runs twprof]
    #[arg(long, global = true, value_name = "SHELL")]
    pub shell: Option<Shell>,

    /// Print only what was asked for: no notes on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an API key from your Account SID and Auth Token, and save it as a profile
    #[command(
        visible_alias = "create",
        after_help = "Examples:\n  \
        twprof login dev                              # asks for the Account SID and the Auth Token\n  \
        pass twilio/token | twprof login ci --account-sid AC… --auth-token-stdin\n\n\
        The Auth Token is used once to create an API key and is never stored."
    )]
    Login(LoginArgs),

    /// Save an API key you already have as a profile (no network)
    #[command(after_help = "Examples:\n  \
        twprof add dev --account-sid AC… --api-key SK…          # asks for the secret\n  \
        pass show twilio/dev | twprof add dev --account-sid AC… --api-key SK… --api-secret-stdin")]
    Add(AddArgs),

    /// Print the exports that switch this shell to a profile (`-`: the previous one)
    #[command(after_help = "Examples:\n  \
        twprof use dev                  # with the shell integration loaded\n  \
        eval \"$(twprof use dev)\"        # without it (bash, zsh)\n  \
        twprof use dev | source         # without it (fish)\n  \
        twprof use -                    # back to the profile before")]
    Use(UseArgs),

    /// Print the unsets that return this shell to no profile
    Off,

    /// List profiles, marking the active and the default one
    List {
        /// Print JSON for scripts (never secrets)
        #[arg(long)]
        json: bool,
    },

    /// Show one profile, its secret masked
    Show {
        #[arg(add = ArgValueCandidates::new(profile_names))]
        name: String,
        /// Print JSON for scripts (never secrets)
        #[arg(long)]
        json: bool,
    },

    /// Say which profile this shell is on, and why
    Current,

    /// Delete a profile
    Remove(RemoveArgs),

    /// Rename a profile
    Rename {
        #[arg(add = ArgValueCandidates::new(profile_names))]
        old: String,
        new: String,
    },

    /// Show, set or unset the profile a new shell starts on
    Default {
        #[arg(add = ArgValueCandidates::new(profile_names))]
        name: Option<String>,
        /// Have no default profile
        #[arg(long, conflicts_with = "name")]
        unset: bool,
    },

    /// Check that a profile's key is accepted by Twilio (default: the active profile)
    Verify {
        #[arg(add = ArgValueCandidates::new(profile_names))]
        name: Option<String>,
    },

    /// Run one command with a profile's variables, leaving this shell as it is
    #[command(after_help = "Example:\n  twprof exec prod -- twilio api:core:messages:list")]
    Exec {
        #[arg(add = ArgValueCandidates::new(profile_names))]
        name: String,
        /// The command and its arguments, after --
        #[arg(last = true, required = true, value_name = "CMD")]
        command: Vec<OsString>,
    },

    /// Print the shell integration to load from your shell's startup file
    #[command(after_help = "Add one line to your shell's startup file:\n  \
        bash (~/.bashrc):                 eval \"$(twprof init bash)\"\n  \
        zsh (~/.zshrc):                   eval \"$(twprof init zsh)\"\n  \
        fish (~/.config/fish/config.fish): twprof init fish | source")]
    Init {
        #[arg(value_name = "SHELL")]
        for_shell: Shell,
    },

    /// Pin this directory to a profile (writes and allows .twprof)
    #[command(
        after_help = "Example:\n  cd ~/src/acme && twprof pin acme   # entering ~/src/acme now switches to acme"
    )]
    Pin {
        #[arg(add = ArgValueCandidates::new(profile_names))]
        name: String,
    },

    /// Remove this directory's .twprof
    Unpin,

    /// Trust the .twprof file that governs PATH (default: this directory)
    Allow { path: Option<PathBuf> },

    /// Stop trusting the .twprof file that governs PATH (default: this directory)
    Deny { path: Option<PathBuf> },

    /// Print the exports the current directory needs (called by the shell integration)
    #[command(hide = true)]
    Hook {
        #[arg(value_name = "SHELL")]
        for_shell: Shell,
    },

    /// Print a static completion script (for packagers; `init` already completes)
    Completions {
        #[arg(value_name = "SHELL")]
        for_shell: clap_complete::Shell,
    },

    /// Copy profiles from another tool
    Import(ImportArgs),

    /// Print the man page (roff)
    Man,
}

#[derive(Debug, Args)]
pub struct UseArgs {
    /// Profile name, or - for the previous profile of this shell
    #[arg(required_unless_present = "startup", add = ArgValueCandidates::new(profile_names))]
    pub name: Option<String>,

    /// Print the exports even when stdout is a terminal (they contain the secret)
    #[arg(long)]
    pub print: bool,

    /// The default profile, if this shell has none yet (run by `init`)
    #[arg(long, hide = true, conflicts_with = "name")]
    pub startup: bool,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    pub name: String,
    #[arg(long, value_name = "AC…")]
    pub account_sid: String,
    #[arg(long, value_name = "SK…")]
    pub api_key: String,
    /// Read the API secret from standard input instead of a hidden prompt
    #[arg(long)]
    pub api_secret_stdin: bool,
    /// Twilio region, such as au1 or ie1
    #[arg(long)]
    pub region: Option<String>,
    /// Twilio edge location, such as sydney or dublin
    #[arg(long)]
    pub edge: Option<String>,
    /// Replace a profile of the same name
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Name for the new profile (asked for when missing)
    pub name: Option<String>,
    #[arg(long, value_name = "AC…")]
    pub account_sid: Option<String>,
    /// Read the Auth Token from standard input instead of a hidden prompt
    #[arg(long)]
    pub auth_token_stdin: bool,
    /// Twilio region, such as au1 or ie1
    #[arg(long)]
    pub region: Option<String>,
    /// Twilio edge location, such as sydney or dublin
    #[arg(long)]
    pub edge: Option<String>,
    /// Replace a profile of the same name
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    #[arg(add = ArgValueCandidates::new(profile_names))]
    pub name: String,
    /// Do not ask for confirmation
    #[arg(short, long)]
    pub yes: bool,
    /// First delete the API key at Twilio (needs the account's Auth Token)
    #[arg(long)]
    pub revoke: bool,
    /// With --revoke: read the Auth Token from standard input
    #[arg(long, requires = "revoke")]
    pub auth_token_stdin: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(value_enum)]
    pub source: ImportSource,
    /// The tool's config file [default: $TWILIO_CONFIG_DIR/config.json, else ~/.twilio-cli/config.json]
    #[arg(long, value_name = "PATH")]
    pub from: Option<PathBuf>,
    /// Replace profiles of the same name
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ImportSource {
    /// The Twilio CLI's profiles
    TwilioCli,
}

/// Profile names for completion, read live; a missing or broken file completes
/// to nothing and prints nothing (the shell shows whatever we print).
fn profile_names() -> Vec<CompletionCandidate> {
    let config = std::env::var_os("TWPROF_CONFIG").map(PathBuf::from);
    Store::locate(config.as_deref())
        .and_then(|store| store.quiet().load())
        .map(|profiles| {
            profiles
                .profiles
                .into_keys()
                .map(CompletionCandidate::new)
                .collect()
        })
        .unwrap_or_default()
}
