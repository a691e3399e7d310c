//! The shells twprof speaks to: quoting and the syntax of setting and unsetting
//! a variable. No other module knows any shell's syntax.

use std::path::Path;

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    /// The shell that runs us (our parent process), else the login shell, else bash.
    /// bash's syntax is also POSIX sh's, so sh, dash and ksh read it too.
    pub fn detect() -> Shell {
        let parent = std::fs::read_to_string(format!(
            "/proc/{}/comm",
            std::os::unix::process::parent_id()
        ));
        if let Some(shell) = parent
            .ok()
            .and_then(|comm| Shell::from_program(comm.trim()))
        {
            return shell;
        }
        std::env::var_os("SHELL")
            .and_then(|s| {
                Path::new(&s)
                    .file_name()
                    .and_then(|n| Shell::from_program(&n.to_string_lossy()))
            })
            .unwrap_or(Shell::Bash)
    }

    fn from_program(name: &str) -> Option<Shell> {
        match name.trim_start_matches('-') {
            "bash" | "sh" | "dash" | "ksh" | "mksh" => Some(Shell::Bash),
            "zsh" => Some(Shell::Zsh),
            "fish" => Some(Shell::Fish),
            _ => None,
        }
    }

    /// A single-quoted word that the shell reads back as exactly `value`
    /// (any string without NUL, which no shell variable can hold).
    pub fn quote(self, value: &str) -> String {
        let mut out = String::with_capacity(value.len() + 2);
        out.push('\'');
        match self {
            // Inside '…' nothing is special; a quote closes, gets escaped, reopens.
            Shell::Bash | Shell::Zsh => out.push_str(&value.replace('\'', r"'\''")),
            // fish reads \\ and \' inside '…', so both must be escaped.
            Shell::Fish => out.push_str(&value.replace('\\', r"\\").replace('\'', r"\'")),
        }
        out.push('\'');
        out
    }

    pub fn set(self, name: &str, value: &str) -> String {
        match self {
            Shell::Bash | Shell::Zsh => format!("export {name}={}\n", self.quote(value)),
            Shell::Fish => format!("set -gx {name} {}\n", self.quote(value)),
        }
    }

    pub fn unset(self, name: &str) -> String {
        match self {
            Shell::Bash | Shell::Zsh => format!("unset {name}\n"),
            Shell::Fish => format!("set -e {name}\n"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_only_what_each_shell_reads() {
        assert_eq!(Shell::Bash.quote(r"it's \"), r"'it'\''s \'");
        assert_eq!(Shell::Fish.quote(r"it's \"), r"'it\'s \\'");
        assert_eq!(Shell::Zsh.quote(""), "''");
    }
}
