//! The wall-clock guard of one worker: a thread that terminates the isolate's running script
//! when an execution overstays its deadline. Each arming carries an execution id, so a deadline
//! that passes after its execution ended can never stop the next one.

use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Instant;

use deno_core::v8;

#[derive(Default)]
struct State {
    armed: Option<(u64, Instant)>,
    /// When the watchdog thread wakes up next (`None`: it sleeps until notified).
    sleeping_until: Option<Instant>,
    fired: Option<u64>,
    shutdown: bool,
}

pub struct Watchdog {
    shared: Arc<(Mutex<State>, Condvar)>,
}

impl Watchdog {
    pub fn spawn(handle: v8::IsolateHandle) -> Watchdog {
        let shared = Arc::new((Mutex::new(State::default()), Condvar::new()));
        let theirs = Arc::clone(&shared);
        thread::Builder::new()
            .name("actionhost-watchdog".into())
            .spawn(move || watch(&theirs, handle))
            .expect("spawning the watchdog thread");
        Watchdog { shared }
    }

    pub fn arm(&self, execution: u64, deadline: Instant) {
        let (lock, cvar) = &*self.shared;
        let mut state = lock.lock().unwrap();
        state.armed = Some((execution, deadline));
        // Waking the thread costs two context switches per execution; it is only needed when
        // the thread would otherwise sleep past this deadline.
        if state.sleeping_until.is_none_or(|wake| wake > deadline) {
            cvar.notify_one();
        }
    }

    /// Arms for `next` (a new id, a new deadline) in one step, and tells whether the deadline of
    /// `execution` fired: the host's clean-up after an execution stays under the watchdog too.
    pub fn rearm(&self, execution: u64, next: u64, deadline: Instant) -> bool {
        let (lock, cvar) = &*self.shared;
        let mut state = lock.lock().unwrap();
        state.armed = Some((next, deadline));
        if state.sleeping_until.is_none_or(|wake| wake > deadline) {
            cvar.notify_one();
        }
        state.fired == Some(execution)
    }

    /// Disarms and tells whether the deadline of `execution` fired.
    pub fn disarm(&self, execution: u64) -> bool {
        let (lock, _) = &*self.shared;
        let mut state = lock.lock().unwrap();
        state.armed = None;
        state.fired == Some(execution)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let (lock, cvar) = &*self.shared;
        lock.lock().unwrap().shutdown = true;
        cvar.notify_one();
    }
}

fn watch(shared: &(Mutex<State>, Condvar), handle: v8::IsolateHandle) {
    let (lock, cvar) = shared;
    let mut state = lock.lock().unwrap();
    loop {
        if state.shutdown {
            return;
        }
        match state.armed {
            None => {
                state.sleeping_until = None;
                state = cvar.wait(state).unwrap();
            }
            Some((execution, deadline)) => {
                let now = Instant::now();
                if now >= deadline {
                    state.fired = Some(execution);
                    state.armed = None;
                    handle.terminate_execution();
                } else {
                    state.sleeping_until = Some(deadline);
                    state = cvar.wait_timeout(state, deadline - now).unwrap().0;
                }
            }
        }
    }
}
