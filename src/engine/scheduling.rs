//! How the kernel schedules the threads that run executions. A command that runs many scripts
//! one after another (`batch`, `test`) asks for Linux's `SCHED_BATCH` policy on the thread that
//! starts the pool: the supervisor thread it starts and the worker processes it spawns inherit
//! it. Under `SCHED_BATCH` a thread that is woken (the supervisor, when a worker writes an
//! answer) does not preempt the one running (the worker, which goes on to its next job), so the
//! pool switches threads far less often; `benches/cpu_split.py` measures the effect. A server
//! keeps the policy it was started with (normally the normal one): there each answer's latency
//! matters more.

/// The scheduling policy of a pool's threads and worker processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CpuPolicy {
    /// Linux's default policy (`SCHED_OTHER`): a woken thread may preempt the running one.
    Normal,
    /// `SCHED_BATCH`: CPU-bound work whose threads do not preempt each other on wake-up.
    Batch,
}

impl CpuPolicy {
    /// The policy's number in `sched_setscheduler(2)` and in field 41 of `/proc/PID/stat`.
    pub fn kernel_policy(self) -> i32 {
        match self {
            CpuPolicy::Normal => libc::SCHED_OTHER,
            CpuPolicy::Batch => libc::SCHED_BATCH,
        }
    }
}

/// Gives the calling thread `policy`; threads and processes it starts from now on inherit it.
/// Any process may switch itself between these two policies, so this fails only where the
/// kernel lacks them.
pub fn apply_to_this_thread(policy: CpuPolicy) -> std::io::Result<()> {
    let parameter = libc::sched_param { sched_priority: 0 };
    // SAFETY: pid 0 is the calling thread; `parameter` is a valid sched_param for both policies.
    if unsafe { libc::sched_setscheduler(0, policy.kernel_policy(), &parameter) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The calling thread's policy, as the kernel reports it.
    fn policy_of_this_thread() -> i32 {
        // SAFETY: pid 0 is the calling thread.
        unsafe { libc::sched_getscheduler(0) }
    }

    #[test]
    fn a_thread_and_the_threads_it_starts_take_the_policy() {
        std::thread::spawn(|| {
            apply_to_this_thread(CpuPolicy::Batch).expect("any thread may ask for SCHED_BATCH");
            assert_eq!(policy_of_this_thread(), libc::SCHED_BATCH);
            let child = std::thread::spawn(policy_of_this_thread).join().unwrap();
            assert_eq!(child, libc::SCHED_BATCH, "a thread started afterwards inherits the policy");
            apply_to_this_thread(CpuPolicy::Normal).unwrap();
            assert_eq!(policy_of_this_thread(), libc::SCHED_OTHER);
        })
        .join()
        .unwrap();
    }
}
