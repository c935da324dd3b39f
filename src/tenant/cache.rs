//! Loaded tenants, kept while their files are unchanged: a long-running `batch` loads a tenant
//! once, yet sees an edit (say, a metadata change made meanwhile) on the next request.
//!
//! Whether anything changed is asked of the kernel first: an inotify instance watches each
//! folder of a loaded tenant, and its events are queued when a file operation happens, so a
//! non-blocking read at the next request sees every edit made before that request was sent. Only
//! then (or where watching is impossible) are the folder's names, sizes and times compared.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use inotify::{Inotify, WatchMask};

use super::{Keywords, Tenant, TenantError};

struct Entry {
    stamp: u64,
    tenant: Arc<Tenant>,
    /// `None` where the folders could not be watched, or once a change was seen: every request
    /// then compares the stamp until a load replaces the entry. (Reading the kernel's events
    /// consumes them, so the request that saw a change must leave a mark: a request made while
    /// it reloads, or after its load failed, would otherwise be handed the old tenant.)
    changes: Option<Changes>,
}

#[derive(Default)]
pub struct TenantCache {
    keywords: Keywords,
    entries: Mutex<HashMap<PathBuf, Entry>>,
}

impl TenantCache {
    pub fn new(keywords: Keywords) -> TenantCache {
        TenantCache { keywords, entries: Mutex::default() }
    }

    pub fn get(&self, path: &Path) -> Result<Arc<Tenant>, TenantError> {
        if let Some(entry) = self.entries.lock().unwrap().get_mut(path) {
            match entry.changes.as_mut().map(Changes::any) {
                Some(false) => return Ok(Arc::clone(&entry.tenant)),
                Some(true) => entry.changes = None,
                None => {}
            }
        }
        // Watching starts before the files are read, so an edit made while they are is seen next time.
        let changes = Changes::watch(tenant_root(path));
        let stamp = fingerprint(path);
        if let Some(entry) = self.entries.lock().unwrap().get_mut(path) {
            if entry.stamp == stamp {
                entry.changes = changes;
                return Ok(Arc::clone(&entry.tenant));
            }
        }
        let tenant = Arc::new(Tenant::load(path, &self.keywords)?);
        self.entries.lock().unwrap().insert(path.to_owned(), Entry { stamp, tenant: Arc::clone(&tenant), changes });
        Ok(tenant)
    }
}

/// The kernel's record of changes under a tenant's folders since they were watched.
struct Changes {
    inotify: Inotify,
}

impl Changes {
    /// Watches every folder of the tenant (hidden ones left out); `None` if any cannot be.
    fn watch(root: &Path) -> Option<Changes> {
        let inotify = Inotify::init().ok()?;
        let mask: WatchMask = [
            WatchMask::MODIFY,
            WatchMask::ATTRIB,
            WatchMask::CLOSE_WRITE,
            WatchMask::CREATE,
            WatchMask::DELETE,
            WatchMask::DELETE_SELF,
            WatchMask::MOVED_FROM,
            WatchMask::MOVED_TO,
            WatchMask::MOVE_SELF,
        ]
        .into_iter()
        .collect();
        for folder in folders(root) {
            inotify.watches().add(&folder, mask).ok()?;
        }
        Some(Changes { inotify })
    }

    /// Whether anything happened since the watch began (never blocks). An event that cannot be
    /// read counts as a change.
    fn any(&mut self) -> bool {
        let mut buffer = [0u8; 1024];
        match self.inotify.read_events(&mut buffer) {
            Ok(mut events) => events.next().is_some(),
            Err(error) => error.kind() != std::io::ErrorKind::WouldBlock,
        }
    }
}

/// The folder a tenant path stands for: the directory itself, or the folder of `tenant.yaml`.
fn tenant_root(path: &Path) -> &Path {
    if path.is_dir() {
        path
    } else {
        path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
    }
}

/// The tenant's folder and every folder under it, hidden ones (such as `.actionhost/`) left out.
fn folders(root: &Path) -> Vec<PathBuf> {
    let mut found = vec![root.to_path_buf()];
    let mut index = 0;
    while let Some(dir) = found.get(index).cloned() {
        index += 1;
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            if !entry.file_name().to_string_lossy().starts_with('.') && entry.file_type().is_ok_and(|t| t.is_dir()) {
                found.push(entry.path());
            }
        }
    }
    found
}

/// Hash of the names, sizes and modification times of the files under the tenant's folder
/// (hidden entries, such as `.actionhost/`, left out).
fn fingerprint(path: &Path) -> u64 {
    let root = tenant_root(path);
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let Ok(metadata) = entry.metadata() else { continue };
            if metadata.is_dir() {
                pending.push(entry.path());
            } else {
                (entry.path(), metadata.len(), metadata.modified().ok()).hash(&mut hasher);
            }
        }
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn tenant_folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("clients/App.json"), r#"{"name": "App", "client_metadata": {"TIER": "gold"}}"#);
        dir
    }

    fn tier(tenant: &Tenant) -> serde_json::Value {
        serde_json::to_value(&tenant.clients[0].client_metadata).unwrap()["TIER"].clone()
    }

    #[test]
    fn an_unchanged_tenant_is_loaded_once_and_every_edit_is_seen_by_the_next_request() {
        let dir = tenant_folder();
        let cache = TenantCache::default();
        let first = cache.get(dir.path()).unwrap();
        assert!(Arc::ptr_eq(&first, &cache.get(dir.path()).unwrap()), "unchanged: the same tenant");
        // Edited in place (same size, so only the kernel's record or the time tells).
        write(&dir.path().join("clients/App.json"), r#"{"name": "App", "client_metadata": {"TIER": "blue"}}"#);
        assert_eq!(tier(&cache.get(dir.path()).unwrap()), "blue");
        // A hidden file changes nothing the tenant is made of: the same tenant.
        let current = cache.get(dir.path()).unwrap();
        write(&dir.path().join(".actionhost/state.json"), "{}");
        assert!(Arc::ptr_eq(&current, &cache.get(dir.path()).unwrap()));
        // A new folder, then a file in it: both seen.
        std::fs::create_dir(dir.path().join("rules")).unwrap();
        assert!(Arc::ptr_eq(&current, &cache.get(dir.path()).unwrap()), "an empty folder adds nothing");
        write(&dir.path().join("clients/Other.json"), r#"{"name": "Other"}"#);
        assert_eq!(cache.get(dir.path()).unwrap().clients.len(), 2);
        write(&dir.path().join("rules/a.json"), r#"{"name": "a", "script": "./a.js", "order": 1, "enabled": true}"#);
        write(&dir.path().join("rules/a.js"), "function (user, context, callback) { callback(null, user, context); }");
        assert_eq!(cache.get(dir.path()).unwrap().rules.len(), 1);
    }

    #[test]
    fn a_change_stays_seen_until_a_load_succeeds() {
        let dir = tenant_folder();
        let cache = TenantCache::default();
        cache.get(dir.path()).unwrap();
        // A half-written file (an editor's save in progress) fails the load that saw the change;
        // the next request must not be handed the tenant from before the change.
        write(&dir.path().join("clients/App.json"), r#"{"name": "App", "client_metadata": {"#);
        assert!(cache.get(dir.path()).is_err());
        assert!(cache.get(dir.path()).is_err(), "the failed edit is still what the folder holds");
        write(&dir.path().join("clients/App.json"), r#"{"name": "App", "client_metadata": {"TIER": "teal"}}"#);
        assert_eq!(tier(&cache.get(dir.path()).unwrap()), "teal");
    }

    #[test]
    fn the_kernel_reports_changes_under_every_watched_folder() {
        let dir = tenant_folder();
        let mut changes = Changes::watch(dir.path()).expect("inotify is available");
        assert!(!changes.any(), "nothing happened yet");
        write(&dir.path().join("clients/App.json"), "{}");
        assert!(changes.any());
        assert!(!changes.any(), "each event is reported once");
    }

    #[test]
    fn folders_at_any_depth_are_watched_and_hidden_ones_are_not() {
        let dir = tenant_folder();
        write(&dir.path().join("actions/gate/code.js"), "exports.onExecutePostLogin = async () => {};");
        write(&dir.path().join(".actionhost/state.json"), "{}");
        let mut changes = Changes::watch(dir.path()).expect("inotify is available");
        // State files are written under `.actionhost/` as logins run: no reason to reload.
        write(&dir.path().join(".actionhost/state.json"), r#"{"a": 1}"#);
        assert!(!changes.any(), "a change in a hidden folder is not the tenant's");
        write(&dir.path().join("actions/gate/code.js"), "exports.onExecutePostLogin = async (e, api) => {};");
        assert!(changes.any(), "an Action's code, two folders down, was not watched");
    }

    #[test]
    fn a_tenant_yaml_stands_for_its_folder() {
        let dir = tenant_folder();
        let yaml = dir.path().join("tenant.yaml");
        write(&yaml, "clients: []\n");
        assert_eq!(tenant_root(&yaml), dir.path());
        assert_eq!(tenant_root(dir.path()), dir.path());
        assert_eq!(tenant_root(Path::new("tenant.yaml")), Path::new("."), "a file in the current folder");
    }

    #[test]
    fn every_kind_of_change_is_reported_on_its_own() {
        // Each of these makes the kernel report one kind of event (inotify(7)): a mode change
        // (IN_ATTRIB), an empty file created (IN_CREATE, IN_CLOSE_WRITE), a file moved in from
        // outside the tenant (IN_MOVED_TO), a file moved out (IN_MOVED_FROM).
        use std::os::unix::fs::PermissionsExt;
        let dir = tenant_folder();
        let outside = tempfile::tempdir_in(dir.path().parent().unwrap()).unwrap();
        write(&outside.path().join("New.json"), "{}");
        let clients = dir.path().join("clients");
        let mut changes = Changes::watch(dir.path()).expect("inotify is available");
        let mut reported = |kind: &str, change: &dyn Fn()| {
            assert!(!changes.any(), "nothing happened before {kind}");
            change();
            assert!(changes.any(), "{kind} was not reported");
        };
        reported("a mode change", &|| {
            std::fs::set_permissions(clients.join("App.json"), std::fs::Permissions::from_mode(0o600)).unwrap()
        });
        reported("an empty file created", &|| drop(std::fs::File::create(clients.join("Empty.json")).unwrap()));
        reported("a file moved in", &|| {
            std::fs::rename(outside.path().join("New.json"), clients.join("New.json")).unwrap()
        });
        reported("a file moved out", &|| {
            std::fs::rename(clients.join("New.json"), outside.path().join("Gone.json")).unwrap()
        });
    }
}
