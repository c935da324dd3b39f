//! The README's option tables against the command line: every option `actionhost COMMAND --help`
//! lists appears in the README's table for that command, and every option of the table exists,
//! so the documentation cannot drift from clap's definitions.

use std::collections::BTreeSet;

use crate::util::*;

/// The `--options` of a command's help (without `--help` and `--version`).
fn help_options(command: &str) -> BTreeSet<String> {
    let output = run_binary(&[command, "--help"], None);
    assert_eq!(output.status.code(), Some(0));
    stdout(&output)
        .lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with('-'))
        .flat_map(options)
        .filter(|o| o != "--help" && o != "--version")
        .collect()
}

/// The `--options` in the first column of the README table that follows `heading` (a line that
/// starts the section).
fn readme_options(readme: &str, heading: &str) -> BTreeSet<String> {
    let start = readme.find(heading).unwrap_or_else(|| panic!("README has no {heading:?}"));
    readme[start..]
        .lines()
        .skip_while(|line| !line.starts_with("| option |"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .flat_map(|row| options(row.split(" | ").next().unwrap_or_default()))
        .collect()
}

/// Every `--word` of a text; the first column of a help line only (up to two spaces then text).
fn options(text: &str) -> Vec<String> {
    let head = text.split("  ").next().unwrap_or_default();
    let mut found = Vec::new();
    let mut rest = head;
    while let Some(at) = rest.find("--") {
        let word: String = rest[at + 2..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        if !word.is_empty() {
            found.push(format!("--{word}"));
        }
        rest = &rest[at + 2 + word.len()..];
    }
    found
}

#[test]
fn every_option_of_run_and_test_is_in_the_readme_table_and_no_other() {
    let readme = std::fs::read_to_string(fixture("../README.md")).unwrap();
    for (command, heading) in [("run", "`actionhost run SCRIPT` options:"), ("test", "## Regression tests")] {
        let help = help_options(command);
        let table = readme_options(&readme, heading);
        let missing: Vec<_> = help.difference(&table).collect();
        let unknown: Vec<_> = table.difference(&help).collect();
        assert!(
            missing.is_empty() && unknown.is_empty(),
            "README table of `actionhost {command}`: missing {missing:?}, not options of the command {unknown:?}"
        );
    }
}
