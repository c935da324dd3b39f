//! The `actionhost` command line: argument definitions, one module per command, the printer.

pub mod args;
mod batch;
mod print;
mod run;

pub use batch::batch;
pub use run::run;
