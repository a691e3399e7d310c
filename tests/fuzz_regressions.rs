//! The fuzz targets' checks (fuzz/checks.rs), replayed on stable over every
//! kept input in fuzz/regressions/ and every seed in fuzz/seeds/, so CI runs
//! them without cargo-fuzz. fuzz/regressions/open/ holds inputs of defects not
//! fixed yet: each must still fail its check, so that a fix is noticed and its
//! input moved up to fuzz/regressions/, where it must pass.

use std::fs;
use std::panic;
use std::path::{Path, PathBuf};

#[allow(dead_code)]
mod checks {
    include!("../fuzz/checks.rs");
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

/// Runs `check` on every file for `target`: those under regressions/ and
/// seeds/ must pass it, those under regressions/open/ must still fail it.
fn replay(target: &str, check: fn(&[u8])) {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let fails = |file: &Path| {
        let data = fs::read(file).unwrap();
        panic::catch_unwind(|| check(&data)).is_err()
    };
    let mut wrong = Vec::new();
    let mut count = 0;
    for dir in ["regressions", "seeds"] {
        for file in files(&fuzz.join(dir).join(target)) {
            count += 1;
            if fails(&file) {
                wrong.push(format!("fails: {}", file.display()));
            }
        }
    }
    let open = fuzz.join("regressions/open").join(target);
    if open.is_dir() {
        for file in files(&open) {
            count += 1;
            if !fails(&file) {
                wrong.push(format!(
                    "passes now (fixed? move it up to fuzz/regressions/{target}/): {}",
                    file.display()
                ));
            }
        }
    }
    assert!(
        count >= 5,
        "only {count} {target} inputs: the directories moved?"
    );
    assert!(wrong.is_empty(), "{target}: {wrong:#?}");
}

#[test]
fn profiles_loader_regressions_hold() {
    replay("profiles", checks::profiles);
}

#[test]
fn pin_parser_regressions_hold() {
    replay("pin", checks::pin);
}
