// The properties the fuzz targets check, shared with their stable replay in
// tests/fuzz_regressions.rs (which includes this file too). Each check panics
// on a defect and returns quietly otherwise. Included with `include!`, so no
// inner attributes or doc comments here.

use twprof::hook::{MAX_PIN_BYTES, parse_pin};
use twprof::profile::validate_name;
use twprof::store::{self, Profiles};

/// A name no input is likely to hold: `only` with a profile that is absent.
const ABSENT: &str = "zz-absent-profile";

/// Everything a `Profiles` holds, secret included, in a comparable form.
#[derive(Debug, PartialEq)]
pub struct Flat {
    version: u32,
    default: Option<String>,
    profiles: Vec<[Option<String>; 6]>,
}

pub fn flat(p: &Profiles) -> Flat {
    Flat {
        version: p.version,
        default: p.default.clone(),
        profiles: p
            .profiles
            .iter()
            .map(|(name, x)| {
                [
                    Some(name.clone()),
                    Some(x.account_sid.clone()),
                    Some(x.api_key.clone()),
                    Some(x.api_secret.expose().to_owned()),
                    x.region.clone(),
                    x.edge.clone(),
                ]
            })
            .collect(),
    }
}

/// `p` as loading only `name` should give it: the same file, one profile at most.
fn only(p: &Profiles, name: &str) -> Flat {
    let mut f = flat(p);
    f.profiles.retain(|x| x[0].as_deref() == Some(name));
    f
}

/// Arbitrary bytes as a profiles file (UTF-8 only: the loader refuses the rest
/// before parsing). The loader never panics; whenever the fast reader accepts
/// a text, the YAML parser accepts it too and reads the same profiles; loading
/// one profile gives what loading all and keeping that one gives.
pub fn profiles(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    profiles_text(text);
    profiles_text(&layout(text));
}

/// The input's lines as the fields of the layout `save` writes: version,
/// default (none when empty), then per profile name, account_sid, api_key,
/// api_secret, region and edge (none when empty). Random bytes seldom keep
/// that layout, and only it reaches the fast reader's accepting paths.
fn layout(text: &str) -> String {
    let mut lines = text.split('\n');
    let version = lines.next().unwrap_or_default();
    let mut out = format!("version: {version}\n");
    match lines.next() {
        Some("") | None => {}
        Some(default) => out.push_str(&format!("default: {default}\n")),
    }
    let fields: Vec<&str> = lines.collect();
    if fields.is_empty() {
        out.push_str("profiles: {}\n");
        return out;
    }
    out.push_str("profiles:\n");
    for p in fields.chunks(6) {
        let field = |i: usize| p.get(i).copied().unwrap_or_default();
        out.push_str(&format!("  {}:\n", field(0)));
        for (i, key) in ["account_sid", "api_key", "api_secret"].iter().enumerate() {
            out.push_str(&format!("    {key}: {}\n", field(i + 1)));
        }
        for (i, key) in ["region", "edge"].iter().enumerate() {
            if !field(i + 4).is_empty() {
                out.push_str(&format!("    {key}: {}\n", field(i + 4)));
            }
        }
    }
    out
}

fn profiles_text(text: &str) {
    let all = store::parse_profiles(text, None);
    if let Err(e) = &all {
        nesting_guard(text, &format!("{e:#}"));
    }
    let fast = store::parse_canonical_for_fuzz(text, None);
    if let Some(fast) = &fast {
        let yaml = store::parse_yaml_for_fuzz(text).unwrap_or_else(|e| {
            panic!("the fast reader accepts what the YAML parser rejects ({e:#}): {text:?}")
        });
        assert_eq!(
            flat(fast),
            flat(&yaml),
            "the fast reader and the YAML parser disagree on {text:?}"
        );
    }
    let mut names: Vec<&str> = Vec::new();
    for p in all.iter().chain(fast.iter()) {
        names.extend(p.profiles.keys().map(String::as_str).take(4));
    }
    names.push(ABSENT);
    names.sort_unstable();
    names.dedup();
    for name in names {
        if let Some(fast) = &fast {
            let one = store::parse_canonical_for_fuzz(text, Some(name)).unwrap_or_else(|| {
                panic!("the fast reader accepts {text:?}, but not with only {name:?}")
            });
            assert_eq!(flat(&one), only(fast, name), "only {name:?} of {text:?}");
        }
        if let Ok(all) = &all {
            let one = store::parse_profiles(text, Some(name))
                .unwrap_or_else(|e| panic!("{text:?} loads, but not with only {name:?}: {e:#}"));
            assert_eq!(flat(&one), only(all, name), "only {name:?} of {text:?}");
        }
    }
}

/// The loader refuses flow collections nested more than a few levels before
/// the YAML parser sees them (its time grows with the square of the depth).
/// That guard must not refuse a text YAML reads as profiles, and must refuse
/// any text nested past the YAML parser's own limit (128) when block
/// indentation cannot account for the depth: no line indented more than 64
/// spaces holds under 128 block levels, so the rest is flow nesting.
fn nesting_guard(text: &str, error: &str) {
    if error.contains("levels deep") {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        assert!(
            store::parse_yaml_for_fuzz(body).is_err(),
            "refused as nested too deep, yet YAML reads it as profiles: {text:?}"
        );
        return;
    }
    let shallow_indent = text
        .lines()
        .all(|line| line.len() - line.trim_start_matches(' ').len() <= 64);
    if let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(text) {
        assert!(
            !(shallow_indent && e.to_string().starts_with("recursion limit exceeded")),
            "flow nesting past YAML's limit got by the depth guard ({error}): {text:?}"
        );
    }
}

/// Arbitrary bytes as a `.twprof`: never panics; a name it accepts is a valid
/// profile name, one trimmed line of a UTF-8 input of at most 1 KiB.
pub fn pin(data: &[u8]) {
    match parse_pin(data) {
        Ok(name) => {
            assert!(
                data.len() <= MAX_PIN_BYTES,
                "accepted a {}-byte pin",
                data.len()
            );
            if let Err(e) = validate_name(&name) {
                panic!("accepted {name:?}, an invalid name ({e:#}), from {data:?}");
            }
            let text = std::str::from_utf8(data).expect("an accepted pin is UTF-8");
            assert!(
                text.lines().any(|line| line.trim() == name),
                "accepted {name:?}, not a line of {text:?}"
            );
        }
        Err(e) => {
            let _ = format!("{e:#}");
        }
    }
}
