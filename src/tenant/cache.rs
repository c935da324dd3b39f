//! Loaded tenants, kept while their files are unchanged: a long-running `batch` loads a tenant
//! once, yet sees an edit (say, a metadata change made meanwhile) on the next request.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::{Keywords, Tenant, TenantError};

#[derive(Default)]
pub struct TenantCache {
    keywords: Keywords,
    entries: Mutex<HashMap<PathBuf, (u64, Arc<Tenant>)>>,
}

impl TenantCache {
    pub fn new(keywords: Keywords) -> TenantCache {
        TenantCache { keywords, entries: Mutex::default() }
    }

    pub fn get(&self, path: &Path) -> Result<Arc<Tenant>, TenantError> {
        let stamp = fingerprint(path);
        if let Some((seen, tenant)) = self.entries.lock().unwrap().get(path) {
            if *seen == stamp {
                return Ok(Arc::clone(tenant));
            }
        }
        let tenant = Arc::new(Tenant::load(path, &self.keywords)?);
        self.entries.lock().unwrap().insert(path.to_owned(), (stamp, Arc::clone(&tenant)));
        Ok(tenant)
    }
}

/// Hash of the names, sizes and modification times of the files under the tenant's folder
/// (hidden entries, such as `.actionhost/`, left out).
fn fingerprint(path: &Path) -> u64 {
    let root = if path.is_dir() { path } else { path.parent().unwrap_or(Path::new(".")) };
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
