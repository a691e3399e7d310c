use anyhow::Result;

use super::list::Summary;
use super::{Ctx, emit};
use crate::env;

pub fn run(ctx: &Ctx, name: &str, json: bool) -> Result<()> {
    let profiles = ctx.store.load()?;
    let profile = profiles.get(name)?;
    let active = env::active_profile();
    let summary = Summary::new(&profiles, name, profile, active.as_deref());
    if json {
        return emit(&format!("{}\n", serde_json::to_string_pretty(&summary)?));
    }
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    emit(&format!(
        "name:        {name}\naccount_sid: {}\napi_key:     {}\napi_secret:  {}\nregion:      {}\nedge:        {}\nactive:      {}\ndefault:     {}\n",
        profile.account_sid,
        profile.api_key,
        profile.api_secret.masked(),
        profile.region.as_deref().unwrap_or("-"),
        profile.edge.as_deref().unwrap_or("-"),
        yes_no(summary.active),
        yes_no(summary.default),
    ))
}
