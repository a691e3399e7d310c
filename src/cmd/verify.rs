use anyhow::{Result, anyhow};

use super::{Ctx, emit};
use crate::env;
use crate::twilio::{ApiError, Endpoint, Login, Twilio};

/// Fetches the profile's account with its key: `ok`, or `rejected` / `unreachable` and exit 1.
pub fn run(ctx: &Ctx, name: Option<String>) -> Result<()> {
    let name = match name.or_else(env::active_profile) {
        Some(name) => name,
        None => {
            return Err(anyhow!(
                "no profile is active in this shell ({} is unset): \
                 name one, as in 'twprof verify NAME'",
                env::PROFILE
            ));
        }
    };
    let profiles = ctx.store.load()?;
    let profile = profiles.get(&name)?;
    let endpoint = Endpoint::from_env(profile.region.as_deref(), profile.edge.as_deref())?;
    let twilio = Twilio::new(endpoint)?;
    let login = Login::api_key(&profile.api_key, &profile.api_secret);
    let what = format!(
        "profile \"{name}\" (key {} for {})",
        profile.api_key, profile.account_sid
    );
    match twilio.fetch_account(&profile.account_sid, &login) {
        Ok(account) => {
            let shown = |v: Option<String>| v.map(|v| v.escape_debug().to_string());
            let about = match (shown(account.friendly_name), shown(account.status)) {
                (Some(n), Some(s)) => format!(": account \"{n}\", {s}"),
                (Some(n), None) => format!(": account \"{n}\""),
                (None, Some(s)) => format!(": account {s}"),
                (None, None) => String::new(),
            };
            emit(&format!("ok: {what} is accepted by Twilio{about}\n"))
        }
        Err(e @ ApiError::Rejected(_)) => Err(anyhow!(
            "rejected: Twilio did not accept {what} ({e}): the key may have been revoked; \
             make a new one with 'twprof login {name} --force'"
        )),
        Err(
            e
            @ (ApiError::Timeout { .. } | ApiError::Unreachable { .. } | ApiError::Dropped { .. }),
        ) => Err(anyhow!("unreachable: cannot verify {what}: {e}")),
        Err(e) => Err(anyhow!("cannot verify {what}: {e}")),
    }
}
