//! The environment contract (SPEC §3): which variables a switch sets or unsets.
//! `use`, `off`, `exec` and the directory hook all build on `Change`.

use crate::profile::Profile;
use crate::shell::Shell;

pub const ACCOUNT_SID: &str = "TWILIO_ACCOUNT_SID";
pub const API_KEY: &str = "TWILIO_API_KEY";
pub const API_SECRET: &str = "TWILIO_API_SECRET";
pub const REGION: &str = "TWILIO_REGION";
pub const EDGE: &str = "TWILIO_EDGE";
pub const AUTH_TOKEN: &str = "TWILIO_AUTH_TOKEN";
pub const PROFILE: &str = "TWPROF_PROFILE";
/// The profile this shell had before the last switch ("" for none): for `use -`.
pub const PREVIOUS: &str = "__TWPROF_PREV";
/// Why the active profile is active: `explicit`, `default` or `dir:PATH`; `off`
/// after an explicit `off` (so a new shell does not start on the default).
pub const REASON: &str = "__TWPROF_WHY";
/// The directory hook's memory (hook.rs): the `.twprof` in effect, the profile it
/// named, what to restore on leaving, and files already warned about.
pub const FILE: &str = "__TWPROF_DIR";
pub const PINNED: &str = "__TWPROF_PIN";
pub const SAVED: &str = "__TWPROF_SAVED";
pub const WARNED: &str = "__TWPROF_WARNED";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Set(&'static str, String),
    Unset(&'static str),
}

/// The variables that put a process on `profile`. A region, edge or Auth Token
/// left from another account would pair with these credentials, so they go.
pub fn credentials(name: &str, profile: &Profile) -> Vec<Change> {
    let optional = |var, value: &Option<String>| match value {
        Some(v) => Change::Set(var, v.clone()),
        None => Change::Unset(var),
    };
    vec![
        Change::Set(ACCOUNT_SID, profile.account_sid.clone()),
        Change::Set(API_KEY, profile.api_key.clone()),
        Change::Set(API_SECRET, profile.api_secret.expose().to_owned()),
        optional(REGION, &profile.region),
        optional(EDGE, &profile.edge),
        Change::Unset(AUTH_TOKEN),
        Change::Set(PROFILE, name.to_owned()),
    ]
}

/// The variables that return a process to "no profile".
pub fn cleared() -> Vec<Change> {
    [
        ACCOUNT_SID,
        API_KEY,
        API_SECRET,
        REGION,
        EDGE,
        AUTH_TOKEN,
        PROFILE,
    ]
    .map(Change::Unset)
    .to_vec()
}

/// The profile active in this process's environment, if any.
pub fn active_profile() -> Option<String> {
    std::env::var(PROFILE).ok().filter(|p| !p.is_empty())
}

pub fn render(shell: Shell, changes: &[Change]) -> String {
    changes
        .iter()
        .map(|change| match change {
            Change::Set(name, value) => shell.set(name, value),
            Change::Unset(name) => shell.unset(name),
        })
        .collect()
}

/// `credentials` plus the private state: the profile left behind (for `use -`)
/// and why the new one is active (for `current`).
pub fn switch(name: &str, profile: &Profile, reason: &str) -> Vec<Change> {
    let mut changes = credentials(name, profile);
    changes.extend(remember_previous(Some(name)));
    changes.push(Change::Set(REASON, reason.to_owned()));
    changes
}

/// `cleared` plus the private state, so that `use -` can come back; `reason`
/// is `off` for an explicit off, None when the shell simply has nothing.
pub fn off(reason: Option<&str>) -> Vec<Change> {
    let mut changes = cleared();
    changes.extend(remember_previous(None));
    changes.push(match reason {
        Some(reason) => Change::Set(REASON, reason.to_owned()),
        None => Change::Unset(REASON),
    });
    changes
}

/// The environment `exec` gives its command: the profile, as an explicit choice,
/// and none of this shell's switching memory.
pub fn for_command(name: &str, profile: &Profile) -> Vec<Change> {
    let mut changes = credentials(name, profile);
    changes.push(Change::Set(REASON, "explicit".to_owned()));
    changes.extend([PREVIOUS, FILE, PINNED, SAVED].map(Change::Unset));
    changes
}

/// Switching to the profile already active keeps the one before it, as `cd .` would not.
fn remember_previous(next: Option<&str>) -> Option<Change> {
    let active = active_profile();
    (active.as_deref() != next).then(|| Change::Set(PREVIOUS, active.unwrap_or_default()))
}
