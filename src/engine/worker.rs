//! A worker: one OS thread that owns one isolate and a current-thread tokio runtime, and runs
//! the jobs it takes from the pool's queues one at a time. A worker whose isolate retired hands
//! its queues to a fresh thread (the QuickJS backend caps how many runtimes one thread can make).

use std::thread;

use crossbeam_channel::{select, Receiver};
use tokio::sync::oneshot;

use super::isolate::{engine_error, Isolate};
use super::job::{Job, JobResult};

pub struct Envelope {
    pub job: Job,
    pub reply: oneshot::Sender<JobResult>,
}

#[derive(Clone)]
pub struct Queues {
    pub shared: Receiver<Envelope>,
    pub pinned: Receiver<Envelope>,
}

pub fn spawn(queues: Queues, memory_mb: u64) {
    thread::Builder::new()
        .name("actionhost-worker".into())
        .spawn(move || serve(queues, memory_mb))
        .expect("spawning a worker thread");
}

fn serve(queues: Queues, memory_mb: u64) {
    let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    tokio.block_on(async {
        let mut isolate = match Isolate::new(memory_mb) {
            Ok(isolate) => isolate,
            Err(error) => return fail_all(&queues, format!("could not create a JavaScript isolate: {error}")),
        };
        loop {
            let Some(Envelope { job, reply }) = next_job(&queues) else { return };
            let result = isolate.execute(&job).await;
            let _ = reply.send(result);
            if isolate.retired() {
                spawn(queues.clone(), memory_mb);
                return;
            }
        }
    });
}

/// The next job, pinned queue first; `None` once the pool is gone.
fn next_job(queues: &Queues) -> Option<Envelope> {
    let envelope = select! {
        recv(queues.pinned) -> envelope => envelope,
        recv(queues.shared) -> envelope => envelope,
    };
    envelope.ok()
}

/// Runs one job on an isolate created for it alone (a job whose heap cap differs from the pool's).
pub async fn run_dedicated(job: Job) -> JobResult {
    let (reply, result) = oneshot::channel();
    thread::Builder::new()
        .name("actionhost-dedicated".into())
        .spawn(move || {
            let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
            let outcome = tokio.block_on(async {
                match Isolate::new(job.memory_mb) {
                    Ok(mut isolate) => isolate.execute(&job).await,
                    Err(error) => JobResult::failed(engine_error(format!("could not create a JavaScript isolate: {error}")), Default::default()),
                }
            });
            let _ = reply.send(outcome);
        })
        .expect("spawning a dedicated worker thread");
    result.await.unwrap_or_else(|_| JobResult::failed(engine_error("the dedicated worker died".into()), Default::default()))
}

fn fail_all(queues: &Queues, message: String) {
    eprintln!("actionhost: {message}");
    while let Ok(Envelope { reply, .. }) = queues.shared.try_recv().or_else(|_| queues.pinned.try_recv()) {
        let _ = reply.send(JobResult::failed(engine_error(message.clone()), Default::default()));
    }
}
