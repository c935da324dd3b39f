//! The Deploy CLI directory format: `clients/*.json`, `rules/*.json` (+ scripts),
//! `rules-configs/*.json`, `actions/*.json` (+ code), `triggers/triggers.json`,
//! `grants/*.json`, `organizations/*.json`.
//!
//! Every folder is optional. Files are read in name order; hidden files (a leading `.`, such as
//! the temporary files of atomic writes) and files of other types are ignored. A `rules/*.js`
//! without a `.json` of its own is not configured in the tenant and is ignored, as the Deploy CLI
//! does. Action `code` is relative to the tenant root (`./actions/<Name>/code.js`); a path
//! relative to `actions/` is accepted too. Rule `script` is relative to `rules/`. Either must
//! stay inside the tenant folder (`..` and symbolic links resolved), or the load fails naming
//! the file and the field.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::assemble::Parts;
use super::origin::{Origin, Syntax};
use super::{parse, Keywords, TenantError};

pub(crate) fn load(root: &Path, keywords: &Keywords) -> Result<Parts, TenantError> {
    let mut parts = Parts::default();
    for file in json_files(&root.join("clients"))? {
        let (text, value) = read_json(&file, keywords)?;
        parts.clients.push(parse::client(&value, origin(&file, &text))?);
    }
    let rules_dir = root.join("rules");
    for file in json_files(&rules_dir)? {
        let (text, value) = read_json(&file, keywords)?;
        let rule = parse::rule(&value, origin(&file, &text), &rules_dir, root, keywords)?;
        parts.rules.push(rule);
    }
    for file in json_files(&root.join("rules-configs"))? {
        let (text, value) = read_json(&file, keywords)?;
        parts.configs.push(parse::rules_config(&value, origin(&file, &text))?);
    }
    let bases = [root.to_path_buf(), root.join("actions")];
    for file in json_files(&root.join("actions"))? {
        let (text, value) = read_json(&file, keywords)?;
        let action = parse::action(&value, origin(&file, &text), &bases, root, keywords)?;
        parts.actions.push(action);
    }
    for file in json_files(&root.join("grants"))? {
        let (text, value) = read_json(&file, keywords)?;
        parts.grants.push(super::grants::parse(&value, origin(&file, &text))?);
    }
    for file in json_files(&root.join("organizations"))? {
        let (text, value) = read_json(&file, keywords)?;
        parts.organizations.push(parse::organization(&value, origin(&file, &text))?);
    }
    let triggers = root.join("triggers").join("triggers.json");
    if triggers.is_file() {
        let (text, value) = read_json(&triggers, keywords)?;
        parts.triggers = parse::triggers(&value, origin(&triggers, &text))?;
    }
    Ok(parts)
}

fn origin<'a>(file: &'a Path, text: &'a str) -> Origin<'a> {
    Origin::new(file, text, Syntax::Json)
}

/// The visible `*.json` files of `dir`, sorted by name; none when `dir` does not exist.
pub(crate) fn json_files(dir: &Path) -> Result<Vec<PathBuf>, TenantError> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| TenantError::io(dir, "list folder", &e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| TenantError::io(dir, "list folder", &e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        if !name.starts_with('.') && name.ends_with(".json") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// A JSON file's text with keywords applied, and its parsed value.
pub(crate) fn read_json(file: &Path, keywords: &Keywords) -> Result<(String, Value), TenantError> {
    let text = crate::files::read_text(file).map_err(|e| TenantError::read(&e))?;
    let text = keywords.apply_file(file, &text);
    let value = serde_json::from_str(&text).map_err(|e| TenantError::json(file, &text, &e))?;
    Ok((text, value))
}

#[cfg(test)]
mod tests {
    use crate::tenant::testutil::{sample_directory, Tree};
    use crate::tenant::TenantError;

    /// The sample tenant with `rel` (under `dir/`) replaced by `text`; returns the load error.
    fn broken(rel: &str, text: &str) -> (Tree, TenantError) {
        let tree = Tree::new();
        sample_directory(&tree);
        tree.write(&format!("dir/{rel}"), text);
        let err = tree.load_err("dir");
        (tree, err)
    }

    fn assert_at(tree: &Tree, err: &TenantError, rel: &str, line: usize, message: &str) {
        assert_eq!(err.file, tree.join(&format!("dir/{rel}")), "{err}");
        assert_eq!(err.line, Some(line), "{err}");
        assert_eq!(err.message, message, "{err}");
    }

    #[test]
    fn json_syntax_error_has_line_and_column() {
        let (tree, err) = broken("clients/Tools.json", "{\n  \"name\": \"Tools\",\n  \"x\": tru\n}\n");
        assert_at(&tree, &err, "clients/Tools.json", 3, "invalid JSON: expected ident");
        assert_eq!(err.column, Some(11));
        let shown = format!("{}:3:11: invalid JSON: expected ident", tree.join("dir/clients/Tools.json").display());
        assert_eq!(err.to_string(), shown);
    }

    #[test]
    fn missing_required_fields() {
        let (tree, err) = broken("clients/Tools.json", "{\n  \"app_type\": \"spa\"\n}\n");
        assert_at(&tree, &err, "clients/Tools.json", 1, "client is missing required field \"name\"");
        let (tree, err) = broken("rules/late.json", r#"{"name": "late"}"#);
        assert_at(&tree, &err, "rules/late.json", 1, "rule is missing required field \"script\"");
        let (tree, err) = broken("actions/tag.json", "{\"name\": \"tag\",\n\"code\": \"./actions/tag/code.js\"}");
        let msg = "action is missing required field \"supported_triggers\"";
        assert_at(&tree, &err, "actions/tag.json", 1, msg);
        let (tree, err) = broken("rules-configs/NAMESPACE.json", r#"{"key": "NAMESPACE"}"#);
        assert_at(&tree, &err, "rules-configs/NAMESPACE.json", 1, "rules config is missing required field \"value\"");
    }

    #[test]
    fn wrong_field_types() {
        let rule = "{\n  \"name\": \"late\",\n  \"enabled\": \"yes\",\n  \"script\": \"./late.js\"\n}";
        let (tree, err) = broken("rules/late.json", rule);
        let msg = "rule field \"enabled\" must be a boolean, found a string (\"yes\")";
        assert_at(&tree, &err, "rules/late.json", 3, msg);
        let rule = "{\n  \"name\": \"late\",\n  \"script\": \"./late.js\",\n  \"order\": 1.5\n}";
        let (tree, err) = broken("rules/late.json", rule);
        let msg = "rule field \"order\" must be an integer or null, found a number (1.5)";
        assert_at(&tree, &err, "rules/late.json", 4, msg);
        let (tree, err) = broken("clients/Tools.json", "{\n  \"name\": [\"Tools\"]\n}");
        assert_at(&tree, &err, "clients/Tools.json", 2, "client field \"name\" must be a string, found an array");
        let (tree, err) = broken("clients/Tools.json", "[1]");
        assert_at(&tree, &err, "clients/Tools.json", 1, "client must be an object, found an array");
        let trig = "{\n  \"post-login\": {\"action_name\": \"tag\"}\n}";
        let (tree, err) = broken("triggers/triggers.json", trig);
        let msg = "trigger \"post-login\" must be an array of bindings, found an object";
        assert_at(&tree, &err, "triggers/triggers.json", 2, msg);
        let (tree, err) = broken("rules/late.json", r#"{"name": "late", "stage": "login", "script": "./late.js"}"#);
        let msg = "rule field \"stage\" must be one of login_success, login_failure, pre_authorize, found \"login\"";
        assert_at(&tree, &err, "rules/late.json", 1, msg);
    }

    #[test]
    fn long_strings_are_not_quoted_in_type_errors() {
        // A wrong-typed string is shown up to 40 characters; a longer one only by its kind.
        let forty = "y".repeat(40);
        let rule = format!("{{\n  \"name\": \"late\",\n  \"enabled\": \"{forty}\",\n  \"script\": \"./late.js\"\n}}");
        let (tree, err) = broken("rules/late.json", &rule);
        let msg = format!("rule field \"enabled\" must be a boolean, found a string (\"{forty}\")");
        assert_at(&tree, &err, "rules/late.json", 3, &msg);
        let rule = rule.replace(&forty, &format!("{forty}y"));
        let (tree, err) = broken("rules/late.json", &rule);
        assert_at(&tree, &err, "rules/late.json", 3, "rule field \"enabled\" must be a boolean, found a string");
    }

    #[test]
    fn rule_order_written_as_a_whole_float() {
        // JSON has one number type: `3.0` is the integer 3, as JavaScript reads it; beyond
        // Number.MAX_SAFE_INTEGER (2^53 - 1) a float no longer names one integer.
        let order = |order: &str| {
            let tree = Tree::new();
            sample_directory(&tree);
            let text = format!("{{\"name\": \"late\", \"order\": {order}, \"script\": \"./late.js\"}}");
            tree.write("dir/rules/late.json", &text);
            tree.load("dir").map(|t| t.rule("late").expect("rule").order)
        };
        assert_eq!(order("3.0").unwrap(), Some(3));
        assert_eq!(order("-3.0").unwrap(), Some(-3));
        assert_eq!(order("9007199254740991.0").unwrap(), Some(9_007_199_254_740_991));
        let err = order("9007199254740992.0").unwrap_err();
        assert_eq!(err.message, "rule field \"order\" must be an integer or null, found a number (9007199254740992.0)");
    }

    #[test]
    fn script_that_cannot_be_resolved() {
        // A symbolic link to itself: the path exists but never resolves, so the error is the
        // system's, not "does not exist".
        let tree = Tree::new();
        sample_directory(&tree);
        std::os::unix::fs::symlink("loop.js", tree.join("dir/rules/loop.js")).unwrap();
        tree.write("dir/rules/late.json", r#"{"name": "late", "script": "./loop.js"}"#);
        let err = tree.load_err("dir");
        assert_eq!(err.file, tree.join("dir/rules/loop.js"), "{err}");
        let eloop = std::io::Error::from_raw_os_error(libc::ELOOP);
        assert_eq!(err.message, format!("cannot read script: {eloop}"), "{err}");
    }

    #[test]
    fn script_linked_from_outside_the_tenant() {
        let tree = Tree::new();
        sample_directory(&tree);
        tree.write("elsewhere.js", "function (u, c, cb) { cb(); }\n");
        std::os::unix::fs::symlink(tree.join("elsewhere.js"), tree.join("dir/rules/leak.js")).unwrap();
        tree.write("dir/rules/late.json", "{\n  \"name\": \"late\",\n  \"script\": \"./leak.js\"\n}");
        let err = tree.load_err("dir");
        let real = std::fs::canonicalize(tree.join("elsewhere.js")).unwrap();
        let msg = format!(
            "rule script \"./leak.js\" is outside the tenant folder {} (it resolves to {}); a tenant's scripts must be inside its folder",
            tree.join("dir").display(),
            real.display()
        );
        assert_at(&tree, &err, "rules/late.json", 3, &msg);
    }

    #[test]
    fn client_metadata_violation_points_at_client_metadata() {
        let text = "{\n  \"name\": \"Tools\",\n  \"client_metadata\": {\n    \"a.b\": \"x\"\n  }\n}\n";
        let (tree, err) = broken("clients/Tools.json", text);
        let msg = "client_metadata key \"a.b\" contains '.', which Auth0 does not allow (allowed: letters, digits, space, tab and :,-+=_*?\"/\\()<>@)";
        assert_at(&tree, &err, "clients/Tools.json", 3, msg);
        let text = "{\n  \"name\": \"Tools\",\n  \"client_metadata\": {\"n\": 1}\n}\n";
        let (tree, err) = broken("clients/Tools.json", text);
        let msg = "client_metadata value of \"n\" must be a string, found number";
        assert_at(&tree, &err, "clients/Tools.json", 3, msg);
    }

    #[test]
    fn duplicates_name_both_files() {
        let (tree, err) = broken("clients/Z.json", "{\n  \"name\": \"Portal\"\n}");
        let first = tree.join("dir/clients/Portal.json");
        let msg = format!("duplicate client name \"Portal\": also defined at {}:2", first.display());
        assert_at(&tree, &err, "clients/Z.json", 2, &msg);

        let (tree, err) = broken("rules/zz.json", r#"{"name": "first", "script": "./first.js"}"#);
        let msg =
            format!("duplicate rule name \"first\": also defined at {}:1", tree.join("dir/rules/first.json").display());
        assert_at(&tree, &err, "rules/zz.json", 1, &msg);

        let text = r#"{"name": "gate", "code": "./actions/gate/code.js", "supported_triggers": []}"#;
        let (tree, err) = broken("actions/zz.json", text);
        let first = tree.join("dir/actions/gate.json");
        let msg = format!("duplicate action name \"gate\": also defined at {}:2", first.display());
        assert_at(&tree, &err, "actions/zz.json", 1, &msg);
    }

    #[test]
    fn rule_order_clash_names_both_rules_and_files() {
        let text = "{\n  \"name\": \"third\",\n  \"order\": 2,\n  \"script\": \"./late.js\"\n}";
        let (tree, err) = broken("rules/third.json", text);
        let msg = format!(
            "rules \"second\" ({}:1) and \"third\" ({}:3) both have order 2; rule orders must be distinct",
            tree.join("dir/rules/second.json").display(),
            tree.join("dir/rules/third.json").display()
        );
        assert_at(&tree, &err, "rules/third.json", 3, &msg);
    }

    #[test]
    fn missing_scripts() {
        let text = "{\n  \"name\": \"late\",\n  \"script\": \"./gone.js\"\n}";
        let (tree, err) = broken("rules/late.json", text);
        let msg = format!(
            "rule script \"./gone.js\" does not exist (looked for {})",
            tree.join("dir/rules/gone.js").display()
        );
        assert_at(&tree, &err, "rules/late.json", 3, &msg);

        let text = "{\n  \"name\": \"tag\",\n  \"code\": \"./actions/nope.js\",\n  \"supported_triggers\": []\n}";
        let (tree, err) = broken("actions/tag.json", text);
        let msg = format!(
            "action code file \"./actions/nope.js\" does not exist (looked for {}, {})",
            tree.join("dir/actions/nope.js").display(),
            tree.join("dir/actions/actions/nope.js").display()
        );
        assert_at(&tree, &err, "actions/tag.json", 3, &msg);
    }

    #[test]
    fn action_code_relative_to_actions_folder() {
        let tree = Tree::new();
        sample_directory(&tree);
        let text =
            r#"{"name": "tag", "code": "tag/code.js", "supported_triggers": [{"id": "post-login", "version": "v3"}]}"#;
        tree.write("dir/actions/tag.json", text);
        let t = tree.load("dir").unwrap();
        assert_eq!(t.action("tag").unwrap().code_path, tree.join("dir/actions/tag/code.js"));
    }

    #[test]
    fn unknown_triggers() {
        let text = "{\n  \"post-login\": [],\n  \"post_login\": []\n}";
        let (tree, err) = broken("triggers/triggers.json", text);
        assert_at(&tree, &err, "triggers/triggers.json", 3, &unknown("post_login"));

        let text = "{\n  \"name\": \"tag\",\n  \"code\": \"./actions/tag/code.js\",\n  \"supported_triggers\": [\n    {\"id\": \"post-login\", \"version\": \"v3\"},\n    {\"id\": \"pre-login\", \"version\": \"v1\"}\n  ]\n}";
        let (tree, err) = broken("actions/tag.json", text);
        assert_at(&tree, &err, "actions/tag.json", 6, &unknown("pre-login"));
    }

    fn unknown(id: &str) -> String {
        format!(
            "unknown trigger id {id:?}; known: post-login, credentials-exchange, pre-user-registration, \
             post-user-registration, post-change-password, send-phone-message, \
             password-reset-post-challenge, custom-token-exchange, event-stream, \
             custom-email-provider, custom-phone-provider"
        )
    }

    #[test]
    fn binding_to_missing_action() {
        let text = "{\n  \"credentials-exchange\": [],\n  \"post-login\": [\n    {\"action_name\": \"tag\"},\n    {\"action_name\": \"ghost\", \"display_name\": \"g\"}\n  ]\n}";
        let (tree, err) = broken("triggers/triggers.json", text);
        let msg = "trigger \"post-login\" binds action \"ghost\", which does not exist (actions: gate, tag)";
        assert_at(&tree, &err, "triggers/triggers.json", 5, msg);
    }

    #[test]
    fn rules_config_key_pattern() {
        let (tree, err) = broken("rules-configs/X.json", "{\n  \"key\": \"A.B\",\n  \"value\": \"v\"\n}");
        let msg = "rules config key \"A.B\" contains '.'; keys match ^[A-Za-z0-9_-]*$";
        assert_at(&tree, &err, "rules-configs/X.json", 2, msg);
    }

    #[test]
    fn hidden_and_unconfigured_files_ignored() {
        let tree = Tree::new();
        sample_directory(&tree);
        tree.write("dir/clients/.Portal.json.123.tmp", "{ half a file")
            .write("dir/clients/.hidden.json", "{ broken")
            .write("dir/clients/Portal_custom_login_page.html", "<html>")
            .write("dir/rules/orphan.js", "function (u, c, cb) { cb(); }")
            .write("dir/actions/.draft.json", "{")
            .write("dir/triggers/.triggers.json.9.tmp", "{");
        let t = tree.load("dir").unwrap();
        assert_eq!(t.clients.len(), 2);
        assert!(t.rule("orphan").is_err());
        assert_eq!(t.rules.len(), 3);
    }
}
