//! Every console example of README.md and docs/*.md runs and prints what the docs show.
//!
//! A ```` ```console ```` block is a list of `$ COMMAND` lines, each followed by its output. Each
//! block runs in a fresh temporary copy of `fixtures/` (so examples that write to the example
//! tenant never touch the repository), each command through `sh -c` exactly as written (pipes
//! included) with the built `actionhost` first on `PATH`. The command's standard output, then its
//! standard error, is compared with the lines under it by snapbox: `[..]` in the docs matches any
//! text within a line and a line `...` any lines. Volatile parts are masked on both sides
//! (durations, dates, the temporary folder, ports, version numbers), so the docs keep realistic
//! values. A block that cannot run as written is tagged ```` ```console,ignore ```` with an HTML
//! comment saying why on the line before; those are listed in [`NOT_CHECKED`] and no others are
//! allowed.

use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;

use crate::util::copy_dir;

/// The examples not run, by file and first command, with the reason the docs give.
const NOT_CHECKED: &[(&str, &str, &str)] = &[];

/// One `$ COMMAND` line of a console block and the output under it.
struct Step {
    line: usize,
    command: String,
    expected: String,
}

/// One console block of a Markdown file.
struct Block {
    file: String,
    line: usize,
    ignored: bool,
    /// The reason of an ignored block: `<!-- not checked: REASON -->` on the line before it.
    reason: Option<String>,
    steps: Vec<Step>,
}

/// The Markdown files whose examples are checked: README.md and every docs/*.md.
fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// The console blocks of a Markdown text (fences of three backticks, info string `console`).
fn console_blocks(file: &str, text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
    let mut previous = "";
    while let Some((number, line)) = lines.next() {
        let before = std::mem::replace(&mut previous, line);
        let Some(info) = line.strip_prefix("```") else { continue };
        let reason = before
            .trim()
            .strip_prefix("<!-- not checked: ")
            .and_then(|rest| rest.strip_suffix("-->"))
            .map(|reason| reason.trim().to_owned());
        let mut tags = info.trim().split(',');
        let is_console = tags.next() == Some("console");
        let ignored = tags.any(|tag| tag.trim() == "ignore");
        let mut body = Vec::new();
        for (n, l) in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push((n, l));
        }
        if !is_console {
            continue;
        }
        let mut steps: Vec<Step> = Vec::new();
        for (n, l) in body {
            if let Some(command) = l.strip_prefix("$ ") {
                steps.push(Step { line: n, command: command.to_owned(), expected: String::new() });
            } else if let Some(step) = steps.last_mut() {
                step.expected.push_str(l);
                step.expected.push('\n');
            } else {
                panic!("{file}:{n}: a console block must start with a `$ ` command line, found {l:?}");
            }
        }
        assert!(!steps.is_empty(), "{file}:{number}: a console block without a `$ ` command");
        blocks.push(Block { file: file.to_owned(), line: number, ignored, reason, steps });
    }
    blocks
}

/// Replaces what changes from run to run by a fixed marker, in the docs and in the output alike.
fn mask(text: &str, temp: &Path) -> String {
    let masks = [
        // 0.7 ms, 265.5 ms; "duration_ms":0.9 and "duration_ms": 1.286254
        (r"\b\d+(\.\d+)? ms\b", "[duration] ms"),
        (r#""duration_ms":( ?)[0-9.eE+-]+"#, r#""duration_ms":$1[duration]"#),
        // 2024-06-01T10:30:00.000Z
        (r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", "[date]"),
        // the times of a token: iat: 1796199461
        (r"\b(iat|exp|auth_time): \d+", "$1: [time]"),
        // 127.0.0.1:4000, localhost:4000
        (r"\b(127\.0\.0\.1|localhost):\d+\b", "$1:[port]"),
        // actionhost 0.1.0 (deno_core 0.413.0, …)
        (r"\b\d+\.\d+\.\d+\b", "[version]"),
    ];
    let mut text = text.replace(&temp.display().to_string(), "[temp]");
    for (pattern, replacement) in masks {
        text = Regex::new(pattern).unwrap().replace_all(&text, replacement).into_owned();
    }
    text
}

/// Runs one block's commands in a fresh copy of `fixtures/`; the mismatches, described.
fn check(block: &Block, bin_dir: &Path) -> Vec<String> {
    let temp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&root.join("fixtures"), &temp.path().join("fixtures"));
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut failures = Vec::new();
    for step in &block.steps {
        let output = Command::new("sh")
            .arg("-c")
            .arg(&step.command)
            .current_dir(temp.path())
            .env("PATH", &path)
            .env_remove("AUTH0_KEYWORD_REPLACE_MAPPINGS")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let mut actual = String::from_utf8_lossy(&output.stdout).into_owned();
        actual.push_str(&String::from_utf8_lossy(&output.stderr));
        // A blank line may separate one command's output from the next command in the docs.
        let actual = mask(actual.trim_end(), temp.path());
        let expected = mask(step.expected.trim_end(), temp.path());
        let name = format!("{}:{} `{}`", block.file, step.line, step.command);
        if let Err(error) = snapbox::Assert::new().normalize_paths(false).try_eq(
            Some(&name),
            snapbox::Data::text(actual),
            snapbox::Data::text(expected),
        ) {
            failures.push(format!("{name}\n{error}"));
        }
    }
    failures
}

#[test]
fn every_console_example_of_the_docs_prints_what_it_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_actionhost")).parent().unwrap().to_owned();
    let mut blocks = Vec::new();
    for path in documents() {
        let name = path.strip_prefix(root).unwrap().display().to_string();
        blocks.extend(console_blocks(&name, &std::fs::read_to_string(&path).unwrap()));
    }
    let ignored: Vec<(String, String, String)> = blocks
        .iter()
        .filter(|block| block.ignored)
        .map(|block| {
            let reason = block.reason.clone().unwrap_or_else(|| {
                panic!(
                    "{}:{}: an ignored example needs `<!-- not checked: REASON -->` before it",
                    block.file, block.line
                )
            });
            (block.file.clone(), block.steps[0].command.clone(), reason)
        })
        .collect();
    let listed: Vec<(String, String, String)> = NOT_CHECKED
        .iter()
        .map(|(file, command, reason)| (file.to_string(), command.to_string(), reason.to_string()))
        .collect();
    assert_eq!(ignored, listed, "the console blocks tagged `ignore` must be exactly the ones NOT_CHECKED lists");

    let checked: Vec<&Block> = blocks.iter().filter(|block| !block.ignored).collect();
    assert!(checked.len() >= 10, "only {} console examples found", checked.len());
    let failures: Vec<String> = checked.iter().flat_map(|block| check(block, &bin_dir)).collect();
    assert!(failures.is_empty(), "{} example(s) differ from the docs:\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn a_wrong_output_in_the_docs_is_caught_and_masks_cover_only_volatile_parts() {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_actionhost")).parent().unwrap().to_owned();
    let right = "```console\n$ actionhost run fixtures/tenant/rules/require-verified-email.js --client-metadata TIER=gold\nstatus: completed  (fixtures/tenant/rules/require-verified-email.js, rule, 12.5 ms)\n...\n```\n";
    let blocks = console_blocks("right.md", right);
    assert_eq!(check(&blocks[0], &bin_dir), Vec::<String>::new());
    // A different status, or a different path, is not masked away.
    for wrong in [right.replace("completed", "denied"), right.replace("rule, 12.5", "post-login, 12.5")] {
        let blocks = console_blocks("wrong.md", &wrong);
        assert_eq!(check(&blocks[0], &bin_dir).len(), 1, "{wrong}");
    }
}
