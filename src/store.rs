//! The profiles file: where it lives, its schema, checked loading, and atomic
//! saves under an exclusive lock.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
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
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

fn current_version() -> u32 {
    VERSION
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
}

impl Store {
    /// `--config` / `TWPROF_CONFIG`, else `$XDG_CONFIG_HOME/twprof/profiles.yaml`,
    /// else `~/.config/twprof/profiles.yaml` (on macOS too, as other CLI tools do).
    pub fn locate(explicit: Option<&Path>) -> Result<Store> {
        let path = match explicit {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => config_home()?.join("twprof").join("profiles.yaml"),
        };
        Ok(Store { path })
    }

    /// Reads and checks the file; a missing file is an empty set of profiles.
    pub fn load(&self) -> Result<Profiles> {
        let Some(text) = self.read_checked()? else {
            return Ok(Profiles {
                version: VERSION,
                ..Default::default()
            });
        };
        self.parse(&text)
    }

    /// Runs `change` on the current profiles and saves the result, all under the
    /// lock, so concurrent writers each see the others' changes. Nothing is
    /// written when the file cannot be read or `change` fails.
    pub fn update<T>(&self, change: impl FnOnce(&mut Profiles) -> Result<T>) -> Result<T> {
        let dir = self.dir();
        create_private_dir(dir)?;
        let lock = self.lock_file(dir)?;
        lock.lock()
            .with_context(|| format!("cannot lock {}", self.path.display()))?;
        let mut profiles = self.load()?;
        let result = change(&mut profiles)?;
        self.save(&profiles)?;
        drop(lock);
        Ok(result)
    }

    fn dir(&self) -> &Path {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        }
    }

    fn file_name(&self) -> String {
        self.path
            .file_name()
            .map_or("profiles.yaml".into(), |n| n.to_string_lossy().into_owned())
    }

    /// A lock file beside the profiles file: the profiles file itself is replaced
    /// by rename on every save, so it cannot carry the lock.
    fn lock_file(&self, dir: &Path) -> Result<File> {
        let path = dir.join(format!(".{}.lock", self.file_name()));
        OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&path)
            .with_context(|| format!("cannot open lock file {}", path.display()))
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
        if mode & 0o044 != 0 {
            warn(&format!(
                "{shown} is readable by other users: run chmod 600 {shown}"
            ));
        }
        if meta.uid() != current_uid() {
            warn(&format!(
                "{shown} belongs to another user (uid {}): make your own with twprof add",
                meta.uid()
            ));
        }
        if meta.len() > MAX_FILE_BYTES {
            bail!(
                "{shown} is {} bytes, more than a profiles file can be; it was left as it is",
                meta.len()
            );
        }
        let bytes = fs::read(&self.path).with_context(|| format!("cannot read {shown}"))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            anyhow!(
                "{shown}: not UTF-8 text (byte {}); it was left as it is",
                e.utf8_error().valid_up_to()
            )
        })?;
        Ok(Some(text))
    }

    fn parse(&self, text: &str) -> Result<Profiles> {
        let shown = self.path.display();
        if text.trim().is_empty() {
            return Ok(Profiles {
                version: VERSION,
                ..Default::default()
            });
        }
        let profiles: Profiles = match serde_yaml::from_str(text) {
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
        let dir = self.dir();
        let shown = self.path.display();
        let text = serde_yaml::to_string(profiles).context("cannot encode profiles")?;
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{}.", self.file_name()))
            .suffix(".tmp")
            .permissions(fs::Permissions::from_mode(0o600))
            .tempfile_in(dir)
            .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
        tmp.write_all(text.as_bytes())
            .and_then(|()| tmp.as_file().sync_all())
            .with_context(|| format!("cannot write {shown}; the old file is unchanged"))?;
        tmp.persist(&self.path).map_err(|e| {
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

/// The parser's message without its own " at line L column C" (we lead with it).
fn reason(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    let cut = text.find(" at line ").map_or(text.as_str(), |i| &text[..i]);
    cut.replace('\n', " ")
}
