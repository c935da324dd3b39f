//! The users the login server offers (the login page's list, a `login_hint` with `--auto-login`,
//! a login session whose user must still exist), read from the tenant's `users/` folder once per
//! version of the tenant. The tenant cache hands out the same tenant for as long as no file under
//! the tenant's folder changed, `users/` included, so a list read for that tenant stays true until
//! a request is handed another one: a `/authorize` then costs no file reads, however many users
//! the folder holds.

use std::path::Path;
use std::sync::{Arc, Mutex, Weak};

use super::pages::UserChoice;
use crate::pipeline::users;
use crate::tenant::Tenant;

/// The list read last, and the tenant it was read for.
#[derive(Default)]
pub struct UserList {
    last: Mutex<Option<ReadFor>>,
}

/// A list and its tenant. The tenant is held weakly: the list must not keep a replaced tenant
/// alive, and while the weak reference exists no other tenant can take its address, so pointer
/// equality still tells it apart.
struct ReadFor {
    tenant: Weak<Tenant>,
    users: Arc<Vec<UserChoice>>,
}

impl UserList {
    /// The users of `tenant`'s `users/` folder, by name.
    pub fn of(&self, tenant: &Arc<Tenant>) -> Arc<Vec<UserChoice>> {
        if let Some(last) = &*self.last.lock().unwrap_or_else(|e| e.into_inner()) {
            if Weak::ptr_eq(&last.tenant, &Arc::downgrade(tenant)) {
                return Arc::clone(&last.users);
            }
        }
        let users = Arc::new(read(&tenant.root));
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(ReadFor { tenant: Arc::downgrade(tenant), users: Arc::clone(&users) });
        users
    }
}

/// Reads every user file of `root/users/`, leaving out those that cannot be read or have no `user_id`.
fn read(root: &Path) -> Vec<UserChoice> {
    let mut choices: Vec<UserChoice> = users::user_files(root)
        .iter()
        .filter_map(|file| users::load(file).ok())
        .filter_map(|record| {
            let text = |key: &str| record.profile[key].as_str().unwrap_or_default().to_owned();
            let user_id = text("user_id");
            let name = Some(text("name")).filter(|n| !n.is_empty()).unwrap_or_else(|| user_id.clone());
            (!user_id.is_empty()).then(|| UserChoice { user_id, name, email: text("email") })
        })
        .collect();
    choices.sort_by(|a, b| a.name.cmp(&b.name));
    choices
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::TenantCache;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn ids(users: &[UserChoice]) -> Vec<&str> {
        users.iter().map(|u| u.user_id.as_str()).collect()
    }

    #[test]
    fn the_list_is_read_once_per_tenant_and_again_after_any_change_under_users() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("clients/App.json"), r#"{"name": "App"}"#);
        write(&dir.path().join("users/b.json"), r#"{"user_id": "auth0|b", "name": "Bea", "email": "b@example.com"}"#);
        write(&dir.path().join("users/a.json"), r#"{"user_id": "auth0|a", "name": "Zoe"}"#);
        write(&dir.path().join("users/notes.txt"), "not a user");
        let (cache, list) = (TenantCache::default(), UserList::default());
        let first = list.of(&cache.get(dir.path()).unwrap());
        assert_eq!(ids(&first), ["auth0|b", "auth0|a"], "sorted by name; only .json files");
        assert_eq!(first[0].email, "b@example.com");
        assert!(Arc::ptr_eq(&first, &list.of(&cache.get(dir.path()).unwrap())), "unchanged: not read again");
        // A user added (as the Management API or an editor would): the next request lists them.
        write(&dir.path().join("users/c.json"), r#"{"user_id": "auth0|c"}"#);
        assert_eq!(ids(&list.of(&cache.get(dir.path()).unwrap())), ["auth0|b", "auth0|a", "auth0|c"]);
        // A user's name changed in place, then a user removed.
        write(&dir.path().join("users/a.json"), r#"{"user_id": "auth0|a", "name": "Abe"}"#);
        assert_eq!(ids(&list.of(&cache.get(dir.path()).unwrap())), ["auth0|a", "auth0|b", "auth0|c"]);
        std::fs::remove_file(dir.path().join("users/b.json")).unwrap();
        assert_eq!(ids(&list.of(&cache.get(dir.path()).unwrap())), ["auth0|a", "auth0|c"]);
    }
}
