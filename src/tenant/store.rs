//! Application metadata changes written back to a directory-format tenant: the Dashboard's
//! Application Metadata tab as a function, with Management API PATCH semantics.
//!
//! Under an exclusive lock on `<tenant>/.actionhost/metadata.lock`, the client file is read
//! fresh from disk, patched, validated and replaced atomically through [`crate::files`] (an
//! exclusively created temp file of unpredictable name in the same folder, fsync, rename, fsync
//! of the folder; never through a symbolic link, never outside the tenant), so concurrent
//! writers never lose an update and a reader never sees half a file. A rejected change leaves
//! the file untouched.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::client_metadata::{self, ClientMetadata};
use super::directory::{json_files, read_json};
use super::keywords::has_placeholder;
use super::model::yaml_file;
use super::origin::{Origin, Syntax};
use super::{Keywords, TenantError};
use crate::files::{self, Mode};

/// A change to an application's metadata.
#[derive(Debug, Clone, PartialEq)]
pub enum MetadataChange {
    /// Set keys to string values (a PATCH with strings).
    Set(Vec<(String, String)>),
    /// Delete keys (a PATCH with `null`s); absent keys are ignored.
    Unset(Vec<String>),
    /// A raw Management API `client_metadata` PATCH body: shallow merge, `null` deletes.
    Patch(Map<String, Value>),
}

impl MetadataChange {
    fn into_patch(self) -> Map<String, Value> {
        match self {
            MetadataChange::Set(pairs) => pairs.into_iter().map(|(k, v)| (k, Value::String(v))).collect(),
            MetadataChange::Unset(keys) => keys.into_iter().map(|k| (k, Value::Null)).collect(),
            MetadataChange::Patch(patch) => patch,
        }
    }
}

/// Applies the change to the application's client file and returns the new metadata.
///
/// `client` is an application name, else a client_id. Only the directory format is writable,
/// and a client file using keyword placeholders is refused (writing it back would replace them).
pub fn update_client_metadata(
    tenant_dir: &Path,
    client: &str,
    change: MetadataChange,
    keywords: &Keywords,
) -> Result<ClientMetadata, TenantError> {
    if let Some(yaml) = yaml_file(tenant_dir) {
        return Err(TenantError::new(
            yaml,
            "metadata changes need the Deploy CLI directory format (clients/*.json); \
             this tenant is a YAML file: edit the client's client_metadata there by hand",
        ));
    }
    let clients = tenant_dir.join("clients");
    if !clients.is_dir() {
        return Err(TenantError::new(tenant_dir, "no clients folder: not a directory-format tenant with applications"));
    }
    let _lock = lock(tenant_dir, "metadata.lock")?;
    let file = find_client_file(&clients, client, keywords)?;
    let text = files::read_text(&file).map_err(|e| TenantError::read(&e))?;
    let origin = Origin::new(&file, &text, Syntax::Json);
    if has_placeholder(&text) {
        return Err(origin.error(
            None,
            "this client file uses keyword replacement (##KEY## / @@KEY@@ placeholders); writing \
             metadata back would replace the placeholders with their values, so edit it by hand",
        ));
    }
    let mut value: Value = serde_json::from_str(&text).map_err(|e| TenantError::json(&file, &text, &e))?;
    let Value::Object(object) = &mut value else {
        return Err(origin.error(None, "a client file must hold a JSON object"));
    };
    let had_metadata = object.get("client_metadata").is_some_and(|v| !v.is_null());
    let current = match object.get("client_metadata") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(meta)) => meta.clone(),
        Some(other) => {
            let err = client_metadata::from_json(other).err().map(|e| e.to_string());
            let msg = err.unwrap_or_else(|| "client_metadata must be an object".into());
            return Err(origin.error(Some("client_metadata"), msg));
        }
    };
    let next = client_metadata::apply_patch(&current, &change.into_patch()).map_err(|e| {
        let line = origin.key_line("client_metadata");
        TenantError::at(&file, line, format!("change rejected, nothing written: {e}"))
    })?;
    if next == current && (had_metadata || next.is_empty()) {
        return Ok(next); // nothing changes: leave the file as it is
    }
    object.insert("client_metadata".into(), Value::Object(next.clone()));
    let mut out =
        serde_json::to_string_pretty(&value).map_err(|e| TenantError::new(&file, format!("cannot serialize: {e}")))?;
    out.push('\n');
    files::write_inside(tenant_dir, &file, out.as_bytes(), Mode::default()).map_err(|e| TenantError::write(&e))?;
    Ok(next)
}

/// Holds `<tenant>/.actionhost/<name>` exclusively until dropped. The lock file is never
/// opened through a symbolic link (`O_NOFOLLOW`), nor `.actionhost` itself.
pub(crate) fn lock(tenant_dir: &Path, name: &str) -> Result<File, TenantError> {
    let path = tenant_dir.join(".actionhost").join(name);
    files::check_inside(tenant_dir, &path, true).map_err(|e| TenantError::write(&e))?;
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    let file = options.open(&path).map_err(|e| TenantError::io(&path, "open lock file", &e))?;
    file.lock().map_err(|e| TenantError::io(&path, "lock", &e))?;
    Ok(file)
}

/// The client file whose application has this exact name, else this client_id.
fn find_client_file(clients: &Path, wanted: &str, keywords: &Keywords) -> Result<PathBuf, TenantError> {
    let mut by_name: Option<PathBuf> = None;
    let mut by_id: Option<PathBuf> = None;
    let mut names = Vec::new();
    for file in json_files(clients)? {
        let (_, value) = read_json(&file, keywords)?;
        let name = value.get("name").and_then(Value::as_str).unwrap_or_default();
        if name == wanted {
            if let Some(first) = &by_name {
                let msg = format!("duplicate client name {wanted:?}: also defined in {}", first.display());
                return Err(TenantError::new(&file, msg));
            }
            by_name = Some(file.clone());
        } else if by_id.is_none() && value.get("client_id").and_then(Value::as_str) == Some(wanted) {
            by_id = Some(file.clone());
        }
        names.push(name.to_owned());
    }
    by_name.or(by_id).ok_or_else(|| {
        let known = if names.is_empty() { "none".into() } else { names.join(", ") };
        let msg = format!("no application with name or client_id {wanted:?} (known: {known})");
        TenantError::new(clients, msg)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::testutil::{sample_directory, sample_yaml, Tree};
    use serde_json::json;
    use std::fs;

    const PORTAL: &str = "dir/clients/Portal.json";

    fn update(tree: &Tree, client: &str, change: MetadataChange) -> Result<ClientMetadata, TenantError> {
        update_client_metadata(&tree.join("dir"), client, change, &Keywords::default())
    }

    fn set(pairs: &[(&str, &str)]) -> MetadataChange {
        MetadataChange::Set(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    fn patch(v: Value) -> MetadataChange {
        MetadataChange::Patch(v.as_object().cloned().unwrap_or_default())
    }

    fn meta(v: Value) -> ClientMetadata {
        v.as_object().cloned().unwrap_or_default()
    }

    fn tenant() -> Tree {
        let tree = Tree::new();
        sample_directory(&tree);
        tree
    }

    /// No hidden temp file is left in the clients folder.
    fn assert_no_temp_files(tree: &Tree) {
        let hidden: Vec<String> = fs::read_dir(tree.join("dir/clients"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(hidden.is_empty(), "{hidden:?}");
    }

    /// A symbolic link planted under the name the writer once gave its temporary file
    /// (`.<name>.<pid>.tmp`) is neither followed nor written through.
    #[test]
    fn a_link_planted_under_the_old_temporary_name_is_not_followed() {
        use std::os::unix::fs::PermissionsExt;
        let tree = tenant();
        let outside = tree.join("victim.txt");
        fs::write(&outside, "secret\n").unwrap();
        fs::set_permissions(&outside, fs::Permissions::from_mode(0o600)).unwrap();
        let planted = tree.join(&format!("dir/clients/.Portal.json.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&outside, &planted).unwrap();
        let m = update(&tree, "Portal", set(&[("PLANTED", "no")])).unwrap();
        assert_eq!(m["PLANTED"], "no");
        assert_eq!(fs::read_to_string(&outside).unwrap(), "secret\n");
        assert_eq!(fs::metadata(&outside).unwrap().permissions().mode() & 0o7777, 0o600);
        assert!(fs::symlink_metadata(tree.join(PORTAL)).unwrap().is_file());
        let saved: Value = serde_json::from_str(&tree.read(PORTAL)).unwrap();
        assert_eq!(saved["client_metadata"]["PLANTED"], "no");
    }

    #[test]
    fn set_unset_patch_merge() {
        let tree = tenant();
        let m = update(&tree, "Portal", set(&[("TIER", "silver"), ("REGION", "eu")])).unwrap();
        assert_eq!(m, meta(json!({"TIER": "silver", "SUPPORT": "https://help", "REGION": "eu"})));
        let m = update(&tree, "Portal", MetadataChange::Unset(vec!["SUPPORT".into(), "ABSENT".into()])).unwrap();
        assert_eq!(m, meta(json!({"TIER": "silver", "REGION": "eu"})));
        let m = update(&tree, "portal-id", patch(json!({"TIER": null, "NEW": "1", "REGION": "us"}))).unwrap();
        assert_eq!(m, meta(json!({"REGION": "us", "NEW": "1"})));
        let loaded = tree.load("dir").unwrap();
        assert_eq!(loaded.client("Portal").unwrap().client_metadata, Some(m));
        assert_no_temp_files(&tree);
    }

    #[test]
    fn other_fields_and_key_order_kept() {
        let tree = tenant();
        update(&tree, "Portal", set(&[("A", "1")])).unwrap();
        let expected = r#"{
  "name": "Portal",
  "client_id": "portal-id",
  "app_type": "spa",
  "callbacks": [
    "https://portal.example.com/cb"
  ],
  "client_metadata": {
    "TIER": "gold",
    "SUPPORT": "https://help",
    "A": "1"
  }
}
"#;
        assert_eq!(tree.read(PORTAL), expected);
        assert_no_temp_files(&tree);
    }

    #[test]
    fn metadata_appended_when_absent() {
        let tree = tenant();
        let m = update(&tree, "Tools", set(&[("OWNER", "it")])).unwrap();
        assert_eq!(m, meta(json!({"OWNER": "it"})));
        let expected = "{\n  \"name\": \"Tools\",\n  \"oidc_conformant\": true,\n  \"client_metadata\": {\n    \"OWNER\": \"it\"\n  }\n}\n";
        assert_eq!(tree.read("dir/clients/Tools.json"), expected);
        // Removing nothing from an application without metadata writes nothing: the file keeps
        // its compact form (any write pretty-prints it) and no temporary file is left.
        tree.write("dir/clients/Tools.json", "{\"name\": \"Tools\"}");
        assert_eq!(update(&tree, "Tools", MetadataChange::Unset(vec!["X".into()])).unwrap(), Map::new());
        assert_eq!(tree.read("dir/clients/Tools.json"), "{\"name\": \"Tools\"}");
        assert_no_temp_files(&tree);
    }

    #[test]
    fn a_change_to_the_values_already_there_writes_nothing() {
        let tree = tenant();
        let compact = "{\"name\": \"Tools\", \"client_metadata\": {\"OWNER\": \"it\"}}";
        tree.write("dir/clients/Tools.json", compact);
        assert_eq!(update(&tree, "Tools", set(&[("OWNER", "it")])).unwrap(), meta(json!({"OWNER": "it"})));
        assert_eq!(update(&tree, "Tools", patch(json!({"OWNER": "it", "ABSENT": null}))).unwrap().len(), 1);
        assert_eq!(tree.read("dir/clients/Tools.json"), compact);
        // Nor does removing nothing from metadata that is `null`.
        tree.write("dir/clients/Tools.json", "{\"name\": \"Tools\", \"client_metadata\": null}");
        update(&tree, "Tools", MetadataChange::Unset(vec!["X".into()])).unwrap();
        assert_eq!(tree.read("dir/clients/Tools.json"), "{\"name\": \"Tools\", \"client_metadata\": null}");
        assert_no_temp_files(&tree);
    }

    /// `change` must be rejected with `message`, leaving the file byte-for-byte unchanged.
    fn rejected(tree: &Tree, change: MetadataChange, message: &str) {
        let before = tree.read(PORTAL);
        let err = update(tree, "Portal", change).unwrap_err();
        assert_eq!(err.file, tree.join(PORTAL));
        let line = before.lines().position(|l| l.contains("\"client_metadata\"")).map(|i| i + 1);
        assert_eq!(err.line, line, "{err}");
        assert!(line.is_some());
        assert_eq!(err.message, format!("change rejected, nothing written: {message}"));
        assert_eq!(tree.read(PORTAL), before);
        assert_no_temp_files(tree);
    }

    #[test]
    fn limits_enforced_on_the_result() {
        let tree = tenant();
        let eight: Vec<(String, String)> = (0..8).map(|i| (format!("k{i}"), "v".into())).collect();
        let m = update(&tree, "Portal", MetadataChange::Set(eight)).unwrap();
        assert_eq!(m.len(), 10);
        rejected(&tree, set(&[("k8", "v")]), "client_metadata has 11 keys; Auth0 allows at most 10");
        // Swapping one key for another stays at 10.
        let m = update(&tree, "Portal", patch(json!({"k0": null, "k8": "v"}))).unwrap();
        assert_eq!(m.len(), 10);
        update(&tree, "Portal", MetadataChange::Unset(vec!["k1".into(), "k2".into()])).unwrap();

        let k255 = "k".repeat(255);
        let v255 = "v".repeat(255);
        let m = update(&tree, "Portal", set(&[(&k255, &v255)])).unwrap();
        assert_eq!(m[&k255], v255);
        let k256 = "k".repeat(256);
        let v256 = "v".repeat(256);
        let key_msg =
            format!("client_metadata key \"{}…\" is 256 characters long; Auth0 allows at most 255", "k".repeat(40));
        rejected(&tree, set(&[(&k256, "v")]), &key_msg);
        let value_msg = "client_metadata value of \"TIER\" is 256 characters long; Auth0 allows at most 255";
        rejected(&tree, set(&[("TIER", &v256)]), value_msg);
        rejected(
            &tree,
            set(&[("a.b", "v")]),
            r#"client_metadata key "a.b" contains '.', which Auth0 does not allow (allowed: letters, digits, space, tab and :,-+=_*?"/\()<>@)"#,
        );
        rejected(&tree, patch(json!({"TIER": 5})), "client_metadata value of \"TIER\" must be a string, found number");
        rejected(
            &tree,
            patch(json!({"TIER": {"a": "b"}})),
            "client_metadata value of \"TIER\" must be a string, found object",
        );
        rejected(&tree, set(&[("", "v")]), "client_metadata key \"\" is empty; Auth0 requires non-empty keys");
    }

    #[test]
    fn yaml_tenant_refused() {
        let tree = tenant();
        sample_yaml(&tree);
        let yaml = tree.join("yaml/tenant.yaml");
        let before = tree.read("yaml/tenant.yaml");
        for path in [tree.join("yaml"), yaml.clone()] {
            let err = update_client_metadata(&path, "Portal", set(&[("A", "1")]), &Keywords::default()).unwrap_err();
            assert_eq!(err.file, yaml);
            assert!(err.message.starts_with("metadata changes need the Deploy CLI directory format"), "{err}");
        }
        assert_eq!(tree.read("yaml/tenant.yaml"), before);
    }

    #[test]
    fn placeholder_file_refused() {
        let tree = tenant();
        let text = "{\n  \"name\": \"Portal\",\n  \"client_id\": \"##PORTAL_ID##\",\n  \"client_metadata\": {}\n}\n";
        tree.write(PORTAL, text);
        let k = Keywords::from(meta(json!({"PORTAL_ID": "abc"})));
        for who in ["Portal", "abc"] {
            let err = update_client_metadata(&tree.join("dir"), who, set(&[("A", "1")]), &k).unwrap_err();
            assert_eq!(err.file, tree.join(PORTAL));
            assert!(err.message.starts_with("this client file uses keyword replacement"), "{err}");
        }
        assert_eq!(tree.read(PORTAL), text);
    }

    #[test]
    fn unknown_client_and_missing_folder() {
        let tree = tenant();
        let err = update(&tree, "Nope", set(&[("A", "1")])).unwrap_err();
        assert_eq!(err.file, tree.join("dir/clients"));
        assert_eq!(err.message, "no application with name or client_id \"Nope\" (known: Portal, Tools)");
        let empty = Tree::new();
        let err = update_client_metadata(empty.path(), "A", set(&[]), &Keywords::default()).unwrap_err();
        assert!(err.message.starts_with("no clients folder"), "{err}");
    }

    #[test]
    fn concurrent_writers_lose_no_update() {
        let tree = tenant();
        let dir = tree.join("dir");
        let writer = |key: &'static str| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    let change = if i % 2 == 1 {
                        MetadataChange::Set(vec![(key.to_owned(), i.to_string())])
                    } else {
                        MetadataChange::Unset(vec![key.to_owned()])
                    };
                    let m = update_client_metadata(&dir, "Portal", change, &Keywords::default()).unwrap();
                    assert_eq!(m.get(key).and_then(Value::as_str), (i % 2 == 1).then(|| i.to_string()).as_deref());
                }
            })
        };
        let (a, b) = (writer("A"), writer("B"));
        a.join().unwrap();
        b.join().unwrap();
        let t = tree.load("dir").unwrap();
        let portal = t.client("Portal").unwrap();
        let expected = meta(json!({"TIER": "gold", "SUPPORT": "https://help"}));
        let m = portal.client_metadata.clone().unwrap();
        assert_eq!(m["A"], "49");
        assert_eq!(m["B"], "49");
        assert_eq!(m.len(), 4);
        assert!(expected.iter().all(|(k, v)| m.get(k) == Some(v)));
        assert_eq!(portal.raw["callbacks"], json!(["https://portal.example.com/cb"]));
        assert_no_temp_files(&tree);
        assert!(tree.join("dir/.actionhost/metadata.lock").is_file());
    }
}
