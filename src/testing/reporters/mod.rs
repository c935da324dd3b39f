//! Reports of a run: `human` (failures with their diffs, then the summary line), `json` (one
//! document) and `junit` (the JUnit XML CI systems read).

pub mod human;
pub mod json;
pub mod junit;
