//! Arbitrary bytes as a profiles file: the loader never panics, and whenever
//! the fast reader accepts a text the YAML parser reads the same profiles.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod checks {
    include!("../checks.rs");
}

fuzz_target!(|data: &[u8]| checks::profiles(data));
