//! A profile: one account's credentials, and the rules its parts must follow.

use anyhow::{Result, bail};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub account_sid: String,
    pub api_key: String,
    pub api_secret: ApiSecret,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge: Option<String>,
}

impl Profile {
    /// Checks every part, so a hand-edited file cannot smuggle in what `add` would refuse.
    pub fn validate(&self, name: &str) -> Result<()> {
        validate_name(name)?;
        let in_profile = |e: anyhow::Error| e.context(format!("profile \"{name}\""));
        validate_sid("account SID", "AC", &self.account_sid).map_err(in_profile)?;
        validate_sid("API key SID", "SK", &self.api_key).map_err(in_profile)?;
        if self.api_secret.expose().is_empty() {
            return Err(in_profile(anyhow::anyhow!("the API secret is empty")));
        }
        if self.api_secret.expose().len() > MAX_SECRET_BYTES {
            return Err(in_profile(anyhow::anyhow!(
                "the API secret is longer than {MAX_SECRET_BYTES} bytes (Twilio's have 32 characters)"
            )));
        }
        if self.api_secret.expose().contains('\0') {
            return Err(in_profile(anyhow::anyhow!(
                "the API secret contains a NUL byte"
            )));
        }
        validate_place("region", self.region.as_deref()).map_err(in_profile)?;
        validate_place("edge", self.edge.as_deref()).map_err(in_profile)?;
        Ok(())
    }
}

/// Twilio's secrets have 32 characters. A far longer one is a mistake, and one
/// over 128 KiB would make every program the shell starts fail (E2BIG).
pub const MAX_SECRET_BYTES: usize = 1024;

/// The API key secret: never printed by `Debug`, wiped from memory on drop.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct ApiSecret(SecretString);

impl ApiSecret {
    pub fn new(secret: String) -> Self {
        Self(SecretString::from(secret))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// `****` and the last four characters, for `show`; all stars when it is
    /// short, or when those characters would do something to a terminal.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.expose().chars().collect();
        let tail = &chars[chars.len().saturating_sub(4)..];
        if chars.len() < 12 || !tail.iter().all(|c| c.is_ascii_graphic()) {
            return "****".into();
        }
        format!("****{}", tail.iter().collect::<String>())
    }
}

impl Serialize for ApiSecret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

pub const NAME_RULE: &str = "a letter or digit, then up to 63 letters, digits, '.', '_' or '-'";

pub fn validate_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !first_ok || !rest_ok || name.len() > 64 {
        bail!("invalid profile name {}: use {NAME_RULE}", shown(name));
    }
    Ok(())
}

/// `AC`/`SK` followed by 32 hex digits.
pub fn validate_sid(what: &str, prefix: &str, sid: &str) -> Result<()> {
    let ok = sid.len() == 34
        && sid.starts_with(prefix)
        && sid[2..].chars().all(|c| c.is_ascii_hexdigit());
    if !ok {
        bail!(
            "invalid {what} {}: it must be {prefix} followed by 32 hex digits",
            shown(sid)
        );
    }
    Ok(())
}

/// Regions and edges become parts of host names: lower-case letters, digits, '-'.
pub fn validate_place(what: &str, value: Option<&str>) -> Result<()> {
    let Some(value) = value else { return Ok(()) };
    let ok = !value.is_empty()
        && value.len() <= 32
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !value.starts_with('-');
    if !ok {
        bail!(
            "invalid {what} {}: use lower-case letters, digits and '-' (like au1 or sydney)",
            shown(value)
        );
    }
    Ok(())
}

/// Echoes user input in an error without letting it break the one-line message.
fn shown(value: &str) -> String {
    let cut: String = value.chars().take(40).collect();
    let more = if cut.len() < value.len() { "…" } else { "" };
    format!("{:?}{more}", cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rule() {
        for good in ["dev", "a", "AU-prod_2.old", &"x".repeat(64)] {
            assert!(validate_name(good).is_ok(), "{good}");
        }
        for bad in ["", "-dev", ".x", "a b", "a/b", "é", &"x".repeat(65), "$(x)"] {
            let err = validate_name(bad).unwrap_err().to_string();
            assert!(err.contains("a letter or digit"), "{err}");
        }
    }

    #[test]
    fn sids_are_prefix_and_32_hex() {
        assert!(validate_sid("account SID", "AC", &format!("AC{}", "0a".repeat(16))).is_ok());
        for bad in [
            "AC123",
            &format!("SK{}", "0".repeat(32)),
            &format!("AC{}", "g".repeat(32)),
        ] {
            let err = validate_sid("account SID", "AC", bad)
                .unwrap_err()
                .to_string();
            assert!(err.contains("AC followed by 32 hex digits"), "{err}");
        }
    }

    #[test]
    fn mask_keeps_only_the_last_four() {
        assert_eq!(
            ApiSecret::new("abcdefghijklmnop".into()).masked(),
            "****mnop"
        );
        assert_eq!(ApiSecret::new("short".into()).masked(), "****");
        assert_eq!(
            ApiSecret::new("abcdefghijkl\u{1b}]0;x\u{7}".into()).masked(),
            "****"
        );
        assert_eq!(ApiSecret::new("abcdefghijklmn\n".into()).masked(), "****");
    }
}
