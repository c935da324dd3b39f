//! `actionhost test --watch`: after the first run, watches the case files, the script files they
//! name and their tenants' folders, with `notify-debouncer-full`, and runs again the case files a
//! change affects:
//! - a case file that changed runs its cases, and a new one in a folder given or already holding
//!   case files runs too;
//! - a script file a case file names (`script`, `rule_script`, `action_script`) runs the cases of
//!   every case file naming it;
//! - any file of a tenant's folder (a Rule, an Action's code, a client, a user, …; hidden entries
//!   such as `.actionhost/` left out) runs the cases of every case file naming that tenant.
//!
//! Each run again is preceded by a separator naming the change and ends with the reporters'
//! output and summary, as a first run does. Ctrl-C stops; the exit code is the last run's.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult};

use super::args::Reporter;
use super::test::{Loaded, Suite};
use crate::testing::discover::{discover, is_case_file};

/// How long a burst of changes (an editor's save, a `git checkout`) is gathered into one run.
const DEBOUNCE: Duration = Duration::from_millis(200);

pub async fn watch(suite: &Suite, paths: &[PathBuf], mut loaded: Vec<Loaded>, mut code: u8) -> anyhow::Result<u8> {
    let (sender, mut changes) = tokio::sync::mpsc::unbounded_channel::<Vec<PathBuf>>();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        if let Ok(events) = result {
            // Reading a file is no change (running the cases reads every one of them).
            let paths: Vec<PathBuf> = events
                .into_iter()
                .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                .flat_map(|e| e.event.paths)
                .collect();
            if !paths.is_empty() {
                let _ = sender.send(paths);
            }
        }
    })?;
    let mut watched = BTreeSet::new();
    let mut watch = |path: &Path, mode: RecursiveMode, watched: &mut BTreeSet<PathBuf>| {
        let path = normal(path);
        if watched.insert(path.clone()) {
            if let Err(error) = debouncer.watch(&path, mode) {
                eprintln!("actionhost: cannot watch {}: {error}", path.display());
            }
        }
    };
    let say = |line: &str| {
        if suite.stdout_reporter() == Some(Reporter::Human) {
            println!("{line}");
        } else {
            eprintln!("{line}");
        }
    };
    // Said once after each run (changes that affect no case file are passed over quietly).
    let mut announce = true;
    loop {
        // Folders, rather than files: an editor that saves by renaming replaces the file. The
        // folders searched are watched, not what lies below them (`target/`, `node_modules/`).
        for path in paths {
            let folder = if path.is_dir() { path.as_path() } else { parent(path) };
            watch(folder, RecursiveMode::NonRecursive, &mut watched);
        }
        for file in &loaded {
            watch(parent(&file.case_file), RecursiveMode::NonRecursive, &mut watched);
            for script in &file.scripts {
                watch(parent(script), RecursiveMode::NonRecursive, &mut watched);
            }
            if let Some(tenant) = &file.tenant {
                watch(tenant, RecursiveMode::Recursive, &mut watched);
            }
        }
        if announce {
            eprintln!("actionhost: watching for changes (Ctrl-C stops)");
            announce = false;
        }
        let mut changed = tokio::select! {
            batch = changes.recv() => match batch {
                Some(batch) => batch,
                None => return Ok(code),
            },
            _ = tokio::signal::ctrl_c() => return Ok(code),
        };
        while let Ok(more) = changes.try_recv() {
            changed.extend(more);
        }
        let changed: BTreeSet<PathBuf> = changed.iter().map(|p| normal(p)).collect();
        let affected = affected(&changed, &loaded, paths);
        if affected.is_empty() {
            continue;
        }
        let shown = changed.iter().find(|p| counts(p, &loaded)).unwrap_or_else(|| changed.first().expect("a change"));
        let more = if changed.len() > 1 { format!(" (and {} more)", changed.len() - 1) } else { String::new() };
        say("");
        say(&format!("──── changed: {}{more}; running {} case file(s) again ────", shown.display(), affected.len()));
        announce = true;
        let (again, now_loaded) = suite.run(&affected).await?;
        code = again;
        for file in now_loaded {
            match loaded.iter_mut().find(|l| normal(&l.case_file) == normal(&file.case_file)) {
                Some(slot) => *slot = file,
                None => loaded.push(file),
            }
        }
        loaded.retain(|l| l.case_file.exists());
    }
}

/// The case files to run again for `changed`: in the order first found, then new ones.
fn affected(changed: &BTreeSet<PathBuf>, loaded: &[Loaded], paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = loaded
        .iter()
        .filter(|file| {
            changed.iter().any(|path| {
                *path == normal(&file.case_file)
                    || file.scripts.iter().any(|s| *path == normal(s))
                    || file.tenant.as_deref().is_some_and(|t| in_tenant(path, &normal(t)))
            })
        })
        .filter(|file| file.case_file.is_file())
        .map(|file| file.case_file.clone())
        .collect();
    if changed.iter().any(|p| is_case_file(p) && p.is_file()) {
        let known: BTreeSet<PathBuf> = loaded.iter().map(|l| normal(&l.case_file)).collect();
        for found in discover(paths).unwrap_or_default() {
            let key = normal(&found);
            if changed.contains(&key) && !known.contains(&key) {
                out.push(found);
            }
        }
    }
    out
}

/// Whether a change is one a case file depends on (to name it in the separator).
fn counts(path: &Path, loaded: &[Loaded]) -> bool {
    is_case_file(path)
        || loaded.iter().any(|file| {
            file.scripts.iter().any(|s| path == normal(s))
                || file.tenant.as_deref().is_some_and(|t| in_tenant(path, &normal(t)))
        })
}

/// A file of the tenant's folder, not under a hidden entry (`.actionhost/` holds what
/// simulated logins write) nor an editor's backup (`name~`).
fn in_tenant(path: &Path, tenant: &Path) -> bool {
    let Ok(inside) = path.strip_prefix(tenant) else { return false };
    let hidden = inside.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    let backup = path.file_name().is_some_and(|n| n.to_string_lossy().ends_with('~'));
    !inside.as_os_str().is_empty() && !hidden && !backup
}

fn parent(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// One spelling of a path, whether the watcher or a case file gives it: symbolic links resolved
/// when it exists, else absolute.
fn normal(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| {
            // A removed file: its folder resolved, then its name.
            let name = path.file_name().ok_or(std::io::ErrorKind::NotFound)?;
            std::fs::canonicalize(parent(path)).map(|dir| dir.join(name))
        })
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_file_counts_unless_hidden_or_a_backup() {
        let tenant = Path::new("/t");
        assert!(in_tenant(Path::new("/t/rules/a.js"), tenant));
        assert!(!in_tenant(Path::new("/t/.actionhost/state-1.json"), tenant));
        assert!(!in_tenant(Path::new("/t/rules/a.js~"), tenant));
        assert!(!in_tenant(Path::new("/t"), tenant));
        assert!(!in_tenant(Path::new("/other/a.js"), tenant));
    }
}
