//! Arbitrary bytes as a `.twprof`: never panics, and a name it accepts is a
//! valid profile name read from at most 1 KiB.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod checks {
    include!("../checks.rs");
}

fuzz_target!(|data: &[u8]| checks::pin(data));
