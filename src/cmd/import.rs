use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;

use super::{Ctx, emit};
use crate::cli::{ImportArgs, ImportSource};
use crate::profile::{ApiSecret, Profile};
use crate::store;

/// The Twilio CLI's `config.json`: only the parts we copy.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TwilioCliConfig {
    #[serde(default)]
    profiles: BTreeMap<String, TwilioCliProfile>,
    active_profile: Option<String>,
    active_project: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TwilioCliProfile {
    account_sid: Option<String>,
    api_key: Option<String>,
    api_secret: Option<String>,
    region: Option<String>,
    edge: Option<String>,
}

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<()> {
    let ImportSource::TwilioCli = args.source;
    let path = match args.from {
        Some(path) => path,
        None => twilio_cli_config()?,
    };
    let bytes = store::read_limited(&path, 16 << 20)?
        .with_context(|| format!("cannot read {}: no such file", path.display()))?;
    let text =
        String::from_utf8(bytes).map_err(|_| anyhow!("{} is not UTF-8 text", path.display()))?;
    let config: TwilioCliConfig = serde_json::from_str(&text).map_err(|e| {
        anyhow!(
            "{}:{}:{}: not a Twilio CLI config: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    let active = config.active_profile.or(config.active_project);
    let report = ctx.store.update(|profiles| {
        let mut report = String::new();
        if config.profiles.is_empty() {
            report.push_str(&format!(
                "nothing to import: {} holds no profiles\n",
                path.display()
            ));
        }
        for (id, source) in config.profiles {
            let outcome = match convert(&id, source) {
                Err(why) => format!("invalid   {id}: {why:#}"),
                Ok(_) if profiles.profiles.contains_key(&id) && !args.force => {
                    format!("skipped   {id}: a profile of that name exists (--force replaces it)")
                }
                Ok(profile) => {
                    profiles.profiles.insert(id.clone(), profile);
                    format!("imported  {id}")
                }
            };
            report.push_str(&outcome);
            report.push('\n');
        }
        if let Some(active) =
            active.filter(|a| profiles.default.is_none() && profiles.profiles.contains_key(a))
        {
            report.push_str(&format!(
                "default   {active} (the Twilio CLI's active profile)\n"
            ));
            profiles.default = Some(active);
        }
        Ok(report)
    })?;
    emit(&report)
}

fn convert(id: &str, source: TwilioCliProfile) -> Result<Profile> {
    if source.api_secret.as_deref() == Some("") {
        return Err(anyhow!("its apiSecret is empty"));
    }
    let Some(api_secret) = source.api_secret else {
        return Err(anyhow!(
            "not importable: its secret is not in config.json (an older Twilio CLI keeps it in the system keychain); run 'twprof login {id}'"
        ));
    };
    let profile = Profile {
        account_sid: source.account_sid.unwrap_or_default(),
        api_key: source.api_key.unwrap_or_default(),
        api_secret: ApiSecret::new(api_secret),
        region: source.region.filter(|r| !r.is_empty()),
        edge: source.edge.filter(|e| !e.is_empty()),
    };
    profile.validate(id)?;
    Ok(profile)
}

/// `$TWILIO_CONFIG_DIR/config.json`, else `~/.twilio-cli/config.json`.
fn twilio_cli_config() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("TWILIO_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join("config.json"));
    }
    let home = dirs::home_dir().context("cannot find your home directory: pass --from PATH")?;
    Ok(home.join(".twilio-cli").join("config.json"))
}
