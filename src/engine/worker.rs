//! A worker process: the same binary started with [`WORKER_ARG`]. It creates one isolate, puts
//! itself in the OS sandbox, says `Ready`, then runs the jobs its supervisor writes to its
//! standard input one at a time and writes each answer to its result pipe. A script's `require`
//! of a package is a question on the same pipes (see `modules.rs`): the worker has no files. It exits at the end
//! of its input, or right after answering a job that stopped its isolate mid-execution (the
//! supervisor starts a fresh worker: a process exit is the only way to get all of an isolate's
//! memory back on the QuickJS backend).
//!
//! Embedders that start their own binary as the worker program call [`run_if_requested`] first
//! thing in `main`.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, BufWriter, StdinLock, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::rc::Rc;

use super::isolate::{engine_error, Isolate};
use super::job::{Job, JobResult};
use super::modules::{ModuleAnswer, ModuleRequest, ModuleSource};
use super::protocol::{read_frame, write_frame, FromWorker, ToWorker};
use super::sandbox;

/// The first argument that turns the binary into a worker process.
pub const WORKER_ARG: &str = "__actionhost-worker";

/// The environment setting a worker's allocator needs, which every worker the supervisor starts
/// gets: by default mimalloc (the `actionhost` binary's allocator) commits its first 1 GiB arena
/// at once on a system that overcommits, and the worker's cap on writable memory (`RLIMIT_DATA`,
/// set by its sandbox) counts it in full. With `0`, arenas are only reserved and their pages
/// counted as they are used. Other allocators ignore the variable.
pub const WORKER_ALLOCATOR_ENV: (&str, &str) = ("MIMALLOC_ARENA_EAGER_COMMIT", "0");

/// Memory a worker process needs besides the isolate's heap (the engine, its JavaScript, the
/// allocator's slack), in MiB. The OS-level cap of a worker is the heap cap plus this.
pub const PROCESS_OVERHEAD_MB: u64 = 96;

/// The resident memory a worker whose heap cap is `memory_mb` may use in all, in bytes.
pub fn process_memory_cap_bytes(memory_mb: u64) -> u64 {
    memory_mb.saturating_add(PROCESS_OVERHEAD_MB).saturating_mul(1024 * 1024)
}

/// If this process was started as a worker (`argv[1] == WORKER_ARG`), runs it and returns its
/// exit code; otherwise returns `None` at once.
/// `scripts` makes the extensions that register the runners jobs name.
pub fn run_if_requested(scripts: fn() -> Vec<deno_core::Extension>) -> Option<i32> {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() != Some(WORKER_ARG) {
        return None;
    }
    let mut memory_mb = super::DEFAULT_MEMORY_MB;
    let mut probe = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--memory-mb" => match args.next().and_then(|v| v.parse().ok()) {
                Some(value) => memory_mb = value,
                None => return Some(usage("--memory-mb needs a number of MiB")),
            },
            "--probe-sandbox" => probe = true,
            other => return Some(usage(&format!("unknown argument {other}"))),
        }
    }
    Some(serve(memory_mb, probe, scripts))
}

fn usage(message: &str) -> i32 {
    eprintln!("actionhost worker: {message} (usage: {WORKER_ARG} [--memory-mb N] [--probe-sandbox])");
    2
}

/// The result pipe: the worker's original standard output. Standard output itself is pointed at
/// standard error, so nothing the engine prints can corrupt the frames.
fn take_result_pipe() -> std::io::Result<File> {
    // SAFETY: dup and dup2 on the process's own standard descriptors; the new descriptor is owned here.
    unsafe {
        let fd = libc::dup(1);
        if fd < 0 || libc::dup2(2, 1) < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(File::from(OwnedFd::from_raw_fd(fd)))
    }
}

fn serve(memory_mb: u64, probe: bool, scripts: fn() -> Vec<deno_core::Extension>) -> i32 {
    let results = match take_result_pipe() {
        Ok(file) => file,
        Err(error) => {
            eprintln!("actionhost worker: cannot set up the result pipe: {error}");
            return 1;
        }
    };
    let pipes = Rc::new(RefCell::new(Pipes {
        jobs: BufReader::new(std::io::stdin().lock()),
        results: BufWriter::new(results),
        waiting: VecDeque::new(),
    }));
    let tokio = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(tokio) => tokio,
        Err(error) => {
            eprintln!("actionhost worker: cannot start its event loop: {error}");
            return 1;
        }
    };
    let _context = tokio.enter();
    let mut isolate = match Isolate::new(memory_mb, scripts()) {
        Ok(isolate) => isolate,
        Err(error) => {
            eprintln!("actionhost worker: could not create a JavaScript isolate: {error}");
            return 1;
        }
    };
    isolate.set_module_source(Rc::new(AskSupervisor(Rc::clone(&pipes))));
    // Twice the resident cap: the supervisor's poll is the precise bound, this one holds between polls.
    let data_limit = process_memory_cap_bytes(memory_mb).saturating_mul(2);
    let sandbox = match sandbox::apply(data_limit) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("actionhost worker: could not apply its sandbox: {error}");
            return 1;
        }
    };
    if probe {
        let found = sandbox::probe();
        let results = &mut pipes.borrow_mut().results;
        let written =
            serde_json::to_writer(&mut *results, &found).map_err(std::io::Error::other).and_then(|()| results.flush());
        return i32::from(written.is_err());
    }
    if write_frame(&mut pipes.borrow_mut().results, &FromWorker::Ready { sandbox }).is_err() {
        return 1;
    }
    loop {
        let next = pipes.borrow_mut().next_job();
        let job = match next {
            Ok(Some(job)) => job,
            Ok(None) => return 0,
            Err(error) => {
                eprintln!("actionhost worker: unreadable job: {error}");
                return 1;
            }
        };
        let result = tokio.block_on(isolate.execute(&job));
        let retiring = isolate.retired();
        let answer = FromWorker::Done { result: Box::new(result), retiring };
        let mut guard = pipes.borrow_mut();
        let results = &mut guard.results;
        if let Err(error) = write_frame(results, &answer) {
            // A result the wire refuses (too large) is still answered, as an error.
            let failed = JobResult::failed(
                engine_error(format!("the result could not be sent to the host: {error}")),
                Default::default(),
            );
            if write_frame(results, &FromWorker::Done { result: Box::new(failed), retiring: true }).is_err() {
                return 1;
            }
            let _ = results.flush();
            return 0;
        }
        if retiring {
            return 0;
        }
    }
}

/// The worker's pipes: jobs and module answers come in on standard input; answers and module
/// requests go out on the result pipe.
struct Pipes {
    jobs: BufReader<StdinLock<'static>>,
    results: BufWriter<File>,
    /// Jobs read while waiting for a module answer (the supervisor writes jobs ahead).
    waiting: VecDeque<Job>,
}

impl Pipes {
    fn next_job(&mut self) -> std::io::Result<Option<Job>> {
        if let Some(job) = self.waiting.pop_front() {
            return Ok(Some(job));
        }
        match read_frame::<ToWorker>(&mut self.jobs)? {
            None => Ok(None),
            Some(ToWorker::Job(job)) => Ok(Some(job.into_owned())),
            Some(ToWorker::Module(_)) => {
                Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "a module answer nobody asked for"))
            }
        }
    }

    fn ask(&mut self, request: ModuleRequest) -> std::io::Result<ModuleAnswer> {
        write_frame(&mut self.results, &FromWorker::Module(request))?;
        loop {
            match read_frame::<ToWorker>(&mut self.jobs)? {
                Some(ToWorker::Module(answer)) => return Ok(answer),
                Some(ToWorker::Job(job)) => self.waiting.push_back(job.into_owned()),
                None => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            }
        }
    }
}

/// Module requests of the running script, asked of the supervisor over the pipes.
struct AskSupervisor(Rc<RefCell<Pipes>>);

impl ModuleSource for AskSupervisor {
    fn request(&self, request: ModuleRequest) -> ModuleAnswer {
        let specifier = request.specifier.clone();
        self.0.borrow_mut().ask(request).unwrap_or_else(|error| {
            ModuleAnswer::not_found(&specifier, Some(&format!("the supervisor did not answer ({error})")))
        })
    }
}
