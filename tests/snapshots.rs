//! What users read and shells run, pinned: a change to either shows up in review.

use crate::harness::*;

#[test]
fn init_scripts() {
    let home = Home::new();
    let exe = bin().to_string_lossy().into_owned();
    for shell in ["bash", "zsh", "fish"] {
        let out = home.run(&["init", shell]);
        assert!(out.status.success());
        // The binary's path differs per checkout: quoted by us, bare in clap's registration.
        let script = text(&out.stdout)
            .replace(&format!("'{exe}'"), "[TWPROF]")
            .replace(&exe, "[TWPROF]");
        assert!(
            !script.contains("::TWPROF::"),
            "placeholder left in {shell}"
        );
        insta::assert_snapshot!(format!("init_{shell}"), script);
    }
}

#[test]
fn help() {
    let home = Home::new();
    for args in [&["--help"][..], &["use", "--help"], &["add", "--help"]] {
        let out = home.run(args);
        assert!(out.status.success());
        insta::assert_snapshot!(
            format!("help_{}", args.join("_").trim_start_matches('-')),
            text(&out.stdout)
        );
    }
}
