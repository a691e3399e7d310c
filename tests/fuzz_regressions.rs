//! The fuzz targets' checks (fuzz/checks.rs), replayed on stable over every
//! kept crasher and interesting input in fuzz/regressions/ and every seed in
//! fuzz/seeds/, so CI runs them without cargo-fuzz.

use std::fs;
use std::panic;
use std::path::Path;

#[allow(dead_code)]
mod checks {
    include!("../fuzz/checks.rs");
}

/// Runs `check` on every file under fuzz/{regressions,seeds}/`target`, and
/// fails naming each file whose check panicked.
fn replay(target: &str, check: fn(&[u8])) {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut failed = Vec::new();
    let mut count = 0;
    for kind in ["regressions", "seeds"] {
        let dir = fuzz.join(kind).join(target);
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let data = fs::read(&file).unwrap();
            count += 1;
            if panic::catch_unwind(|| check(&data)).is_err() {
                failed.push(file.display().to_string());
            }
        }
    }
    assert!(
        count >= 5,
        "only {count} {target} inputs: the directories moved?"
    );
    assert!(failed.is_empty(), "{target} checks failed on {failed:#?}");
}

#[test]
fn profiles_loader_regressions_hold() {
    replay("profiles", checks::profiles);
}

#[test]
fn pin_parser_regressions_hold() {
    replay("pin", checks::pin);
}
