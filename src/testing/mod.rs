//! Regression testing of Rules and Actions: case files name a script and list cases (inputs
//! and the expected outcome, matched partially); [`runner::run`] executes them in parallel on a
//! [`crate::Host`] with a fixed clock, seeded randomness and HTTP mocks (or, for a `simulate:`
//! case, a whole login through the tenant's Rules and Actions), checks each outcome,
//! compares a Rule with its Action when a file names both, and the reporters print the result.
//! `actionhost test` is the command line around it; `docs/cases.md` documents the format.

pub mod case_file;
pub mod check;
pub mod diff;
pub mod discover;
pub mod effects;
pub mod expect;
pub mod inputs;
pub mod locate;
pub mod parity;
pub mod reporters;
pub mod runner;
pub mod shard;
pub mod simulate_case;
pub mod update;

pub use case_file::{CaseFile, CaseFileError, Loader};
pub use discover::discover;
pub use runner::Options;
pub use shard::Shard;
