//! The pool of workers behind [`crate::Host`]: a shared queue any worker takes jobs from, and one
//! queue per worker for shared-container jobs, so executions of one container always meet the
//! same isolate (and so the same state), deterministically.

use std::hash::{Hash, Hasher};

use crossbeam_channel::{unbounded, Sender};
use tokio::sync::oneshot;

use super::isolate::engine_error;
use super::job::{Job, JobResult};
use super::worker::{self, Envelope, Queues};

pub struct Pool {
    shared: Sender<Envelope>,
    pinned: Vec<Sender<Envelope>>,
    memory_mb: u64,
    /// Bounds how many dedicated isolates (jobs with their own heap cap) exist at once.
    dedicated: tokio::sync::Semaphore,
}

impl Pool {
    /// Starts `workers` worker threads (at least one) whose isolates have a heap cap of `memory_mb`.
    pub fn new(workers: usize, memory_mb: u64) -> Pool {
        let (shared, shared_rx) = unbounded();
        let pinned = (0..workers.max(1))
            .map(|_| {
                let (tx, rx) = unbounded();
                worker::spawn(Queues { shared: shared_rx.clone(), pinned: rx }, memory_mb);
                tx
            })
            .collect();
        Pool { shared, pinned, memory_mb, dedicated: tokio::sync::Semaphore::new(workers.max(1)) }
    }

    pub async fn run(&self, job: Job) -> JobResult {
        if job.memory_mb != self.memory_mb {
            let _permit = self.dedicated.acquire().await.expect("the semaphore is never closed");
            return worker::run_dedicated(job).await;
        }
        let queue = match &job.container {
            Some(key) => {
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                key.hash(&mut hasher);
                &self.pinned[(hasher.finish() % self.pinned.len() as u64) as usize]
            }
            None => &self.shared,
        };
        let (reply, result) = oneshot::channel();
        if queue.send(Envelope { job, reply }).is_err() {
            return JobResult::failed(engine_error("the worker pool has shut down".into()), Default::default());
        }
        result
            .await
            .unwrap_or_else(|_| JobResult::failed(engine_error("a worker stopped before answering".into()), Default::default()))
    }
}
