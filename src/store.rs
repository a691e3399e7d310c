//! The profiles file: where it lives, its schema, checked loading, and atomic
//! saves under an exclusive lock.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};

use crate::profile::{Profile, validate_name};

pub const VERSION: u32 = 1;
/// Far above any real file (a thousand profiles is ~200 KiB); stops a hostile one early.
const MAX_FILE_BYTES: u64 = 16 << 20;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profiles {
    #[serde(default = "current_version")]
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, deserialize_with = "no_duplicates")]
    pub profiles: BTreeMap<String, Profile>,
}

fn current_version() -> u32 {
    VERSION
}

/// A name given twice would quietly keep one of the two, and the next save
/// would lose the other: refuse the file instead.
fn no_duplicates<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, Profile>, D::Error> {
    struct Names;
    impl<'de> serde::de::Visitor<'de> for Names {
        type Value = BTreeMap<String, Profile>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of profile names to profiles")
        }
        fn visit_map<M: serde::de::MapAccess<'de>>(
            self,
            mut map: M,
        ) -> Result<Self::Value, M::Error> {
            let mut profiles = BTreeMap::new();
            while let Some((name, profile)) = map.next_entry::<String, Profile>()? {
                if profiles.contains_key(&name) {
                    return Err(serde::de::Error::custom(format!(
                        "duplicate profile \"{name}\""
                    )));
                }
                profiles.insert(name, profile);
            }
            Ok(profiles)
        }
    }
    deserializer.deserialize_map(Names)
}

impl Profiles {
    pub fn get(&self, name: &str) -> Result<&Profile> {
        self.profiles.get(name).ok_or_else(|| no_such_profile(name))
    }

    /// The default profile, if one is set and still exists.
    pub fn default_name(&self) -> Option<&str> {
        self.default
            .as_deref()
            .filter(|d| self.profiles.contains_key(*d))
    }
}

pub fn no_such_profile(name: &str) -> anyhow::Error {
    anyhow!("no profile named \"{name}\" (see 'twprof list')")
}

pub struct Store {
    pub path: PathBuf,
    /// No warnings on stderr: for completion, where they would land in the command line.
    quiet: bool,
}

impl Store {
    /// `--config` / `TWPROF_CONFIG`, else `$XDG_CONFIG_HOME/twprof/profiles.yaml`,
    /// else `~/.config/twprof/profiles.yaml` (on macOS too, as other CLI tools do).
    pub fn locate(explicit: Option<&Path>) -> Result<Store> {
        let mut path = match explicit {
            Some(p) if !p.as_os_str().is_empty() => {
                std::path::absolute(p).with_context(|| format!("cannot resolve {}", p.display()))?
            }
            _ => config_home()?.join("twprof").join("profiles.yaml"),
        };
        // A symlinked file (dotfiles repositories do this) is saved through the link.
        if let Ok(target) = fs::read_link(&path) {
            path = fs::canonicalize(&path).unwrap_or_else(|_| match path.parent() {
                Some(dir) => dir.join(target),
                None => target,
            });
        }
        Ok(Store { path, quiet: false })
    }

    pub fn quiet(self) -> Store {
        Store {
            quiet: true,
            ..self
        }
    }

    /// Reads and checks the file; a missing file is an empty set of profiles.
    pub fn load(&self) -> Result<Profiles> {
        self.load_only(None)
    }

    /// As `load`, keeping only profile `name` when one is given: the hook and
    /// `use` need one profile, and building a thousand costs more than finding one.
    pub fn load_only(&self, name: Option<&str>) -> Result<Profiles> {
        let Some(text) = self.read_checked()? else {
            return Ok(Profiles {
                version: VERSION,
                ..Default::default()
            });
        };
        let mut profiles = self.parse(&text, name)?;
        if let Some(name) = name {
            profiles.profiles.retain(|n, _| n == name);
        }
        Ok(profiles)
    }

    /// Runs `change` on the current profiles and saves the result, all under the
    /// lock, so concurrent writers each see the others' changes. Nothing is
    /// written when the file cannot be read or `change` fails.
    pub fn update<T>(&self, change: impl FnOnce(&mut Profiles) -> Result<T>) -> Result<T> {
        create_private_dir(self.dir())?;
        let lock = lock_beside(&self.path)?;
        let mut profiles = self.load()?;
        let result = change(&mut profiles)?;
        self.save(&profiles)?;
        drop(lock);
        Ok(result)
    }

    fn dir(&self) -> &Path {
        dir_and_name(&self.path).0
    }

    fn read_checked(&self) -> Result<Option<String>> {
        let shown = self.path.display();
        let meta = match fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {shown}")),
        };
        if !meta.is_file() {
            bail!("{shown} is not a regular file");
        }
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o022 != 0 {
            bail!(
                "{shown} can be changed by other users, so it is not trusted: check its content, then run chmod 600 {shown}"
            );
        }
        if mode & 0o044 != 0 && !self.quiet {
            warn(&format!(
                "{shown} is readable by other users: run chmod 600 {shown}"
            ));
        }
        if meta.uid() != current_uid() && !self.quiet {
            warn(&format!(
                "{shown} belongs to another user (uid {}), who can change it: copy it to a file of your own, then chmod 600 it",
                meta.uid()
            ));
        }
        let dir_mode = fs::metadata(self.dir()).map_or(0, |m| m.permissions().mode());
        if dir_mode & 0o022 != 0 && dir_mode & 0o1000 == 0 {
            bail!(
                "{} can be changed by other users, who could replace {shown}: run chmod 700 {}",
                self.dir().display(),
                self.dir().display()
            );
        }
        let bytes = read_limited(&self.path, MAX_FILE_BYTES)?
            .with_context(|| format!("cannot read {shown}: it is gone"))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            anyhow!(
                "{shown}: not UTF-8 text (byte {}); it was left as it is",
                e.utf8_error().valid_up_to()
            )
        })?;
        Ok(Some(text))
    }

    fn parse(&self, text: &str, only: Option<&str>) -> Result<Profiles> {
        let shown = self.path.display();
        // A byte-order mark is allowed by YAML, and editors on Windows write one.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Ok(Profiles {
                version: VERSION,
                ..Default::default()
            });
        }
        let parsed = match parse_canonical(text, only) {
            Some(profiles) => Ok(profiles),
            None if nested_too_deep(text) => bail!(
                "{shown}: nested more than {MAX_NESTING} levels deep, which no profiles file is; it was left as it is"
            ),
            None => serde_yaml::from_str(text),
        };
        let profiles: Profiles = match parsed {
            Ok(p) => p,
            Err(e) => {
                newer_version_check(&shown, text)?;
                let (line, col) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
                bail!("{shown}:{line}:{col}: {}", reason(&e));
            }
        };
        if profiles.version > VERSION {
            bail!(newer_version_message(&shown, profiles.version));
        }
        if profiles.version == 0 {
            bail!("{shown}: version 0 is not a version of this file (it starts at 1)");
        }
        for (name, profile) in &profiles.profiles {
            profile
                .validate(name)
                .map_err(|e| anyhow!("{shown}: {e:#}"))?;
        }
        if let Some(default) = &profiles.default {
            validate_name(default).map_err(|e| anyhow!("{shown}: default: {e:#}"))?;
        }
        Ok(profiles)
    }

    fn save(&self, profiles: &Profiles) -> Result<()> {
        let text = serde_yaml::to_string(profiles).context("cannot encode profiles")?;
        write_atomic(&self.path, text.as_bytes())
    }
}

/// Reads the exact layout `save` writes, when the file is in it and every
/// value is a plain word, at a fraction of a YAML parser's cost (the hook and
/// `use` read the file at every switch). Anything else, a hand edit or a quoted
/// secret, returns None and goes to the YAML parser, which also reports errors.
/// With `only`, just that profile is built; the rest is still checked.
fn parse_canonical(text: &str, only: Option<&str>) -> Option<Profiles> {
    let mut lines = Lines(text.as_bytes());
    let version = lines.value(b"version: ")?;
    // Digits without a leading zero: YAML reads `01` as a string, not a number.
    if !matches!(version, [b'1'..=b'9', ..] | b"0") || !version.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut profiles = Profiles {
        version: ascii(version).parse().ok()?,
        ..Default::default()
    };
    if lines.0.starts_with(b"default: ") {
        let default = plain_word(lines.value(b"default: ")?).and_then(not_null)?;
        profiles.default = Some(ascii(default).to_owned());
    }
    match lines.next()? {
        b"profiles: {}" => return lines.0.is_empty().then_some(profiles),
        b"profiles:" => {}
        _ => return None,
    }
    let mut previous: &[u8] = b"";
    while !lines.0.is_empty() {
        let name = plain_word(lines.next()?.strip_prefix(b"  ")?.strip_suffix(b":")?)?;
        // `save` writes names sorted: out of order or repeated is a hand edit.
        if name <= previous {
            return None;
        }
        previous = name;
        let account_sid = lines.word(b"    account_sid: ")?;
        let api_key = lines.word(b"    api_key: ")?;
        let api_secret = lines.word(b"    api_secret: ")?;
        let region = lines.optional(b"    region: ")?;
        let edge = lines.optional(b"    edge: ")?;
        if only.is_some_and(|wanted| wanted.as_bytes() != name) {
            continue;
        }
        let profile = Profile {
            account_sid: ascii(account_sid).to_owned(),
            api_key: ascii(api_key).to_owned(),
            api_secret: crate::profile::ApiSecret::new(ascii(api_secret).to_owned()),
            region: region.map(|r| ascii(r).to_owned()),
            edge: edge.map(|e| ascii(e).to_owned()),
        };
        profiles.profiles.insert(ascii(name).to_owned(), profile);
    }
    Some(profiles)
}

/// The lines of the canonical layout, each ended by '\n'.
struct Lines<'a>(&'a [u8]);

impl<'a> Lines<'a> {
    fn next(&mut self) -> Option<&'a [u8]> {
        let end = self.0.iter().position(|&b| b == b'\n')?;
        let (line, rest) = (&self.0[..end], &self.0[end + 1..]);
        self.0 = rest;
        Some(line)
    }

    /// The rest of the next line, which must start with `key`.
    fn value(&mut self, key: &[u8]) -> Option<&'a [u8]> {
        self.next()?.strip_prefix(key)
    }

    /// The plain word after `key` on the next line, in one pass over its bytes.
    fn word(&mut self, key: &[u8]) -> Option<&'a [u8]> {
        let rest = self.0.strip_prefix(key)?;
        let end = rest.iter().position(|&b| !WORD[b as usize])?;
        if rest[end] != b'\n' {
            return None;
        }
        self.0 = &rest[end + 1..];
        literal(&rest[..end])
    }

    /// Some(None) when the next line is not `key`; None when it is, with a value
    /// that is not a plain word or could read as null.
    fn optional(&mut self, key: &[u8]) -> Option<Option<&'a [u8]>> {
        if !self.0.starts_with(key) {
            return Some(None);
        }
        self.word(key).and_then(not_null).map(Some)
    }
}

/// Letters, digits, '.', '_', '-' with a letter or digit first: YAML reads it
/// into a string as exactly these bytes (`123` and `1e5` too: the fields are strings).
fn plain_word(value: &[u8]) -> Option<&[u8]> {
    value
        .iter()
        .all(|&b| WORD[b as usize])
        .then_some(value)
        .and_then(literal)
}

fn literal(word: &[u8]) -> Option<&[u8]> {
    word.first()
        .is_some_and(u8::is_ascii_alphanumeric)
        .then_some(word)
}

/// For optional fields, where YAML reads `null` as absent: leave such words
/// (and booleans, to be safe) to the YAML parser.
fn not_null(word: &[u8]) -> Option<&[u8]> {
    let special = matches!(word.len(), 4 | 5)
        && [&b"true"[..], b"false", b"null"]
            .iter()
            .any(|s| word.eq_ignore_ascii_case(s));
    (!special).then_some(word)
}

/// The bytes a plain word is made of.
const WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || c == b'-';
        b += 1;
    }
    table
};

/// Bytes `plain_word` accepted, or digits: ASCII, so always a str.
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// An exclusive lock on `.NAME.lock` beside `path`, held until the file is
/// dropped. `path` itself is replaced on every save, so it cannot carry the lock.
/// Under the lock, temp files a killed writer left (they may hold secrets) are removed.
pub fn lock_beside(path: &Path) -> Result<File> {
    let (dir, name) = dir_and_name(path);
    let lock_path = dir.join(format!(".{name}.lock"));
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&lock_path)
        .with_context(|| format!("cannot open lock file {}", lock_path.display()))?;
    lock.lock()
        .with_context(|| format!("cannot lock {}", lock_path.display()))?;
    let prefix = format!(".{name}.");
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let stale = entry.file_name();
        let stale = stale.to_string_lossy();
        if stale.starts_with(&prefix) && stale.ends_with(".tmp") {
            let _ = fs::remove_file(entry.path());
        }
    }
    Ok(lock)
}

/// Replaces `path` with `bytes`, whole or not at all: a hidden temp file beside
/// it, fsync, rename, fsync of the directory. Call it under `lock_beside`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let (dir, name) = dir_and_name(path);
    let shown = path.display();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .permissions(fs::Permissions::from_mode(0o600))
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {shown}; the old file is unchanged"))?;
    tmp.persist(path).map_err(|e| {
        anyhow!(
            "cannot replace {shown}: {}; the old file is unchanged",
            e.error
        )
    })?;
    // The rename is durable only once the directory entry is on disk.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn dir_and_name(path: &Path) -> (&Path, String) {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or("profiles.yaml".into(), |n| n.to_string_lossy().into_owned());
    (dir, name)
}

/// Reads a regular file of at most `max` bytes without ever blocking (a FIFO
/// swapped in is refused, not waited on). None when it does not exist.
pub fn read_limited(path: &Path, max: u64) -> Result<Option<Vec<u8>>> {
    let shown = path.display();
    let file = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {shown}")),
    };
    let meta = file
        .metadata()
        .with_context(|| format!("cannot read {shown}"))?;
    if !meta.is_file() {
        bail!("{shown} is not a regular file");
    }
    if meta.len() > max {
        bail!(
            "{shown} is {} bytes, more than such a file can be; it was left as it is",
            meta.len()
        );
    }
    // Sized up front: one read, not a dozen doublings (this is on the hook's path).
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {shown}"))?;
    if bytes.len() as u64 > max {
        bail!(
            "{shown} is more than {max} bytes, more than such a file can be; it was left as it is"
        );
    }
    Ok(Some(bytes))
}

/// Profiles nest three levels; the YAML parser's time grows with the square of
/// the depth, so a hostile file of brackets could stall every prompt.
const MAX_NESTING: usize = 32;

/// Flow collections open at once, or block entries (`- `, `? `) started on one
/// line, beyond MAX_NESTING. It follows YAML's rules for where a quote, a
/// bracket or a comment begins, so that a `'` or `#` inside a plain word hides
/// nothing and a `[` inside one counts for nothing.
fn nested_too_deep(text: &str) -> bool {
    let (mut flow, mut quote) = (0usize, None::<u8>);
    // At the start of a node, where a quote or a bracket opens something.
    let mut node_start;
    // Inside a block scalar (`|`, `>`): lines indented past this are its text.
    let mut literal_past: Option<usize> = None;
    for line in text.lines() {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        if let Some(parent) = literal_past {
            if indent > parent || line.trim().is_empty() {
                continue;
            }
            literal_past = None;
        }
        let mut block = 0;
        node_start = true;
        let mut i = 0;
        // A document marker leaves the next node at its start.
        if quote.is_none() && (line.starts_with("--- ") || line == "---") {
            i = 3;
        }
        while i < bytes.len() {
            let b = bytes[i];
            let next = bytes.get(i + 1).copied();
            let spaced = |n: Option<u8>| n.is_none_or(|n| n == b' ' || n == b'\t');
            let after_space = i == 0 || matches!(bytes[i - 1], b' ' | b'\t');
            match quote {
                Some(b'"') if b == b'\\' => i += 1,
                Some(q) if b == q && q == b'\'' && next == Some(b'\'') => i += 1,
                Some(q) if b == q => {
                    quote = None;
                    node_start = false;
                }
                Some(_) => {}
                None => match b {
                    b' ' | b'\t' => {}
                    b'#' if after_space => break,
                    b'\'' | b'"' if node_start => quote = Some(b),
                    b'[' | b'{' if node_start || flow > 0 => {
                        flow += 1;
                        if flow > MAX_NESTING {
                            return true;
                        }
                        node_start = true;
                    }
                    b']' | b'}' if flow > 0 => {
                        flow -= 1;
                        node_start = false;
                    }
                    b',' if flow > 0 => node_start = true,
                    // An anchor or a tag comes before the node it names.
                    b'&' | b'!' if node_start => {
                        while i + 1 < bytes.len() && !matches!(bytes[i + 1], b' ' | b'\t') {
                            i += 1;
                        }
                    }
                    b'|' | b'>' if node_start && flow == 0 => {
                        literal_past = Some(indent);
                        break;
                    }
                    b'-' | b'?' if node_start && flow == 0 && spaced(next) => {
                        block += 1;
                        if block > MAX_NESTING {
                            return true;
                        }
                    }
                    b':' if spaced(next)
                        || (flow > 0 && matches!(next, Some(b',' | b']' | b'}'))) =>
                    {
                        node_start = true
                    }
                    _ => node_start = false,
                },
            }
            i += 1;
        }
    }
    false
}

/// `$XDG_CONFIG_HOME` when absolute (the XDG rule), else `~/.config`.
fn config_home() -> Result<PathBuf> {
    xdg_dir("XDG_CONFIG_HOME", ".config")
}

/// `$XDG_DATA_HOME` when absolute, else `~/.local/share`: where the trust list lives.
pub fn data_home() -> Result<PathBuf> {
    xdg_dir("XDG_DATA_HOME", ".local/share")
}

fn xdg_dir(var: &str, fallback: &str) -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
    {
        return Ok(dir);
    }
    let home =
        dirs::home_dir().context("cannot find your home directory: set HOME or TWPROF_CONFIG")?;
    Ok(home.join(fallback))
}

pub fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

fn current_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

fn warn(message: &str) {
    eprintln!("twprof: warning: {message}");
}

/// A parse error may come from a file a newer twprof wrote: say so instead.
fn newer_version_check(shown: &std::path::Display, text: &str) -> Result<()> {
    #[derive(Deserialize)]
    struct VersionOnly {
        version: u64,
    }
    match serde_yaml::from_str::<VersionOnly>(text) {
        Ok(v) if v.version > u64::from(VERSION) => bail!(newer_version_message(shown, v.version)),
        _ => Ok(()),
    }
}

fn newer_version_message(shown: &std::path::Display, version: impl std::fmt::Display) -> String {
    format!(
        "{shown} has version {version}, newer than this twprof understands ({VERSION}): upgrade twprof"
    )
}

/// The parser's message without its own " at line L column C" (we lead with it),
/// and without any value it quotes: a misplaced secret must not reach an error.
fn reason(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    let cut = text.find(" at line ").map_or(text.as_str(), |i| &text[..i]);
    let mut out = String::new();
    let mut rest = cut;
    while let Some(start) = rest.find("string \"") {
        out.push_str(&rest[..start + "string".len()]);
        let after = &rest[start + "string \"".len()..];
        rest = after.find('"').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out.replace('\n', " ")
}

/// What loading `text` as a profiles file gives, without a file: the same
/// readers and checks as `Store::load_only`, errors naming `profiles.yaml`.
pub fn parse_profiles(text: &str, only: Option<&str>) -> Result<Profiles> {
    let store = Store {
        path: PathBuf::from("profiles.yaml"),
        quiet: true,
    };
    let mut profiles = store.parse(text, only)?;
    if let Some(name) = only {
        profiles.profiles.retain(|n, _| n == name);
    }
    Ok(profiles)
}

/// The fast reader alone, for the fuzz targets' differential check.
#[doc(hidden)]
pub fn parse_canonical_for_fuzz(text: &str, only: Option<&str>) -> Option<Profiles> {
    parse_canonical(text, only)
}

/// The YAML parser alone (no checks), for the fuzz targets' differential check.
#[doc(hidden)]
pub fn parse_yaml_for_fuzz(text: &str) -> Result<Profiles> {
    Ok(serde_yaml::from_str(text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        Store {
            path: PathBuf::from("/nonexistent/profiles.yaml"),
            quiet: false,
        }
    }

    fn yaml_parse(text: &str) -> Profiles {
        serde_yaml::from_str(text).unwrap()
    }

    fn same(a: &Profiles, b: &Profiles) -> bool {
        let flat = |p: &Profiles| {
            let profiles: Vec<_> = p
                .profiles
                .iter()
                .map(|(n, x)| {
                    (
                        n.clone(),
                        x.account_sid.clone(),
                        x.api_key.clone(),
                        x.api_secret.expose().to_owned(),
                        x.region.clone(),
                        x.edge.clone(),
                    )
                })
                .collect();
            (p.version, p.default.clone(), profiles)
        };
        flat(a) == flat(b)
    }

    #[test]
    fn the_fast_reader_agrees_with_the_yaml_parser_on_what_save_writes() {
        let secrets = [
            "AbCdEf0123456789abcdef0123456789",
            "yes",
            "x",
            "with space",
            "it's",
            "a\nb",
            "123",
            "true",
            "-x",
            "é",
        ];
        let names = ["dev", "123", "true", "Null", "a.b_c-d", "y", "NO"];
        for (i, secret) in secrets.iter().enumerate() {
            let mut profiles = Profiles {
                version: 1,
                default: Some(names[i % names.len()].into()),
                ..Default::default()
            };
            for (j, name) in names.iter().enumerate() {
                let profile = Profile {
                    account_sid: format!("AC{:032x}", i * 100 + j),
                    api_key: format!("SK{:032x}", j),
                    api_secret: crate::profile::ApiSecret::new(format!(
                        "{secret}{}",
                        if j % 2 == 0 { "" } else { "Z" }
                    )),
                    region: (j % 3 == 0).then(|| {
                        if i % 2 == 0 {
                            "au1".into()
                        } else {
                            "null".into()
                        }
                    }),
                    edge: (j % 2 == 0).then(|| "sydney".into()),
                };
                profiles.profiles.insert(name.to_string(), profile);
            }
            let text = serde_yaml::to_string(&profiles).unwrap();
            let by_yaml = yaml_parse(&text);
            assert!(same(&by_yaml, &profiles), "{text}");
            if let Some(fast) = parse_canonical(&text, None) {
                assert!(same(&fast, &by_yaml), "{text}");
            }
        }
        let empty = serde_yaml::to_string(&Profiles {
            version: 1,
            ..Default::default()
        })
        .unwrap();
        assert!(same(
            &parse_canonical(&empty, None).unwrap(),
            &yaml_parse(&empty)
        ));
    }

    #[test]
    fn the_depth_guard_reads_quotes_comments_and_brackets_as_yaml_does() {
        let deep = "[".repeat(40);
        // A quote or '#' inside a plain word hides nothing.
        for hidden in ["it's, ", "a#b, ", "g\", ", "&a ", "!t "] {
            let text = format!("profiles: [{hidden}{deep}\n");
            assert!(nested_too_deep(&text), "{text}");
        }
        // Brackets inside a plain word, a quoted scalar or a comment count for nothing.
        for fine in [
            format!("p:\n  d:\n    api_secret: x{deep}\n"),
            format!("p:\n  d:\n    api_secret: '{deep}'\n"),
            format!("p:\n  d:\n    api_secret: \"{deep}\"  # {deep}\n"),
            format!("p: [a, {{b: c}}, 'x{deep}']\n"),
        ] {
            assert!(!nested_too_deep(&fine), "{fine}");
        }
        assert!(nested_too_deep(&format!("p:\n  {}x\n", "- ".repeat(40))));
        assert!(nested_too_deep(&format!("--- {deep}\n")));
        assert!(!nested_too_deep(&format!(
            "p:\n  d:\n    api_secret: |\n      {deep}\n    api_key: x\n"
        )));
    }

    #[test]
    fn the_fast_reader_takes_typical_files_and_leaves_the_rest_to_yaml() {
        let typical = "version: 1\ndefault: dev\nprofiles:\n  dev:\n    account_sid: AC0123456789abcdef0123456789abcdef\n    api_key: SK0123456789abcdef0123456789abcdef\n    api_secret: AbCdEf0123456789abcdef0123456789\n    region: au1\n    edge: sydney\n";
        let fast = parse_canonical(typical, None).expect("typical file");
        assert!(same(&fast, &yaml_parse(typical)));
        // A sixth of real secrets start with a digit: they must not cost the fast path.
        let digit_first = typical.replace("api_secret: AbCd", "api_secret: 0bCd");
        assert!(same(
            &parse_canonical(&digit_first, None).expect("digit first"),
            &yaml_parse(&digit_first)
        ));
        for odd in [
            typical.replace("default: dev\n", "# comment\ndefault: dev\n"),
            typical.replace("dev:\n", "dev: \n"),
            typical
                .replace("api_secret: AbCd", "api_secret: \"AbCd")
                .replace("6789\n    region", "6789\"\n    region"),
            typical.replace(
                "    region: au1\n    edge: sydney",
                "    edge: sydney\n    region: au1",
            ),
            format!("{typical}  dev:\n    account_sid: x\n"),
            typical.replace("version: 1", "version: 1 "),
            format!("{typical}extra: 1\n"),
            typical.trim_end().to_owned(),
            typical.replace('\n', "\r\n"),
            typical.replace("api_secret: AbCd", "api_secret: Ab Cd"),
            typical.replace("region: au1", "region: au1 "),
            typical.replace("api_key: SK01", "api_key: SK:01"),
            typical.replace("  dev:", "  de v:"),
            typical.replace("    edge: sydney\n", "    edge: sydney\n    colour: red\n"),
        ] {
            assert!(parse_canonical(&odd, None).is_none(), "accepted: {odd}");
        }
        // Both ways, an unknown field is an error naming it.
        let unknown = typical.replace("    edge: sydney\n", "    edge: sydney\n    colour: red\n");
        let err = store().parse(&unknown, None).unwrap_err().to_string();
        assert!(err.contains("colour") && err.contains(":10:"), "{err}");
    }
}
