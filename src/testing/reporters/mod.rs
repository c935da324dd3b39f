//! Reports of a run: `human` (failures with their diffs, then the summary line), `json` (one
//! document), `junit` (the JUnit XML CI systems read), `tap` (Test Anything Protocol 14) and
//! `github` (GitHub Actions workflow annotations).

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod tap;
