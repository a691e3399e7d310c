//! Integration tests: one binary, each module a part of SPEC.md, run against the
//! real `twprof` binary and real shells.

mod harness;

mod commands;
mod pty;
mod shells;
mod snapshots;
mod store;
