//! The OS sandbox a worker process puts itself in once its isolate exists and before it takes
//! any job: the wall under the engine's own walls, so that even code that broke out of the
//! JavaScript engine cannot reach the host.
//!
//! - **Resource limits** (`setrlimit`): no core files, no file growth, and a cap on the process's
//!   private writable memory (`RLIMIT_DATA`), so memory outside the engine's heap
//!   (`SharedArrayBuffer`, WebAssembly memory, host-side buffers) is bounded too.
//! - **`no_new_privs`** and a **seccomp** filter (all threads) that refuses, with `EPERM`, every
//!   system call that opens a file, makes a socket, starts a process, signals another process,
//!   changes the file system or the process's privileges, or reaches another process's memory.
//!   `clone3` answers `ENOSYS`, so threads are created through `clone`, whose flags can be
//!   checked (`CLONE_THREAD` is required). Everything else (memory, futexes, timers, the pipes
//!   the worker already holds) stays allowed: the filter names what is dangerous rather than
//!   guessing every call the engine and the allocator make.
//! - **Landlock**, where the kernel has it: no file system access at all for the worker's
//!   main thread (the one running scripts) and no TCP bind or connect.

use std::collections::BTreeMap;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule, TargetArch,
};

use super::protocol::SandboxReport;

/// Why the sandbox could not be applied: the layer that failed.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// A resource limit could not be set.
    #[error("setrlimit({name}): {source}")]
    Limit { name: &'static str, source: std::io::Error },
    /// The seccomp filter could not be built or installed.
    #[error("seccomp: {0}")]
    Seccomp(String),
}

/// Applies the whole sandbox to the calling process. Errors name the layer that failed.
pub fn apply(data_limit_bytes: u64) -> Result<SandboxReport, SandboxError> {
    set_limits(data_limit_bytes)?;
    let landlock = restrict_file_system();
    install_seccomp()?;
    Ok(SandboxReport { seccomp: true, landlock })
}

fn set_limit(resource: libc::__rlimit_resource_t, value: u64, name: &'static str) -> Result<(), SandboxError> {
    let limit = libc::rlimit { rlim_cur: value, rlim_max: value };
    // SAFETY: setrlimit reads the struct we pass and nothing else.
    if unsafe { libc::setrlimit(resource, &limit) } != 0 {
        return Err(SandboxError::Limit { name, source: std::io::Error::last_os_error() });
    }
    Ok(())
}

fn set_limits(data_limit_bytes: u64) -> Result<(), SandboxError> {
    set_limit(libc::RLIMIT_CORE, 0, "RLIMIT_CORE")?;
    set_limit(libc::RLIMIT_FSIZE, 0, "RLIMIT_FSIZE")?;
    set_limit(libc::RLIMIT_DATA, data_limit_bytes, "RLIMIT_DATA")
}

/// Landlock for the calling thread (the worker's script thread) and any thread it starts.
fn restrict_file_system() -> String {
    use landlock::{Access, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetStatus, ABI};
    let abi = ABI::V5;
    let status = Ruleset::default()
        .handle_access(AccessFs::from_all(abi))
        .and_then(|ruleset| ruleset.handle_access(AccessNet::from_all(abi)))
        .and_then(|ruleset| ruleset.create())
        .and_then(|ruleset| ruleset.restrict_self());
    match status {
        Ok(status) => match status.ruleset {
            RulesetStatus::FullyEnforced => "full".into(),
            RulesetStatus::PartiallyEnforced => "partial".into(),
            RulesetStatus::NotEnforced => "unsupported".into(),
        },
        Err(error) => format!("unsupported ({error})"),
    }
}

/// System calls refused outright (with `EPERM`).
fn refused_calls() -> Vec<i64> {
    let mut calls = vec![
        // Files: opening, creating, linking, renaming, removing, changing modes and owners.
        libc::SYS_openat,
        libc::SYS_openat2,
        libc::SYS_open_by_handle_at,
        libc::SYS_name_to_handle_at,
        libc::SYS_open_tree,
        libc::SYS_fsopen,
        libc::SYS_fspick,
        libc::SYS_fsconfig,
        libc::SYS_fsmount,
        libc::SYS_move_mount,
        libc::SYS_mount_setattr,
        libc::SYS_mknodat,
        libc::SYS_mkdirat,
        libc::SYS_unlinkat,
        libc::SYS_renameat,
        libc::SYS_renameat2,
        libc::SYS_linkat,
        libc::SYS_symlinkat,
        libc::SYS_fchmodat,
        libc::SYS_fchownat,
        libc::SYS_truncate,
        libc::SYS_utimensat,
        libc::SYS_setxattr,
        libc::SYS_lsetxattr,
        libc::SYS_fsetxattr,
        libc::SYS_removexattr,
        libc::SYS_lremovexattr,
        libc::SYS_fremovexattr,
        libc::SYS_inotify_init1,
        libc::SYS_fanotify_init,
        libc::SYS_mount,
        libc::SYS_umount2,
        libc::SYS_pivot_root,
        libc::SYS_chroot,
        libc::SYS_acct,
        libc::SYS_quotactl,
        libc::SYS_swapon,
        libc::SYS_swapoff,
        // io_uring can open files and sockets without the calls above.
        libc::SYS_io_uring_setup,
        libc::SYS_io_uring_enter,
        libc::SYS_io_uring_register,
        // Network.
        libc::SYS_socket,
        libc::SYS_socketpair,
        libc::SYS_connect,
        libc::SYS_bind,
        libc::SYS_listen,
        libc::SYS_accept,
        libc::SYS_accept4,
        // Processes and other processes' resources.
        libc::SYS_execve,
        libc::SYS_execveat,
        libc::SYS_ptrace,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
        libc::SYS_pidfd_open,
        libc::SYS_pidfd_getfd,
        libc::SYS_pidfd_send_signal,
        libc::SYS_tkill,
        libc::SYS_unshare,
        libc::SYS_setns,
        // Privileges and the kernel.
        libc::SYS_setuid,
        libc::SYS_setgid,
        libc::SYS_setreuid,
        libc::SYS_setregid,
        libc::SYS_setresuid,
        libc::SYS_setresgid,
        libc::SYS_setgroups,
        libc::SYS_capset,
        libc::SYS_personality,
        libc::SYS_bpf,
        libc::SYS_perf_event_open,
        libc::SYS_userfaultfd,
        libc::SYS_keyctl,
        libc::SYS_add_key,
        libc::SYS_request_key,
        libc::SYS_init_module,
        libc::SYS_finit_module,
        libc::SYS_delete_module,
        libc::SYS_kexec_load,
        libc::SYS_kexec_file_load,
        libc::SYS_reboot,
        libc::SYS_syslog,
    ];
    #[cfg(target_arch = "x86_64")]
    calls.extend([
        libc::SYS_open,
        libc::SYS_creat,
        libc::SYS_mknod,
        libc::SYS_mkdir,
        libc::SYS_rmdir,
        libc::SYS_unlink,
        libc::SYS_rename,
        libc::SYS_link,
        libc::SYS_symlink,
        libc::SYS_chmod,
        libc::SYS_chown,
        libc::SYS_lchown,
        libc::SYS_utime,
        libc::SYS_utimes,
        libc::SYS_futimesat,
        libc::SYS_inotify_init,
        libc::SYS_fork,
        libc::SYS_vfork,
        libc::SYS_uselib,
    ]);
    calls
}

fn condition(arg: u8, op: SeccompCmpOp, value: u64) -> SeccompCondition {
    SeccompCondition::new(arg, SeccompCmpArgLen::Qword, op, value).expect("a valid seccomp condition")
}

fn rule(conditions: Vec<SeccompCondition>) -> SeccompRule {
    SeccompRule::new(conditions).expect("a valid seccomp rule")
}

fn seccomp_error(error: impl std::fmt::Display) -> SandboxError {
    SandboxError::Seccomp(error.to_string())
}

fn target_arch() -> Result<TargetArch, SandboxError> {
    TargetArch::try_from(std::env::consts::ARCH).map_err(seccomp_error)
}

fn compile(rules: BTreeMap<i64, Vec<SeccompRule>>, action: SeccompAction) -> Result<BpfProgram, SandboxError> {
    let filter = SeccompFilter::new(rules, SeccompAction::Allow, action, target_arch()?).map_err(seccomp_error)?;
    BpfProgram::try_from(filter).map_err(seccomp_error)
}

fn install_seccomp() -> Result<(), SandboxError> {
    let pid = u64::from(std::process::id());
    let mut refused: BTreeMap<i64, Vec<SeccompRule>> = refused_calls().into_iter().map(|call| (call, vec![])).collect();
    // New processes: `clone` without CLONE_THREAD (a fork) is refused; threads are fine.
    refused
        .insert(libc::SYS_clone, vec![rule(vec![condition(0, SeccompCmpOp::MaskedEq(libc::CLONE_THREAD as u64), 0)])]);
    // Signals only to this process itself (the supervisor and everything else are out of reach).
    refused.insert(libc::SYS_kill, vec![rule(vec![condition(0, SeccompCmpOp::Ne, pid)])]);
    refused.insert(libc::SYS_tgkill, vec![rule(vec![condition(0, SeccompCmpOp::Ne, pid)])]);
    // TIOCSTI would type into a terminal the worker inherited.
    refused.insert(libc::SYS_ioctl, vec![rule(vec![condition(1, SeccompCmpOp::Eq, libc::TIOCSTI)])]);
    let deny = compile(refused, SeccompAction::Errno(libc::EPERM as u32))?;
    let no_clone3 = compile(BTreeMap::from([(libc::SYS_clone3, vec![])]), SeccompAction::Errno(libc::ENOSYS as u32))?;
    // Both filters apply to every thread of the process, present and future.
    seccompiler::apply_filter_all_threads(&no_clone3).map_err(seccomp_error)?;
    seccompiler::apply_filter_all_threads(&deny).map_err(seccomp_error)
}

/// What a probe of the sandbox found: each attempt and the error it got (`None`: it succeeded).
/// Run by `actionhost __actionhost-worker --probe-sandbox` inside a sandboxed worker, as native
/// code that escaped the engine would; the tests check that every attempt is refused.
pub fn probe() -> BTreeMap<&'static str, Option<String>> {
    fn outcome(result: std::io::Result<()>) -> Option<String> {
        result.err().map(|e| e.to_string())
    }
    fn check(rc: libc::c_long) -> std::io::Result<()> {
        if rc < 0 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(())
        }
    }
    let mut found = BTreeMap::new();
    found.insert("read /etc/hostname", outcome(std::fs::read("/etc/hostname").map(drop)));
    found.insert("create a file in /tmp", outcome(std::fs::write("/tmp/actionhost-sandbox-probe", b"x")));
    found.insert("TCP socket", outcome(std::net::TcpListener::bind("127.0.0.1:0").map(drop)));
    // SAFETY: plain system calls with constant arguments; a child, if one were made, exits at once.
    found.insert("unix socket", outcome(check(unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0) } as _)));
    found.insert("start a process", outcome(std::process::Command::new("/bin/true").status().map(drop)));
    found.insert(
        "fork",
        outcome(check(unsafe {
            let pid = libc::fork();
            if pid == 0 {
                libc::_exit(0);
            }
            pid as libc::c_long
        })),
    );
    found.insert("signal the parent", outcome(check(unsafe { libc::kill(libc::getppid(), 0) } as _)));
    found.insert(
        "io_uring",
        outcome(check(unsafe { libc::syscall(libc::SYS_io_uring_setup, 1, [0u8; 120].as_mut_ptr()) })),
    );
    // What a worker needs must still work: threads and memory.
    found.insert(
        "a thread still starts (expected to work)",
        outcome(
            std::thread::Builder::new()
                .spawn(|| 1 + 1)
                .and_then(|h| h.join().map(drop).map_err(|_| std::io::Error::other("join"))),
        ),
    );
    found
}
