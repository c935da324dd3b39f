//! The users a login is simulated for. A tenant's `users/` folder holds one JSON file per user,
//! named after the user id (`auth0|65a5…` → `users/auth0_65a5….json`, see [`file_name`]), each
//! the user as Auth0's Management API returns it (`user_id`, `email`, `email_verified`,
//! `identities`, `app_metadata`, `user_metadata`, …) plus, optionally, `authorization.roles`:
//! the user's roles, which are not part of an Auth0 profile but reach `context.authorization` /
//! `event.authorization`. `--persist` writes a login's metadata changes back to the file; only a
//! file of the tenant's `users/` folder (no symbolic link on the way) holding the login's user is
//! written.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::metadata::MetadataPatch;
use crate::files::{self, Mode};
use crate::json::json_type;
use crate::request::RequestError;
use crate::tenant::store::lock;
use crate::tenant::TenantError;

/// A user file read for a login.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub file: PathBuf,
    /// The user object, without `authorization`.
    pub profile: Value,
    /// `authorization.roles` of the file, `[]` when absent.
    pub roles: Value,
}

/// The file name of a user in `users/`: the id with every character other than ASCII letters,
/// digits, `.`, `-` and `_` replaced by `_`, then `.json`.
pub fn file_name(user_id: &str) -> String {
    let safe: String = user_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    format!("{safe}.json")
}

/// The file of `user_id` in the tenant's `users/` folder: its sanitized name, else any file
/// there whose `user_id` matches.
pub fn find(tenant_root: &Path, user_id: &str) -> Result<PathBuf, RequestError> {
    let dir = tenant_root.join("users");
    let direct = dir.join(file_name(user_id));
    if direct.is_file() {
        return Ok(direct);
    }
    let mut known = Vec::new();
    for (file, user) in stored(tenant_root) {
        match user["user_id"].as_str() {
            Some(id) if id == user_id => return Ok(file),
            Some(id) => known.push(id.to_owned()),
            None => {}
        }
    }
    let known = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
    Err(RequestError::new(
        "user_id",
        format!("no user {user_id:?} in {} (expected {}; known: {known})", dir.display(), direct.display()),
    ))
}

/// The tenant's user files (`users/*.json`), in name order.
pub fn user_files(tenant_root: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(tenant_root.join("users"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
}

/// The tenant's user files in name order, each read when the iteration reaches it, with its
/// JSON (`null` when it cannot be read or parsed).
pub fn stored(tenant_root: &Path) -> impl Iterator<Item = (PathBuf, Value)> {
    user_files(tenant_root).into_iter().map(|path| {
        let user = files::read_text(&path).ok().and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default();
        (path, user)
    })
}

/// Reads a user file.
pub fn load(file: &Path) -> Result<UserRecord, RequestError> {
    let field = file.display().to_string();
    let text = files::read_text(file)
        .map_err(|e| RequestError::new(&field, format!("cannot read the user file: {}", e.reason)))?;
    let mut profile: Value =
        serde_json::from_str(&text).map_err(|e| RequestError::new(&field, format!("invalid JSON: {e}")))?;
    let Value::Object(fields) = &mut profile else {
        return Err(RequestError::new(
            &field,
            format!("a user file must hold a JSON object, found {}", json_type(&profile)),
        ));
    };
    match fields.get("user_id") {
        Some(Value::String(id)) if !id.is_empty() => {}
        Some(other) => {
            return Err(RequestError::new(
                format!("{field}: user_id"),
                format!("must be a non-empty string, found {}", json_type(other)),
            ))
        }
        None => return Err(RequestError::new(&field, "the user has no user_id")),
    }
    for key in ["app_metadata", "user_metadata"] {
        if let Some(value) = fields.get(key).filter(|v| !v.is_object()) {
            return Err(RequestError::new(
                format!("{field}: {key}"),
                format!("must be an object, found {}", json_type(value)),
            ));
        }
    }
    let roles = match fields.shift_remove("authorization") {
        None => Value::Array(vec![]),
        Some(authorization) => match authorization.get("roles") {
            Some(Value::Array(roles)) if roles.iter().all(Value::is_string) => Value::Array(roles.clone()),
            None => Value::Array(vec![]),
            Some(_) => {
                return Err(RequestError::new(
                    format!("{field}: authorization.roles"),
                    "must be an array of role names",
                ))
            }
        },
    };
    Ok(UserRecord { file: file.to_owned(), profile, roles })
}

/// Gives a user both metadata objects, as an Action's event carries them: `app_metadata` and
/// `user_metadata`, empty where the user has none.
pub fn fill_metadata_objects(user: &mut Value) {
    if let Value::Object(fields) = user {
        for key in ["app_metadata", "user_metadata"] {
            if !fields.get(key).is_some_and(Value::is_object) {
                fields.insert(key.into(), json!({}));
            }
        }
    }
}

/// Refuses to write `file` unless it is a file of the tenant's `users/` folder, with no symbolic
/// link between the tenant folder and it.
pub fn check_writable(tenant_root: &Path, file: &Path) -> Result<(), TenantError> {
    let relative = files::check_inside(tenant_root, file, false).map_err(|e| TenantError::write(&e))?;
    if relative.parent() != Some(Path::new("users")) {
        let users = tenant_root.join("users");
        return Err(TenantError::new(
            file,
            format!(
                "cannot write: not a file of the tenant's users folder {}; --persist writes only the tenant's users",
                users.display()
            ),
        ));
    }
    Ok(())
}

/// Applies `patch` to the user file as it is on disk now, under the tenant's user lock, through
/// an atomic replace; every other field keeps its place. The file must be a file of the tenant's
/// `users/` folder ([`check_writable`]) holding `user_id`. Returns whether the file changed.
pub fn persist(tenant_root: &Path, file: &Path, user_id: &str, patch: &MetadataPatch) -> Result<bool, TenantError> {
    if patch.is_empty() {
        return Ok(false);
    }
    check_writable(tenant_root, file)?;
    let _lock = lock(tenant_root, "users.lock")?;
    let text = files::read_text(file).map_err(|e| TenantError::read(&e))?;
    let mut user: Value =
        serde_json::from_str(&text).map_err(|e| TenantError::new(file, format!("invalid JSON: {e}")))?;
    if !user.is_object() {
        return Err(TenantError::new(file, "a user file must hold a JSON object"));
    }
    if user["user_id"] != user_id {
        return Err(TenantError::new(
            file,
            format!("cannot write: it holds user {}, not the login's user {user_id:?}", user["user_id"]),
        ));
    }
    if !patch.apply_to(&mut user) {
        return Ok(false);
    }
    let mut out =
        serde_json::to_string_pretty(&user).map_err(|e| TenantError::new(file, format!("cannot serialize: {e}")))?;
    out.push('\n');
    files::write_inside(tenant_root, file, out.as_bytes(), Mode::default()).map_err(|e| TenantError::write(&e))?;
    Ok(true)
}

/// Writes a new user (a signup, a user a token exchange created) to the tenant's `users/`
/// folder as `users/<file_name(user_id)>`, under the tenant's user lock; refuses when that file,
/// or any file of the folder holding the same `user_id`, exists. Returns the file written.
pub fn create(tenant_root: &Path, user: &Value) -> Result<PathBuf, TenantError> {
    let users = tenant_root.join("users");
    let id = user["user_id"]
        .as_str()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| TenantError::new(&users, "cannot write a user without a user_id"))?;
    let file = users.join(file_name(id));
    let _lock = lock(tenant_root, "users.lock")?;
    if std::fs::symlink_metadata(&file).is_ok() {
        return Err(TenantError::new(&file, "cannot write the new user: the file exists already"));
    }
    if let Ok(existing) = find(tenant_root, id) {
        return Err(TenantError::new(&existing, format!("cannot write the new user: it holds {id:?} already")));
    }
    let mut out =
        serde_json::to_string_pretty(user).map_err(|e| TenantError::new(&file, format!("cannot serialize: {e}")))?;
    out.push('\n');
    files::write_inside(tenant_root, &file, out.as_bytes(), Mode::default()).map_err(|e| TenantError::write(&e))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::metadata::Field;
    use super::*;
    use crate::tenant::testutil::Tree;

    /// A user is found by its file name, else by the `user_id` a file of `users/` holds; an
    /// unknown id is refused naming the ids there are.
    #[test]
    fn users_are_found_by_file_name_then_by_user_id() {
        let tree = Tree::new();
        tree.write("users/auth0_1.json", r#"{"user_id": "auth0|1"}"#)
            .write("users/jane.json", r#"{"user_id": "auth0|jane"}"#)
            .write("users/bob.json", r#"{"user_id": "auth0|bob"}"#)
            .write("users/notes.txt", r#"{"user_id": "auth0|notes"}"#);
        assert_eq!(find(tree.path(), "auth0|1").unwrap(), tree.join("users/auth0_1.json"));
        assert_eq!(find(tree.path(), "auth0|jane").unwrap(), tree.join("users/jane.json"));
        let error = find(tree.path(), "auth0|nobody").unwrap_err();
        assert_eq!(error.field, "user_id");
        let expected = format!(
            "no user \"auth0|nobody\" in {} (expected {}; known: auth0|1, auth0|bob, auth0|jane)",
            tree.join("users").display(),
            tree.join("users/auth0_nobody.json").display()
        );
        assert_eq!(error.message, expected);
        let empty = Tree::new();
        assert!(find(empty.path(), "auth0|1").unwrap_err().message.ends_with("known: none)"));
    }

    #[test]
    fn a_user_file_is_checked_field_by_field() {
        let tree = Tree::new();
        let file = tree.join("users/u.json");
        let load_text = |text: &str| {
            tree.write("users/u.json", text);
            load(&file)
        };
        let shown = file.display().to_string();
        let user = load_text(r#"{"user_id": "auth0|1", "name": "J", "authorization": {"roles": ["admin"]}}"#).unwrap();
        assert_eq!(user.profile, json!({"user_id": "auth0|1", "name": "J"}));
        assert_eq!(user.roles, json!(["admin"]));
        assert_eq!(load_text(r#"{"user_id": "auth0|1"}"#).unwrap().roles, json!([]));
        for (text, field, message) in [
            (r#"{"user_id": ""}"#, format!("{shown}: user_id"), "must be a non-empty string, found string"),
            (r#"{"user_id": 7}"#, format!("{shown}: user_id"), "must be a non-empty string, found number"),
            (r#"{"name": "J"}"#, shown.clone(), "the user has no user_id"),
            (
                r#"{"user_id": "a", "app_metadata": []}"#,
                format!("{shown}: app_metadata"),
                "must be an object, found array",
            ),
            (
                r#"{"user_id": "a", "authorization": {"roles": [1]}}"#,
                format!("{shown}: authorization.roles"),
                "must be an array of role names",
            ),
        ] {
            let error = load_text(text).unwrap_err();
            assert_eq!((error.field.as_str(), error.message.as_str()), (field.as_str(), message), "{text}");
        }
    }

    #[test]
    fn only_files_of_the_users_folder_are_writable() {
        let tree = Tree::new();
        tree.write("users/u.json", "{}").write("users/old/u.json", "{}").write("clients/u.json", "{}");
        assert!(check_writable(tree.path(), &tree.join("users/u.json")).is_ok());
        for refused in ["users/old/u.json", "clients/u.json"] {
            let error = check_writable(tree.path(), &tree.join(refused)).unwrap_err();
            assert!(error.message.contains("not a file of the tenant's users folder"), "{refused}: {error}");
        }
    }

    /// A new user (a signup) is written as `users/<file_name(user_id)>`, once.
    #[test]
    fn new_users_are_written_once_under_their_file_name() {
        let tree = Tree::new();
        let user = json!({"user_id": "auth0|new", "email": "n@example.com"});
        let file = create(tree.path(), &user).unwrap();
        assert_eq!(file, tree.join("users/auth0_new.json"));
        assert_eq!(serde_json::from_str::<Value>(&tree.read("users/auth0_new.json")).unwrap(), user);
        let again = create(tree.path(), &user).unwrap_err();
        assert_eq!(again.message, "cannot write the new user: the file exists already");
        let nameless = create(tree.path(), &json!({"user_id": ""})).unwrap_err();
        assert_eq!(nameless.message, "cannot write a user without a user_id");
    }

    /// `--persist`: a login that changes nothing writes nothing (not even a lock file); a change to
    /// either metadata field alone is written.
    #[test]
    fn persist_writes_only_what_changes() {
        let tree = Tree::new();
        tree.write(
            "users/jane.json",
            "{\n  \"user_id\": \"auth0|jane\",\n  \"app_metadata\": {\"plan\": \"free\"}\n}\n",
        );
        let file = tree.join("users/jane.json");
        assert!(!persist(tree.path(), &file, "auth0|jane", &MetadataPatch::default()).unwrap());
        assert!(!tree.join(".actionhost").exists(), "an empty patch takes no lock");
        let read = || serde_json::from_str::<Value>(&tree.read("users/jane.json")).unwrap();

        let mut app = MetadataPatch::default();
        app.set(Field::App, "plan", json!("pro"));
        assert!(persist(tree.path(), &file, "auth0|jane", &app).unwrap());
        assert_eq!(read()["app_metadata"], json!({"plan": "pro"}));

        let mut user = MetadataPatch::default();
        user.set(Field::User, "lang", json!("fr"));
        assert!(persist(tree.path(), &file, "auth0|jane", &user).unwrap());
        assert_eq!(
            read(),
            json!({"user_id": "auth0|jane", "app_metadata": {"plan": "pro"}, "user_metadata": {"lang": "fr"}})
        );
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_name("auth0|65a5027f"), "auth0_65a5027f.json");
        assert_eq!(file_name("google-oauth2|1.2"), "google-oauth2_1.2.json");
        assert_eq!(file_name("../x"), ".._x.json");
    }
}
