//! Helpers shared by the integration tests.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use actionhost::{Host, HostConfig, Limits, Outcome, Request, Script};
use serde_json::Value;

/// One host for the whole test binary: two workers, default limits.
pub fn host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| Host::new(HostConfig { workers: 2, ..config() }))
}

/// The default configuration, with the built binary as the worker program (the test binary
/// itself cannot serve as one).
pub fn config() -> HostConfig {
    HostConfig { worker_program: env!("CARGO_BIN_EXE_actionhost").into(), ..HostConfig::default() }
}

/// A host with its own single worker, for tests that must know which isolate ran what.
pub fn single_worker_host(limits: Limits) -> Host {
    Host::new(HostConfig { workers: 1, limits, ..config() })
}

pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(path)
}

pub fn read_json(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(path)).unwrap()).unwrap()
}

/// The JSON of a file the test wrote or copied (a tenant file, a user, a state file).
pub fn json_file(path: impl AsRef<Path>) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn script_request(path: &str) -> Request {
    Request::new(Script::Path(fixture(path)))
}

pub fn inline(source: &str) -> Request {
    Request::new(Script::inline(source))
}

pub async fn run(request: Request) -> Outcome {
    host().run(request).await.expect("valid request")
}

/// The api names of an outcome's commands, in order.
pub fn apis(outcome: &Outcome) -> Vec<&str> {
    outcome.commands.iter().map(|c| c.name().as_str()).collect()
}

/// The built binary, run from the crate root, without the caller's own keyword mappings (a
/// test that wants them sets them on the command).
pub fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_actionhost"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command.env_remove("AUTH0_KEYWORD_REPLACE_MAPPINGS");
    command
}

pub fn run_binary(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child =
        binary().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        // A command refused before it reads its input may have exited already: the write then
        // meets a closed pipe, which is not the test's concern (its exit code and output are).
        match input.write_all(text.as_bytes()) {
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
            written => written.unwrap(),
        }
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// An `actionhost batch` process asked one line at a time: each answer is awaited before the
/// next line is sent, so a line may depend on what an earlier one did (a state file it wrote, a
/// container it warmed).
pub struct BatchSession {
    child: std::process::Child,
    input: Option<std::process::ChildStdin>,
    answers: std::sync::mpsc::Receiver<String>,
}

impl BatchSession {
    pub fn start(args: &[&str]) -> BatchSession {
        use std::io::BufRead;
        let mut child = binary()
            .arg("batch")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let output = child.stdout.take().unwrap();
        let (lines, answers) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(output).lines() {
                if lines.send(line.unwrap()).is_err() {
                    break;
                }
            }
        });
        BatchSession { input: child.stdin.take(), child, answers }
    }

    /// Sends one line, with standard input left open, and returns its answer.
    pub fn ask(&mut self, line: &Value) -> Value {
        let wait = std::time::Duration::from_secs(20);
        let input = self.input.as_mut().unwrap();
        writeln!(input, "{line}").unwrap();
        input.flush().unwrap();
        let answer = self.answers.recv_timeout(wait).unwrap_or_else(|e| {
            let _ = self.child.kill();
            panic!("no answer to {line} within {wait:?} while stdin stays open ({e})")
        });
        serde_json::from_str(&answer).unwrap()
    }

    /// Closes standard input; whether the batch then exited with success.
    pub fn finish(mut self) -> bool {
        drop(self.input.take());
        self.child.wait().unwrap().success()
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A private copy of the example tenant, so a test may change it.
pub fn tenant_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tenant");
    copy_dir(&fixture("tenant"), &root);
    (dir, root)
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == ".actionhost" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
