//! twprof's parts, as a library so that fuzz targets can reach the parsers;
//! `main.rs` is the command-line front.

pub mod cli;
pub mod cmd;
pub mod env;
pub mod hook;
pub mod profile;
pub mod shell;
pub mod store;
pub mod twilio;
