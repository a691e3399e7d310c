use anyhow::Result;
use serde::Serialize;

use super::{Ctx, emit};
use crate::env;
use crate::profile::Profile;
use crate::store::Profiles;

/// One profile as `list --json` and `show --json` print it: never the secret.
#[derive(Serialize)]
pub struct Summary<'a> {
    pub name: &'a str,
    pub account_sid: &'a str,
    pub api_key: &'a str,
    pub region: Option<&'a str>,
    pub edge: Option<&'a str>,
    pub active: bool,
    pub default: bool,
}

impl<'a> Summary<'a> {
    pub fn new(
        profiles: &'a Profiles,
        name: &'a str,
        profile: &'a Profile,
        active: Option<&str>,
    ) -> Self {
        Summary {
            name,
            account_sid: &profile.account_sid,
            api_key: &profile.api_key,
            region: profile.region.as_deref(),
            edge: profile.edge.as_deref(),
            active: active == Some(name),
            default: profiles.default_name() == Some(name),
        }
    }
}

pub fn run(ctx: &Ctx, json: bool) -> Result<()> {
    let profiles = ctx.store.load()?;
    let active = env::active_profile();
    let rows: Vec<Summary> = profiles
        .profiles
        .iter()
        .map(|(name, p)| Summary::new(&profiles, name, p, active.as_deref()))
        .collect();
    if json {
        #[derive(Serialize)]
        struct Listing<'a> {
            version: u32,
            default: Option<&'a str>,
            active: Option<&'a str>,
            profiles: Vec<Summary<'a>>,
        }
        let listing = Listing {
            version: 1,
            default: profiles.default_name(),
            active: active.as_deref(),
            profiles: rows,
        };
        return emit(&format!("{}\n", serde_json::to_string_pretty(&listing)?));
    }
    if rows.is_empty() {
        ctx.note(&format!(
            "No profiles in {} yet: create one with 'twprof login' or 'twprof add'.",
            ctx.store.path.display()
        ));
        return Ok(());
    }
    emit(&table(&rows))
}

fn table(rows: &[Summary]) -> String {
    let places: Vec<String> = rows
        .iter()
        .map(|r| match (r.region, r.edge) {
            (None, None) => "-".into(),
            (region, edge) => format!("{}/{}", region.unwrap_or("-"), edge.unwrap_or("-")),
        })
        .collect();
    let name_width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0).max(4);
    let place_width = places.iter().map(String::len).max().unwrap_or(0).max(11);
    let mut out = format!(
        "  {:name_width$}  {:34}  {:34}  {:place_width$}\n",
        "NAME", "ACCOUNT SID", "API KEY", "REGION/EDGE"
    );
    for (row, place) in rows.iter().zip(&places) {
        let mark = if row.active { '*' } else { ' ' };
        let tags: Vec<&str> = [(row.active, "active"), (row.default, "default")]
            .into_iter()
            .filter_map(|(on, tag)| on.then_some(tag))
            .collect();
        let line = format!(
            "{mark} {:name_width$}  {:34}  {:34}  {place:place_width$}  {}",
            row.name,
            row.account_sid,
            row.api_key,
            tags.join(", ")
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
