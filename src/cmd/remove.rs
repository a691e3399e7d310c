use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Result, anyhow, bail};
use secrecy::SecretString;

use super::{Ctx, hidden_prompt, value_from_stdin};
use crate::cli::RemoveArgs;
use crate::env;
use crate::profile::Profile;
use crate::twilio::{Endpoint, Login, Twilio};

pub fn run(ctx: &Ctx, args: RemoveArgs) -> Result<()> {
    let name = args.name;
    let profile = ctx.store.load()?.get(&name)?.clone();
    let account = &profile.account_sid;
    let question = match args.revoke {
        true => format!(
            "Revoke key {} at Twilio and remove profile \"{name}\" ({account})?",
            profile.api_key
        ),
        false => format!("Remove profile \"{name}\" ({account})?"),
    };
    if !args.yes && !confirm(&question)? {
        bail!("nothing removed");
    }
    if args.revoke {
        revoke(&name, &profile, args.auth_token_stdin)?;
        ctx.note(&format!("Revoked API key {} at Twilio.", profile.api_key));
    }
    ctx.store.update(|profiles| {
        profiles.get(&name)?;
        profiles.profiles.remove(&name);
        if profiles.default.as_deref() == Some(name.as_str()) {
            profiles.default = None;
        }
        Ok(())
    })?;
    ctx.note(&format!("Removed profile \"{name}\"."));
    if env::active_profile().as_deref() == Some(name.as_str()) {
        ctx.note("This shell still holds its variables: run 'twprof off' or 'twprof use' another profile.");
    }
    Ok(())
}

/// Deletes the profile's key at Twilio with the account's Auth Token.
fn revoke(name: &str, profile: &Profile, token_stdin: bool) -> Result<()> {
    let endpoint = Endpoint::from_env(profile.region.as_deref(), profile.edge.as_deref())?;
    let token = SecretString::from(if token_stdin {
        value_from_stdin("Auth Token")?
    } else {
        hidden_prompt(
            &format!("Auth Token of {}", profile.account_sid),
            "--auth-token-stdin",
        )?
    });
    let twilio = Twilio::new(endpoint)?;
    let login = Login::auth_token(&profile.account_sid, &token);
    let (account, key) = (&profile.account_sid, &profile.api_key);
    twilio.delete_key(account, key, &login).map_err(|e| {
        let hint = if e.is_rejected() {
            format!(": check the Auth Token of {account} (the key's own secret cannot revoke it)")
        } else if e.is_not_found() {
            format!(
                ": Twilio has no key {key} in {account}; if it was revoked already, \
                 remove the profile without --revoke"
            )
        } else {
            String::new()
        };
        anyhow!("cannot revoke key {key} of profile \"{name}\": {e}{hint}; the profile was kept")
    })
}

/// Asks on the terminal; without one, the caller must have passed --yes.
fn confirm(question: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to confirm on: add --yes to remove without asking");
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}
