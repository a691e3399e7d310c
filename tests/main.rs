//! Integration tests: one binary, each module a part of SPEC.md, run against the
//! real `twprof` binary and real shells.

mod harness;

mod adversarial;
mod api;
mod commands;
mod completions;
mod contract;
mod exec_import;
mod fuzz_regressions;
mod hooks;
mod pty;
mod shells;
mod snapshots;
mod store;
