use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, Result, anyhow, bail};
use secrecy::SecretString;

use super::{Ctx, hidden_prompt, value_from_stdin};
use crate::cli::LoginArgs;
use crate::profile::{Profile, validate_name, validate_place, validate_sid};
use crate::twilio::{ApiError, Endpoint, Login, Twilio};

pub fn run(ctx: &Ctx, args: LoginArgs) -> Result<()> {
    let LoginArgs {
        name,
        account_sid,
        auth_token_stdin,
        region,
        edge,
        force,
    } = args;
    validate_place("region", region.as_deref())?;
    validate_place("edge", edge.as_deref())?;
    let endpoint = Endpoint::from_env(region.as_deref(), edge.as_deref())?;
    let name = match name {
        Some(name) => name,
        None => visible_prompt("Profile name", "give it as an argument: twprof login NAME")?,
    };
    validate_name(&name)?;
    // Say so before asking for a token whose key could not be saved.
    if !force && ctx.store.load()?.profiles.contains_key(&name) {
        bail!("profile \"{name}\" exists: add --force to replace it");
    }
    let account_sid = match account_sid {
        Some(sid) => sid,
        None => visible_prompt("Account SID", "pass --account-sid AC…")?,
    };
    validate_sid("account SID", "AC", &account_sid)?;
    let token = SecretString::from(if auth_token_stdin {
        value_from_stdin("Auth Token")?
    } else {
        hidden_prompt("Auth Token", "--auth-token-stdin")?
    });

    let twilio = Twilio::new(endpoint)?;
    let login = Login::auth_token(&account_sid, &token);
    twilio
        .fetch_account(&account_sid, &login)
        .map_err(|e| check_failed(&account_sid, e))?;
    let friendly = friendly_name();
    let key = twilio
        .create_key(&account_sid, &login, &friendly)
        .map_err(|e| create_failed(&account_sid, &friendly, e))?;
    let key_sid = key.sid.escape_debug().to_string();
    let profile = Profile {
        account_sid,
        api_key: key.sid,
        api_secret: key.secret,
        region,
        edge,
    };
    let saved = profile.validate(&name).and_then(|()| {
        ctx.store.update(|profiles| {
            if !force && profiles.profiles.contains_key(&name) {
                bail!("profile \"{name}\" exists: add --force to replace it");
            }
            profiles.profiles.insert(name.clone(), profile);
            Ok(())
        })
    });
    if let Err(e) = saved {
        bail!(
            "created API key {key_sid} at Twilio but did not save it ({e:#}): \
             delete that key in the Twilio Console (API keys) or with \
             'twilio api:core:keys:remove --sid {key_sid}'"
        );
    }
    ctx.note(&format!(
        "Created API key {key_sid} and saved it as profile \"{name}\" in {}.\n\
         Switch to it with: twprof use {name}",
        ctx.store.path.display()
    ));
    Ok(())
}

fn check_failed(account_sid: &str, e: ApiError) -> anyhow::Error {
    match e {
        ApiError::Rejected(_) => anyhow!(
            "Twilio did not accept Account SID {account_sid} with this Auth Token ({e}): \
             check both in the Twilio Console; nothing was saved"
        ),
        e => anyhow!("cannot check Account SID {account_sid}: {e}; nothing was saved"),
    }
}

fn create_failed(account_sid: &str, friendly: &str, e: ApiError) -> anyhow::Error {
    match e {
        ApiError::Rejected(_) => anyhow!(
            "Twilio accepted the Auth Token of {account_sid} but refused to create an API key \
             with it, through the REST API and IAM ({e}): check that this Auth Token may \
             create API keys; nothing was saved"
        ),
        // The request may have reached Twilio, and the key exist there.
        ApiError::Timeout { .. } | ApiError::Dropped { .. } | ApiError::Malformed { .. } => {
            anyhow!(
                "cannot create an API key for {account_sid}: {e}; nothing was saved, but Twilio \
                 may have made the key: look for \"{friendly}\" among its API keys in the Console"
            )
        }
        e => anyhow!("cannot create an API key for {account_sid}: {e}; nothing was saved"),
    }
}

/// A visible prompt on the terminal; without one, a message saying how to pass the value.
fn visible_prompt(what: &str, instead: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the {what}: {instead}");
    }
    eprint!("{what}: ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .with_context(|| format!("cannot read the {what} from the terminal"))?;
    let answer = answer.trim();
    if answer.is_empty() {
        bail!("no {what} given");
    }
    Ok(answer.to_owned())
}

/// `twprof for USER on HOST`, at most 64 characters (Twilio's limit).
fn friendly_name() -> String {
    let full = format!("twprof for {} on {}", user_name(), host_name());
    full.chars().take(64).collect()
}

fn user_name() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|u| !u.is_empty())
        .or_else(passwd_name)
        .unwrap_or_else(|| "unknown".into())
}

fn passwd_name() -> Option<String> {
    // SAFETY: getpwuid returns a pointer into static storage or null; we copy out at once.
    unsafe {
        let entry = libc::getpwuid(libc::geteuid());
        if entry.is_null() || (*entry).pw_name.is_null() {
            return None;
        }
        Some(
            std::ffi::CStr::from_ptr((*entry).pw_name)
                .to_string_lossy()
                .into_owned(),
        )
    }
}

fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; the name is NUL-terminated within it.
    if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } != 0 {
        return "unknown host".into();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    let name = String::from_utf8_lossy(&buf[..end]).into_owned();
    if name.is_empty() {
        "unknown host".into()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn friendly_name_fits_twilio_limit() {
        let name = friendly_name();
        assert!(name.starts_with("twprof for "), "{name}");
        assert!(name.chars().count() <= 64, "{name}");
    }
}
