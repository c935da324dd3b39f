//! The supervisor: runs every job in a worker process and answers each job exactly once,
//! whatever happens to the worker.
//!
//! It lives on a thread of its own (with its own event loop), so a [`Supervisor`] can be used
//! from any runtime. One *slot* per worker is a small state machine:
//!
//! ```text
//!   Starting ──ready──▶ Idle ──job──▶ Busy ──answer──▶ Idle            (kept)
//!      │                                │  └─answer, retiring / recycled──▶ Starting
//!      └─failed: the next job gets        ├─deadline + grace──▶ kill ─▶ timeout  ─▶ Starting
//!        an EngineError naming why        ├─memory over the cap─▶ kill ─▶ out_of_memory ─▶ Starting
//!                                         └─pipe closed / exit──▶ EngineError (signal) ─▶ Starting
//! ```
//!
//! Jobs without a container key wait in one shared queue that every idle slot takes from; jobs
//! with a key go to the queue of slot `hash(key) % workers`, so one container always meets the
//! same worker (and so the same state). A job whose heap cap differs from the pool's runs on a
//! worker started for it alone.
//!
//! While a worker runs a job and more jobs are already waiting, its slot writes up to
//! [`WRITE_AHEAD`] of them into the worker's pipe, so the worker goes from one job to the next
//! without sleeping through a round trip (a context switch each way costs as much as a small
//! script), and keeps its core for several jobs in a row while the host's threads wait their
//! turn. Such a job starts when its predecessor's answer arrives, and its deadline counts from
//! then; if the worker dies or is stopped first, the jobs written ahead never started and run
//! first on the slot's fresh worker. Only a backlog is written ahead, so a job waits behind a
//! slow one only when every worker was busy when it was taken.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::{mpsc, oneshot, Semaphore};
use tokio::time::Instant;

use super::isolate::engine_error;
use super::job::{Job, JobResult};
use super::limits::Termination;
use super::modules::{allowed_roots, ModuleAnswer, ModuleBroker};
use super::protocol::{encode_frame, read_frame_async, write_encoded_async, FromWorker, ToWorker};
use super::worker::{process_memory_cap_bytes, WORKER_ALLOCATOR_ENV, WORKER_ARG};

/// How long after a job's deadline the supervisor kills a worker that has not answered. The
/// engine's own watchdog stops a script 50 ms after the deadline; this is the guarantee behind it.
pub const KILL_GRACE: Duration = Duration::from_millis(250);
/// How long a new worker may take to create its isolate and say it is ready.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How often a running job's worker has its resident memory checked.
const MEMORY_POLL: Duration = Duration::from_millis(10);
/// A worker whose resident memory grew by more than this since it was ready is replaced after
/// its current job, so the process tree's memory stays flat.
const RECYCLE_GROWTH_MB: u64 = 64;
/// How many waiting jobs a slot writes into its busy worker's pipe, behind the running one.
const WRITE_AHEAD: usize = 3;
/// How many of a worker's stderr lines are kept to explain a crash.
const STDERR_LINES: usize = 16;

/// How worker processes are started and when they are replaced.
#[derive(Debug, Clone)]
pub struct WorkerSpec {
    /// The program started as a worker (with [`WORKER_ARG`]): this binary, or an embedder's.
    pub program: PathBuf,
    /// The heap cap of the pool's isolates, in MiB.
    pub memory_mb: u64,
    /// A worker is replaced after this many executions.
    pub recycle_after_executions: u64,
}

struct Envelope {
    job: Job,
    reply: oneshot::Sender<JobResult>,
}

pub struct Supervisor {
    shared: async_channel::Sender<Envelope>,
    pinned: Vec<mpsc::UnboundedSender<Envelope>>,
    runtime: tokio::runtime::Handle,
    spec: Arc<WorkerSpec>,
    /// Answers the workers' module requests.
    broker: Arc<ModuleBroker>,
    /// Bounds how many dedicated workers (jobs with their own heap cap) run at once.
    dedicated: Arc<Semaphore>,
    /// Dropping it ends the supervisor thread, its slots and (killed on drop) their workers.
    _stop: oneshot::Sender<()>,
}

impl Supervisor {
    /// Starts the supervisor thread and `workers` slots (at least one), each starting its worker.
    pub fn start(workers: usize, spec: WorkerSpec) -> Supervisor {
        let workers = workers.max(1);
        let spec = Arc::new(spec);
        let (shared, shared_rx) = async_channel::unbounded();
        let (stop, stopped) = oneshot::channel::<()>();
        let (handle_tx, handle_rx) = std::sync::mpsc::channel();
        let mut pinned = Vec::with_capacity(workers);
        let mut pinned_rx = Vec::with_capacity(workers);
        for _ in 0..workers {
            let (tx, rx) = mpsc::unbounded_channel();
            pinned.push(tx);
            pinned_rx.push(rx);
        }
        let slot_spec = Arc::clone(&spec);
        let broker = Arc::new(ModuleBroker::new());
        let slot_broker = Arc::clone(&broker);
        std::thread::Builder::new()
            .name("actionhost-supervisor".into())
            .spawn(move || {
                let runtime =
                    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
                let _ = handle_tx.send(runtime.handle().clone());
                runtime.block_on(async move {
                    for rx in pinned_rx {
                        tokio::spawn(slot(Arc::clone(&slot_spec), Arc::clone(&slot_broker), shared_rx.clone(), rx));
                    }
                    let _ = stopped.await;
                });
                // Dropping the runtime drops the slots and their children (killed on drop).
            })
            .expect("spawning the supervisor thread");
        let runtime = handle_rx.recv().expect("the supervisor thread starts");
        Supervisor { shared, pinned, runtime, spec, broker, dedicated: Arc::new(Semaphore::new(workers)), _stop: stop }
    }

    /// Runs one job and returns its result; never fails to answer.
    pub async fn run(&self, job: Job) -> JobResult {
        let (reply, answer) = oneshot::channel();
        if job.memory_mb != self.spec.memory_mb {
            let (spec, permits, broker) =
                (Arc::clone(&self.spec), Arc::clone(&self.dedicated), Arc::clone(&self.broker));
            self.runtime.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let envelope = Envelope { job, reply };
                match Worker::start(&spec, envelope.job.memory_mb).await {
                    Ok(mut worker) => {
                        worker.run(envelope, &spec, &broker, || None).await;
                    }
                    Err(error) => {
                        let _ = envelope.reply.send(JobResult::failed(engine_error(error.to_string()), Duration::ZERO));
                    }
                }
            });
        } else {
            let envelope = Envelope { job, reply };
            let sent = match &envelope.job.container {
                Some(key) => {
                    let mut hasher = std::collections::hash_map::DefaultHasher::new();
                    key.hash(&mut hasher);
                    let queue = &self.pinned[(hasher.finish() % self.pinned.len() as u64) as usize];
                    queue.send(envelope).map_err(|_| ())
                }
                None => self.shared.try_send(envelope).map_err(|_| ()),
            };
            if sent.is_err() {
                return JobResult::failed(engine_error("the worker pool has shut down".into()), Duration::ZERO);
            }
        }
        answer.await.unwrap_or_else(|_| {
            JobResult::failed(engine_error("the supervisor stopped before answering".into()), Duration::ZERO)
        })
    }
}

/// One worker slot: keeps a worker ready and runs the jobs it takes, one after another.
async fn slot(
    spec: Arc<WorkerSpec>,
    broker: Arc<ModuleBroker>,
    shared: async_channel::Receiver<Envelope>,
    mut pinned: mpsc::UnboundedReceiver<Envelope>,
) {
    let mut worker: Option<Worker> = None;
    let mut start_error = None;
    // Jobs this slot took that its last worker never started: they run first on the next.
    let mut unstarted: VecDeque<Envelope> = VecDeque::new();
    loop {
        if worker.is_none() {
            match Worker::start(&spec, spec.memory_mb).await {
                Ok(started) => worker = Some(started),
                Err(error) => start_error = Some(error),
            }
        }
        let envelope = match unstarted.pop_front() {
            Some(envelope) => envelope,
            None => tokio::select! {
                biased;
                Some(envelope) = pinned.recv() => envelope,
                Ok(envelope) = shared.recv() => envelope,
                else => return,
            },
        };
        let Some(mut current) = worker.take() else {
            let error = start_error.take().map_or_else(|| "the worker could not be started".into(), |e| e.to_string());
            let _ = envelope.reply.send(JobResult::failed(engine_error(error), Duration::ZERO));
            continue;
        };
        // Only jobs already waiting are written ahead: `try_recv` never waits.
        let backlog = || unstarted.pop_front().or_else(|| pinned.try_recv().ok()).or_else(|| shared.try_recv().ok());
        let (left, keep) = current.run(envelope, &spec, &broker, backlog).await;
        // They were taken first: they go first.
        for envelope in left.into_iter().rev() {
            unstarted.push_front(envelope);
        }
        if keep {
            worker = Some(current);
        }
    }
}

/// A running worker process and the pipes to it.
struct Worker {
    child: Child,
    jobs: ChildStdin,
    results: ChildStdout,
    pid: u32,
    stderr: Arc<Mutex<VecDeque<String>>>,
    executions: u64,
    /// Resident memory above which the running job is stopped as out of memory, in bytes.
    memory_cap_bytes: u64,
    /// Resident memory when the worker said it was ready, in bytes.
    ready_rss_bytes: u64,
    /// The package files this worker was sent (real path → version): it keeps their code.
    sent: HashMap<PathBuf, String>,
}

/// Why a worker could not be started.
#[derive(Debug, thiserror::Error)]
enum StartError {
    #[error("could not start the worker program {}: {source}", program.display())]
    Spawn { program: PathBuf, source: std::io::Error },
    #[error("the worker's pipes could not be opened")]
    Pipes,
    #[error("the worker's first message was {0}, not ready")]
    NotReady(String),
    #[error("the worker did not start within {} s", .0.as_secs())]
    Slow(Duration),
    /// `said`: the last lines of its standard error, as a suffix.
    #[error("the worker ended before it was ready ({status}){said}")]
    Ended { status: String, said: String },
}

/// Why a worker stopped answering.
enum Stop {
    Deadline,
    Memory,
    Gone(String),
}

/// A job on its way to a worker: its frame, and whether the frame is in the worker's pipe.
struct Written {
    envelope: Envelope,
    frame: Vec<u8>,
    sent: bool,
}

impl Written {
    /// The job's frame; a job the wire refuses (too large) is answered with the error at once.
    fn encode(envelope: Envelope) -> Option<Written> {
        match encode_frame(&ToWorker::Job(Cow::Borrowed(&envelope.job))) {
            Ok(frame) => Some(Written { envelope, frame, sent: false }),
            Err(error) => {
                let message = format!("could not send the job: {error}");
                let _ = envelope.reply.send(JobResult::failed(engine_error(message), Duration::ZERO));
                None
            }
        }
    }
}

impl Worker {
    async fn start(spec: &WorkerSpec, memory_mb: u64) -> Result<Worker, StartError> {
        let mut command = Command::new(&spec.program);
        command
            .arg(WORKER_ARG)
            .args(["--memory-mb", &memory_mb.to_string()])
            .env_clear()
            // The engine library would otherwise read and write a compiled-code cache under
            // ~/.cache at run time: bytecode from disk is code the worker would trust.
            .env("V82JSC_NO_BC_CACHE", "1")
            // Auth0 runs scripts in UTC, whatever this machine's zone.
            .env("TZ", "UTC")
            .env(WORKER_ALLOCATOR_ENV.0, WORKER_ALLOCATOR_ENV.1)
            .current_dir("/")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(path) = std::env::var_os("LD_LIBRARY_PATH") {
            command.env("LD_LIBRARY_PATH", path);
        }
        let mut child =
            command.spawn().map_err(|source| StartError::Spawn { program: spec.program.clone(), source })?;
        let pid = child.id().unwrap_or_default();
        let (jobs, results, stderr_pipe) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let (Some(jobs), Some(mut results), Some(stderr_pipe)) = (jobs, results, stderr_pipe) else {
            return Err(StartError::Pipes);
        };
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        tokio::spawn(keep_stderr_tail(stderr_pipe, Arc::clone(&stderr)));
        let ready = tokio::time::timeout(START_TIMEOUT, read_frame_async::<FromWorker>(&mut results)).await;
        match ready {
            Ok(Ok(Some(FromWorker::Ready { .. }))) => {}
            Ok(Ok(Some(other))) => return Err(StartError::NotReady(format!("{other:?}"))),
            Err(_) => return Err(StartError::Slow(START_TIMEOUT)),
            Ok(_) => {
                let status = child.wait().await.map(describe_exit).unwrap_or_default();
                return Err(StartError::Ended { status, said: tail_text(&stderr) });
            }
        };
        let memory_cap_bytes = process_memory_cap_bytes(memory_mb);
        let ready_rss_bytes = resident_bytes(pid).unwrap_or_default();
        Ok(Worker {
            child,
            jobs,
            results,
            pid,
            stderr,
            executions: 0,
            memory_cap_bytes,
            ready_rss_bytes,
            sent: HashMap::new(),
        })
    }

    /// Runs `first`, then the jobs `backlog` offers while one runs: up to [`WRITE_AHEAD`] of
    /// them are written into the worker's pipe behind the running one, and each starts when its
    /// predecessor's answer arrives. Every job taken is answered, except those the worker never
    /// started because it stopped first: they are returned, in the order taken, to run on the
    /// next worker. The flag says whether this worker can take more.
    async fn run(
        &mut self,
        first: Envelope,
        spec: &WorkerSpec,
        broker: &ModuleBroker,
        mut backlog: impl FnMut() -> Option<Envelope>,
    ) -> (Vec<Envelope>, bool) {
        let Some(mut current) = Written::encode(first) else { return (Vec::new(), true) };
        let mut ahead: VecDeque<Written> = VecDeque::new();
        loop {
            let started = Instant::now();
            // A job is written ahead only if this worker will live to run it.
            while ahead.len() < WRITE_AHEAD && self.executions + ahead.len() as u64 + 2 <= spec.recycle_after_executions
            {
                match std::iter::from_fn(&mut backlog).find_map(Written::encode) {
                    Some(next) => ahead.push_back(next),
                    None => break,
                }
            }
            let deadline = started + current.envelope.job.time_budget() + KILL_GRACE;
            let (jobs, results, sent) = (&mut self.jobs, &mut self.results, &mut self.sent);
            let scope = current.envelope.job.modules.as_ref();
            if scope.is_some() {
                broker.forget();
            }
            // The worker's module requests, from the reader to the writer (the one that owns
            // the worker's input); the reader drops its end when the answer comes.
            let (ask, mut asked) = mpsc::unbounded_channel();
            let exchange = async {
                if !current.sent {
                    write_encoded_async(jobs, &current.frame)
                        .await
                        .map_err(|e| format!("could not send the job: {e}"))?;
                }
                // The jobs ahead go into the pipe while this one runs; the worker reads them only
                // after answering (or while it waits for a module), so the answer is read
                // concurrently with those writes, and module answers follow them.
                let write = async {
                    let mut ahead_written = true;
                    for next in ahead.iter_mut().filter(|next| !next.sent) {
                        if write_encoded_async(jobs, &next.frame).await.is_err() {
                            ahead_written = false;
                            break;
                        }
                        next.sent = true;
                        next.frame = Vec::new();
                    }
                    // The folders this job may read, found at its first request.
                    let roots = std::cell::OnceCell::new();
                    while let Some(request) = asked.recv().await {
                        let answer = match scope {
                            Some(scope) => {
                                broker.answer(scope, roots.get_or_init(|| allowed_roots(scope)), sent, &request)
                            }
                            None => ModuleAnswer::not_found(&request.specifier, None),
                        };
                        let frame = encode_frame(&ToWorker::Module(answer)).map_err(|e| e.to_string())?;
                        write_encoded_async(jobs, &frame).await.map_err(|e| format!("could not answer: {e}"))?;
                    }
                    Ok::<bool, String>(ahead_written)
                };
                let read_answer = async move {
                    loop {
                        match read_frame_async::<FromWorker>(results).await {
                            Ok(Some(FromWorker::Done { result, retiring })) => return Ok((*result, retiring)),
                            Ok(Some(FromWorker::Module(request))) => {
                                let _ = ask.send(request);
                            }
                            Ok(Some(other)) => return Err(format!("unexpected message {other:?}")),
                            Ok(None) => return Err("its result pipe closed".into()),
                            Err(error) => return Err(format!("unreadable answer: {error}")),
                        }
                    }
                };
                let (written, answer) = tokio::join!(write, read_answer);
                let (result, retiring) = answer?;
                Ok((result, retiring, written.unwrap_or(false)))
            };
            let answer = tokio::select! {
                answer = exchange => answer.map_err(Stop::Gone),
                _ = tokio::time::sleep_until(deadline) => Err(Stop::Deadline),
                _ = over_memory(self.pid, self.memory_cap_bytes) => Err(Stop::Memory),
            };
            self.executions += 1;
            // What the worker dies with, if it goes: unstarted as far as anyone can see.
            let unstarted = |ahead: VecDeque<Written>| ahead.into_iter().map(|next| next.envelope).collect();
            match answer {
                Ok((result, retiring, ahead_written)) => {
                    let _ = current.envelope.reply.send(result);
                    let keep = !retiring
                        && ahead_written
                        && self.executions < spec.recycle_after_executions
                        && !self.grew_too_much();
                    if !keep {
                        return (unstarted(ahead), false);
                    }
                    match ahead.pop_front() {
                        // The worker already reads the first job ahead: it is the current one now.
                        Some(next) => current = next,
                        None => return (Vec::new(), true),
                    }
                }
                Err(stop) => {
                    let result = self.stopped(stop, started.elapsed()).await;
                    let _ = current.envelope.reply.send(result);
                    return (unstarted(ahead), false);
                }
            }
        }
    }

    fn grew_too_much(&self) -> bool {
        // Reading /proc costs a few microseconds: check every 16th execution.
        self.executions.is_multiple_of(16)
            && resident_bytes(self.pid).is_some_and(|rss| rss > self.ready_rss_bytes + RECYCLE_GROWTH_MB * 1024 * 1024)
    }

    /// Kills the worker (if it still runs) and says what happened to the job.
    async fn stopped(&mut self, stop: Stop, elapsed: Duration) -> JobResult {
        let _ = self.child.start_kill();
        let status = self.child.wait().await.map(describe_exit).unwrap_or_default();
        // Let the stderr reader take in the worker's last words.
        tokio::time::sleep(Duration::from_millis(5)).await;
        let tail = tail_text(&self.stderr);
        let mut result = JobResult::failed(engine_error(String::new()), elapsed);
        match stop {
            Stop::Deadline => {
                result.error = None;
                result.termination = Some(Termination::Timeout);
            }
            Stop::Memory => {
                result.error = None;
                result.termination = Some(Termination::OutOfMemory);
            }
            Stop::Gone(_) if tail.contains("memory allocation of") || tail.contains("out of memory") => {
                result.error = None;
                result.termination = Some(Termination::OutOfMemory);
            }
            Stop::Gone(why) => {
                result.error = Some(engine_error(format!(
                    "the worker process running this script ended unexpectedly ({status}; {why}){tail}"
                )));
            }
        }
        result
    }
}

/// Resolves once the process's resident memory is above `cap_bytes` (polled).
async fn over_memory(pid: u32, cap_bytes: u64) {
    loop {
        tokio::time::sleep(MEMORY_POLL).await;
        if resident_bytes(pid).is_some_and(|rss| rss > cap_bytes) {
            return;
        }
    }
}

/// The resident memory of a process, from `/proc/PID/statm`.
fn resident_bytes(pid: u32) -> Option<u64> {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages * u64::try_from(page).unwrap_or(4096))
}

async fn keep_stderr_tail(pipe: tokio::process::ChildStderr, tail: Arc<Mutex<VecDeque<String>>>) {
    let mut lines = BufReader::new(pipe).lines();
    while let Ok(Some(mut line)) = lines.next_line().await {
        if line.len() > 2000 {
            let cut = (0..=2000).rev().find(|&i| line.is_char_boundary(i)).unwrap_or(0);
            line.truncate(cut);
            line.push('…');
        }
        let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
        if tail.len() == STDERR_LINES {
            tail.pop_front();
        }
        tail.push_back(line);
    }
}

/// The kept stderr lines, as a suffix for an error message (empty when there are none).
fn tail_text(tail: &Mutex<VecDeque<String>>) -> String {
    let tail = tail.lock().unwrap_or_else(|e| e.into_inner());
    if tail.is_empty() {
        return String::new();
    }
    format!(": {}", tail.iter().map(String::as_str).collect::<Vec<_>>().join(" | "))
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(signal)) => format!("killed by {}", signal_name(signal)),
        _ => "ended".into(),
    }
}

fn signal_name(signal: i32) -> String {
    let name = match signal {
        libc::SIGABRT => "SIGABRT",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSYS => "SIGSYS",
        libc::SIGTERM => "SIGTERM",
        libc::SIGTRAP => "SIGTRAP",
        other => return format!("signal {other}"),
    };
    name.to_owned()
}
