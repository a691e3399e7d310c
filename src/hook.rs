//! Directory auto-switching (SPEC §4): finding the `.twprof` that governs a
//! directory, the trust list, and the enter/leave state machine.

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::env::{self, Change};
use crate::profile::{Profile, validate_name};
use crate::store;

pub const FILE_NAME: &str = ".twprof";
/// A `.twprof` names a profile; anything bigger than this is not one.
pub const MAX_PIN_BYTES: usize = 1024;
/// Each entry is two hex strings; ten thousand trusted files fit easily.
const MAX_TRUST_BYTES: u64 = 64 << 20;

/// The `.twprof` file that governs a directory, as read from disk.
#[derive(Debug, Clone)]
pub struct PinFile {
    pub path: PathBuf,
    pub content: Vec<u8>,
}

impl PinFile {
    /// The directory the file pins, for messages.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("/"))
    }

    /// The profile the file names, or why it names none.
    pub fn profile_name(&self) -> Result<String> {
        parse_pin(&self.content)
    }
}

/// The nearest `.twprof` regular file at or above `start`.
pub fn governing_file(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|file| file.is_file())
}

/// Reads a `.twprof` without ever blocking (a FIFO swapped in after the check)
/// and without reading more than a pin can hold.
pub fn read_pin(path: &Path) -> Result<PinFile> {
    let content = store::read_limited(path, MAX_PIN_BYTES as u64)?
        .with_context(|| format!("cannot read {}: it is gone", path.display()))?;
    Ok(PinFile {
        path: path.to_path_buf(),
        content,
    })
}

/// One profile name; blank lines and `#` comment lines around it are allowed.
pub fn parse_pin(content: &[u8]) -> Result<String> {
    if content.len() > MAX_PIN_BYTES {
        bail!("it is larger than 1 KiB");
    }
    let text = std::str::from_utf8(content).map_err(|_| anyhow::anyhow!("it is not UTF-8 text"))?;
    if text.contains('\0') {
        bail!("it contains a NUL byte");
    }
    let mut names = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let Some(name) = names.next() else {
        bail!("it names no profile")
    };
    if names.next().is_some() {
        bail!("it must hold one profile name, and holds more lines");
    }
    validate_name(name)?;
    Ok(name.to_owned())
}

/// The trust list: which `.twprof` files (canonical path and exact content) may switch.
pub struct TrustList {
    path: PathBuf,
}

impl TrustList {
    pub fn locate() -> Result<TrustList> {
        Ok(TrustList {
            path: store::data_home()?.join("twprof").join("allowed"),
        })
    }

    /// Entries are `hex(canonical path) hex(content)`: exact bytes, no hash to collide.
    fn entries(&self) -> Result<Vec<(String, String)>> {
        let bytes = store::read_limited(&self.path, MAX_TRUST_BYTES)?.unwrap_or_default();
        let text = String::from_utf8(bytes).map_err(|_| {
            anyhow::anyhow!(
                "{} is not a twprof trust list (not text); it was left as it is",
                self.path.display()
            )
        })?;
        Ok(text
            .lines()
            .filter_map(|line| line.split_once(' '))
            .map(|(p, c)| (p.to_owned(), c.to_owned()))
            .collect())
    }

    /// False on any doubt: an unreadable list trusts nothing.
    pub fn allows(&self, pin: &PinFile) -> bool {
        let (Ok(key), Ok(entries)) = (trust_key(&pin.path), self.entries()) else {
            return false;
        };
        let content = hex(&pin.content);
        entries.iter().any(|(p, c)| *p == key && *c == content)
    }

    /// Trusts `pin` as it is now; any earlier content of the same file is forgotten.
    pub fn allow(&self, pin: &PinFile) -> Result<()> {
        let key = trust_key(&pin.path)?;
        let content = hex(&pin.content);
        self.update(|entries| {
            entries.retain(|(p, _)| *p != key);
            entries.push((key, content));
        })
        .map(|_| ())
    }

    /// Forgets every allowance of the file at `path`; true when there was one.
    pub fn deny(&self, path: &Path) -> Result<bool> {
        let key = trust_key(path)?;
        self.update(|entries| entries.retain(|(p, _)| *p != key))
    }

    /// Read, change and write under the lock, as the profiles file is, so that
    /// concurrent allows and denies all land; true when the entries changed.
    fn update(&self, change: impl FnOnce(&mut Vec<(String, String)>)) -> Result<bool> {
        let dir = self.path.parent().context("trust list has no directory")?;
        store::create_private_dir(dir)?;
        let _lock = store::lock_beside(&self.path)?;
        let mut entries = self.entries()?;
        let before = entries.clone();
        change(&mut entries);
        let text: String = entries.iter().map(|(p, c)| format!("{p} {c}\n")).collect();
        store::write_atomic(&self.path, text.as_bytes())?;
        Ok(entries != before)
    }
}

/// Canonical directory plus file name: a symlinked `.twprof` is trusted as itself.
fn trust_key(path: &Path) -> Result<String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let canonical =
        fs::canonicalize(dir).with_context(|| format!("cannot resolve {}", dir.display()))?;
    Ok(hex(canonical
        .join(path.file_name().unwrap_or_default())
        .as_os_str()
        .as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What this shell remembers between hook calls, from its private variables.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct State {
    /// The `.twprof` whose selection is in effect.
    pub file: Option<String>,
    /// The profile that file named when it was applied.
    pub pinned: Option<String>,
    /// What was active before entering the first governed tree: `why:name`.
    pub saved: Option<String>,
    /// Short fingerprints of files already warned about in this shell.
    pub warned: Vec<String>,
    pub active: Option<String>,
    pub reason: Option<String>,
}

use crate::env::{FILE, PINNED, SAVED, WARNED};
/// Values are prefixed so none is a bare absolute path (zsh would name it a directory).
const FILE_PREFIX: &str = "f:";
/// Enough fingerprints to stay quiet in any real session, few enough to stay small.
const MAX_WARNED: usize = 12;

impl State {
    pub fn from_env() -> State {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        State {
            file: var(FILE).and_then(|f| f.strip_prefix(FILE_PREFIX).map(str::to_owned)),
            pinned: var(PINNED),
            saved: var(SAVED),
            warned: var(WARNED)
                .map(|w| w.split(' ').map(str::to_owned).collect())
                .unwrap_or_default(),
            active: env::active_profile(),
            reason: var(env::REASON),
        }
    }
}

/// What the directory looks like now.
pub enum Seen {
    /// No `.twprof` at or above the directory.
    Nothing,
    /// A `.twprof` and whether the trust list allows it as it is.
    Pin { pin: PinFile, trusted: bool },
    /// A `.twprof` that could not be read.
    Unreadable { pin: PinFile, why: String },
}

/// The hook's decision: variables to change and a warning to print.
#[derive(Debug, Default)]
pub struct Outcome {
    pub changes: Vec<Change>,
    pub warning: Option<String>,
}

/// The enter/leave state machine. `lookup` is asked for a profile only when
/// a switch is due, so an unchanged or untrusted directory never reads the store.
pub fn decide(
    state: &State,
    seen: &Seen,
    lookup: &mut dyn FnMut(&str) -> Result<Option<Profile>>,
) -> Result<Outcome> {
    let (pin, trusted) = match seen {
        Seen::Pin { pin, trusted } => (pin, *trusted),
        Seen::Unreadable { pin, why } => {
            let message = format!("twprof: {} is ignored: {why}", pin.path.display());
            return refuse(state, pin, message, lookup);
        }
        Seen::Nothing if state.file.is_some() => return restore(state, lookup),
        Seen::Nothing => return Ok(Outcome::default()),
    };
    let file = pin.path.to_string_lossy().into_owned();
    let shown_dir = pin.dir().display().to_string();
    let name = match pin.profile_name() {
        Ok(name) => name,
        Err(why) => {
            return refuse(
                state,
                pin,
                format!("twprof: {file} is ignored: {why:#}"),
                lookup,
            );
        }
    };
    if !trusted {
        let message = format!(
            "twprof: .twprof in {shown_dir} selects \"{name}\": run 'twprof allow' to trust it"
        );
        return refuse(state, pin, message, lookup);
    }
    // Already applied, or overridden by an explicit use/off inside this tree.
    if state.file.as_deref() == Some(file.as_str())
        && state.pinned.as_deref() == Some(name.as_str())
    {
        return Ok(Outcome::default());
    }
    let Some(profile) = lookup(&name)? else {
        let message = format!(
            "twprof: .twprof in {shown_dir} selects \"{name}\", which is not a profile (see 'twprof list')"
        );
        return refuse(state, pin, message, lookup);
    };
    let mut changes = env::switch(&name, &profile, &format!("dir:{shown_dir}"));
    if state.file.is_none() {
        let why = match state.reason.as_deref() {
            Some("default") => "default",
            Some("off") => "off",
            _ if state.active.is_none() => "none",
            _ => "explicit",
        };
        changes.push(Change::Set(
            SAVED,
            format!("{why}:{}", state.active.as_deref().unwrap_or("")),
        ));
    }
    changes.push(Change::Set(FILE, format!("{FILE_PREFIX}{file}")));
    changes.push(Change::Set(PINNED, name));
    Ok(Outcome {
        changes,
        warning: None,
    })
}

/// Leaving every governed tree: back to what was active before entering.
fn restore(
    state: &State,
    lookup: &mut dyn FnMut(&str) -> Result<Option<Profile>>,
) -> Result<Outcome> {
    let saved = state.saved.as_deref().unwrap_or("none:");
    let (why, name) = saved.split_once(':').unwrap_or(("none", ""));
    let mut outcome = Outcome::default();
    outcome.changes = match name {
        "" => env::off((why == "off").then_some("off")),
        name => match lookup(name)? {
            Some(profile) => env::switch(
                name,
                &profile,
                if why == "default" {
                    "default"
                } else {
                    "explicit"
                },
            ),
            None => {
                outcome.warning = Some(format!(
                    "twprof: profile \"{name}\" no longer exists: this shell is now on none"
                ));
                env::off(None)
            }
        },
    };
    outcome
        .changes
        .extend([FILE, PINNED, SAVED].map(Change::Unset));
    Ok(outcome)
}

/// A `.twprof` that selects nothing (untrusted, unreadable, malformed, unknown
/// profile) changes nothing on the way in. If it is the file whose selection is
/// in effect (denied or edited since), that selection ends as if the tree was left.
fn refuse(
    state: &State,
    pin: &PinFile,
    message: String,
    lookup: &mut dyn FnMut(&str) -> Result<Option<Profile>>,
) -> Result<Outcome> {
    let mut outcome = warn_once(state, pin, message);
    if state.file.as_deref() == Some(&*pin.path.to_string_lossy()) {
        let restored = restore(state, lookup)?;
        outcome.changes.extend(restored.changes);
        outcome.warning = outcome.warning.or(restored.warning);
    }
    Ok(outcome)
}

/// One warning per file content per shell; the fingerprint list remembers it.
fn warn_once(state: &State, pin: &PinFile, message: String) -> Outcome {
    let print = fingerprint(pin);
    if state.warned.contains(&print) {
        return Outcome::default();
    }
    let mut warned = state.warned.clone();
    warned.push(print);
    let keep = warned.len().saturating_sub(MAX_WARNED);
    Outcome {
        changes: vec![Change::Set(WARNED, warned[keep..].join(" "))],
        warning: Some(message.replace('\n', " ")),
    }
}

/// FNV-1a of path and content: only to recognise a warning already given.
fn fingerprint(pin: &PinFile) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in pin
        .path
        .as_os_str()
        .as_bytes()
        .iter()
        .chain([0u8].iter())
        .chain(&pin.content)
    {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", hash as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ApiSecret;

    fn profile() -> Profile {
        Profile {
            account_sid: format!("AC{}", "0".repeat(32)),
            api_key: format!("SK{}", "0".repeat(32)),
            api_secret: ApiSecret::new("s".into()),
            region: None,
            edge: None,
        }
    }

    fn pin(path: &str, content: &str) -> PinFile {
        PinFile {
            path: path.into(),
            content: content.as_bytes().to_vec(),
        }
    }

    fn set(outcome: &Outcome, var: &str) -> Option<String> {
        outcome.changes.iter().find_map(|c| match c {
            Change::Set(name, value) if *name == var => Some(value.clone()),
            _ => None,
        })
    }

    fn unsets(outcome: &Outcome, var: &'static str) -> bool {
        outcome.changes.contains(&Change::Unset(var))
    }

    #[test]
    fn pins_hold_one_name_and_comments() {
        assert_eq!(parse_pin(b"dev").unwrap(), "dev");
        assert_eq!(parse_pin(b"# team account\n\ndev\r\n").unwrap(), "dev");
        for bad in [
            &b""[..],
            b"# only\n",
            b"dev\nprod\n",
            b"$(x)\n",
            b"dev\0",
            b"\xff\n",
        ] {
            assert!(parse_pin(bad).is_err(), "{bad:?}");
        }
        assert!(
            parse_pin(&vec![b'#'; 1025])
                .unwrap_err()
                .to_string()
                .contains("1 KiB")
        );
    }

    #[test]
    fn entering_saves_what_was_active_and_leaving_restores_it() {
        let state = State {
            active: Some("base".into()),
            reason: Some("default".into()),
            ..Default::default()
        };
        let seen = Seen::Pin {
            pin: pin("/p/.twprof", "dev\n"),
            trusted: true,
        };
        let entered = decide(&state, &seen, &mut |_| Ok(Some(profile()))).unwrap();
        assert_eq!(set(&entered, env::PROFILE).as_deref(), Some("dev"));
        assert_eq!(set(&entered, SAVED).as_deref(), Some("default:base"));
        assert_eq!(set(&entered, FILE).as_deref(), Some("f:/p/.twprof"));
        assert_eq!(set(&entered, env::REASON).as_deref(), Some("dir:/p"));

        let inside = State {
            file: Some("/p/.twprof".into()),
            pinned: Some("dev".into()),
            saved: Some("default:base".into()),
            active: Some("dev".into()),
            ..Default::default()
        };
        let mut asked = Vec::new();
        let left = decide(&inside, &Seen::Nothing, &mut |name| {
            asked.push(name.to_owned());
            Ok(Some(profile()))
        })
        .unwrap();
        assert_eq!(asked, ["base"]);
        assert_eq!(set(&left, env::PROFILE).as_deref(), Some("base"));
        assert_eq!(set(&left, env::REASON).as_deref(), Some("default"));
        assert!(unsets(&left, FILE) && unsets(&left, SAVED) && unsets(&left, PINNED));
    }

    #[test]
    fn leaving_restores_none_and_an_explicit_choice_holds_inside() {
        let inside = State {
            file: Some("/p/.twprof".into()),
            pinned: Some("dev".into()),
            saved: Some("none:".into()),
            active: Some("au".into()),
            ..Default::default()
        };
        let left = decide(&inside, &Seen::Nothing, &mut |_| {
            panic!("no profile needed")
        })
        .unwrap();
        assert!(unsets(&left, env::PROFILE) && unsets(&left, env::API_SECRET));
        let same = Seen::Pin {
            pin: pin("/p/.twprof", "dev\n"),
            trusted: true,
        };
        let held = decide(&inside, &same, &mut |_| panic!("no profile needed")).unwrap();
        assert!(held.changes.is_empty() && held.warning.is_none());
    }

    #[test]
    fn untrusted_malformed_and_unknown_warn_once_and_change_nothing() {
        let state = State {
            active: Some("base".into()),
            ..Default::default()
        };
        let cases = [
            (
                Seen::Pin {
                    pin: pin("/p/.twprof", "prod\n"),
                    trusted: false,
                },
                "run 'twprof allow'",
            ),
            (
                Seen::Pin {
                    pin: pin("/p/.twprof", "a b\n"),
                    trusted: true,
                },
                "is ignored",
            ),
            (
                Seen::Pin {
                    pin: pin("/p/.twprof", "gone\n"),
                    trusted: true,
                },
                "not a profile",
            ),
        ];
        for (seen, message) in cases {
            let first = decide(&state, &seen, &mut |_| Ok(None)).unwrap();
            assert!(
                first
                    .warning
                    .as_deref()
                    .is_some_and(|w| w.contains(message)),
                "{:?}",
                first.warning
            );
            let warned = set(&first, WARNED).unwrap();
            assert_eq!(first.changes.len(), 1, "only the warned list changes");
            let again = State {
                warned: vec![warned],
                ..state.clone()
            };
            let second = decide(&again, &seen, &mut |_| Ok(None)).unwrap();
            assert!(second.warning.is_none() && second.changes.is_empty());
        }
    }

    #[test]
    fn the_warned_list_stays_small() {
        let state = State {
            warned: (0..40).map(|i| format!("{i:08x}")).collect(),
            ..Default::default()
        };
        let seen = Seen::Pin {
            pin: pin("/p/.twprof", "prod\n"),
            trusted: false,
        };
        let outcome = decide(&state, &seen, &mut |_| Ok(None)).unwrap();
        assert_eq!(
            set(&outcome, WARNED).unwrap().split(' ').count(),
            MAX_WARNED
        );
    }
}
