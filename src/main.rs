//! The `actionhost` binary: the command line of [`actionhost::main`], which documents its exit
//! codes (0 ran, 1 a script failed, 2 bad usage or input), and the allocator it runs with.

/// mimalloc instead of glibc's malloc: the server, the host and the workers allocate and free
/// many small, short-lived JSON values per request, where glibc's allocator spent about a sixth
/// of the server's time (`benches/serve_cpu.py`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    if std::env::args_os().nth(1).is_some_and(|arg| arg == actionhost::WORKER_ARG) {
        restart_worker_with_allocator_setting();
    }
    actionhost::main()
}

/// A worker process started without [`actionhost::WORKER_ALLOCATOR_ENV`] (the supervisor always
/// passes it; another program starting a worker may not) runs this binary again with it, before
/// any sandbox or isolate exists; it returns when the setting is already in place.
fn restart_worker_with_allocator_setting() {
    use std::os::unix::process::CommandExt;
    let (name, value) = actionhost::WORKER_ALLOCATOR_ENV;
    if std::env::var_os(name).is_some_and(|set| set == value) {
        return;
    }
    let error = std::process::Command::new("/proc/self/exe").args(std::env::args_os().skip(1)).env(name, value).exec();
    eprintln!("actionhost: could not restart the worker process with {name}={value}: {error}");
    std::process::exit(2);
}
