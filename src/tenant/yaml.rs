//! The Deploy CLI YAML format: one `tenant.yaml` with `clients`, `rules`,
//! `rulesConfigs`, `actions`, `triggers`, `clientGrants` and `organizations` sections (each
//! optional; other sections ignored).
//! Rule `script` and action `code` paths are relative to the YAML file's folder, which is the
//! tenant folder: they must stay inside it (`..` and symbolic links resolved).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::assemble::Parts;
use super::origin::{Origin, Syntax};
use super::{parse, Keywords, TenantError};

pub(crate) fn load(file: &Path, keywords: &Keywords) -> Result<Parts, TenantError> {
    let text = crate::files::read_text(file).map_err(|e| TenantError::read(&e))?;
    let text = keywords.apply_file(file, &text);
    let doc: Value = serde_yaml_ng::from_str(&text).map_err(|e| TenantError::yaml(file, &e))?;
    let top = Origin::new(file, &text, Syntax::Yaml);
    let doc = match doc {
        Value::Null => serde_json::Map::new(),
        Value::Object(map) => map,
        _ => return Err(top.error(None, "tenant YAML must be a mapping of sections")),
    };
    let base = file.parent().map_or_else(PathBuf::new, Path::to_path_buf);
    let mut parts = Parts::default();
    let section = |name: &str| items(&doc, top, name);

    for (value, at) in section("clients")? {
        parts.clients.push(parse::client(value, at)?);
    }
    for (value, at) in section("rules")? {
        parts.rules.push(parse::rule(value, at, &base, &base, keywords)?);
    }
    for (value, at) in section("rulesConfigs")? {
        parts.configs.push(parse::rules_config(value, at)?);
    }
    let bases = [base.clone()];
    for (value, at) in section("actions")? {
        parts.actions.push(parse::action(value, at, &bases, &base, keywords)?);
    }
    for (value, at) in section("clientGrants")? {
        parts.grants.push(super::grants::parse(value, at)?);
    }
    for (value, at) in section("organizations")? {
        parts.organizations.push(parse::organization(value, at)?);
    }
    if let Some(triggers) = doc.get("triggers").filter(|v| !v.is_null()) {
        parts.triggers = parse::triggers(triggers, top.at_key("triggers"))?;
    }
    Ok(parts)
}

/// The entries of a list section, each with the origin of its `- ` line.
fn items<'a>(
    doc: &'a serde_json::Map<String, Value>,
    top: Origin<'a>,
    section: &str,
) -> Result<Vec<(&'a Value, Origin<'a>)>, TenantError> {
    match doc.get(section) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(list)) => {
            let starts = item_starts(top.text, section);
            let fallback = top.at_key(section);
            let at = |i: usize| starts.get(i).map_or(fallback, |&s| top.from(s));
            Ok(list.iter().enumerate().map(|(i, v)| (v, at(i))).collect())
        }
        Some(_) => Err(top.error(Some(section), format!("section \"{section}\" must be a list"))),
    }
}

/// Byte offsets of the `- ` lines of the top-level block list `section:`, in order. Best effort:
/// a flow-style list (`[…]`) yields none.
fn item_starts(text: &str, section: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        lines.push((offset, line.trim_end_matches(['\n', '\r'])));
        offset += line.len();
    }
    let header = |l: &str| {
        let rest = l.strip_prefix(section).or_else(|| {
            let quoted = l.strip_prefix('"')?.strip_prefix(section)?;
            quoted.strip_prefix('"')
        });
        rest.and_then(|r| r.trim_start().strip_prefix(':'))
            .is_some_and(|r| r.trim().is_empty() || r.trim_start().starts_with('#'))
    };
    let Some(first) = lines.iter().position(|(_, l)| header(l)) else {
        return Vec::new();
    };
    let mut starts = Vec::new();
    let mut indent = None;
    for &(at, line) in &lines[first + 1..] {
        let body = line.trim_start();
        let this_indent = line.len() - body.len();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let is_item = body == "-" || body.starts_with("- ") || body.starts_with("-\t");
        if this_indent == 0 && !is_item {
            break;
        }
        if is_item && *indent.get_or_insert(this_indent) == this_indent {
            starts.push(at + this_indent);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::testutil::{sample_directory, yaml_scripts, Tree};

    /// Loads `tenant.yaml` holding `text` (scripts of the sample directory tenant available).
    fn load_err(text: &str) -> (Tree, TenantError) {
        let tree = Tree::new();
        sample_directory(&tree);
        yaml_scripts(&tree);
        tree.write("yaml/tenant.yaml", text);
        let err = tree.load_err("yaml/tenant.yaml");
        assert_eq!(err.file, tree.join("yaml/tenant.yaml"), "{err}");
        (tree, err)
    }

    fn at(err: &TenantError, line: usize, message: &str) {
        assert_eq!((err.line, err.message.as_str()), (Some(line), message), "{err}");
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let (_, err) = load_err("clients:\n  - name: A\n    app_type: [spa\nrules: []\n");
        assert_eq!((err.line, err.column), (Some(4), Some(6)), "{err}");
        assert!(err.message.starts_with("invalid YAML: did not find expected ',' or ']'"), "{err}");
        let (_, err) = load_err("clients: 3\n");
        at(&err, 1, "section \"clients\" must be a list");
        let (_, err) = load_err("- a\n");
        at(&err, 1, "tenant YAML must be a mapping of sections");
    }

    #[test]
    fn semantic_errors_point_at_the_field() {
        let rules = "rules:\n  - name: first\n    script: ./rules/first.js\n  - name: late\n    script: ./rules/late.js\n    enabled: yes\n";
        let (_, err) = load_err(rules);
        at(&err, 6, "rule field \"enabled\" must be a boolean, found a string (\"yes\")");

        let clients = "clients:\n  - name: A\n  - app_type: spa\n    callbacks: []\n";
        let (_, err) = load_err(clients);
        at(&err, 3, "client is missing required field \"name\"");

        let meta =
            "clients:\n  - name: A\n    client_metadata:\n      k: v\n  - name: B\n    client_metadata:\n      n: 1\n";
        let (_, err) = load_err(meta);
        at(&err, 6, "client_metadata value of \"n\" must be a string, found number");

        let code = "actions:\n  - name: a\n    supported_triggers: []\n    code: ./missing.js\n";
        let (tree, err) = load_err(code);
        let looked = tree.join("yaml/missing.js");
        let msg = format!("action code file \"./missing.js\" does not exist (looked for {})", looked.display());
        at(&err, 4, &msg);
    }

    #[test]
    fn order_clash_and_duplicates_in_one_file() {
        let rules = "rules:\n  - name: first\n    order: 5\n    script: ./rules/first.js\n  - name: second\n    script: ./rules/second.js\n    order: 5\n";
        let (tree, err) = load_err(rules);
        let file = tree.join("yaml/tenant.yaml");
        let f = file.display();
        let msg =
            format!("rules \"first\" ({f}:3) and \"second\" ({f}:7) both have order 5; rule orders must be distinct");
        at(&err, 7, &msg);

        let clients = "clients:\n  - name: A\n  - name: B\n  - name: A\n";
        let (tree, err) = load_err(clients);
        let f = tree.join("yaml/tenant.yaml");
        let msg = format!("duplicate client name \"A\": also defined at {}:2", f.display());
        at(&err, 4, &msg);
    }

    #[test]
    fn trigger_errors() {
        let text = "actions:\n  - name: a\n    code: ./actions/gate/code.js\n    supported_triggers:\n      - id: post-login\n        version: v3\ntriggers:\n  post-login:\n    - action_name: a\n    - action_name: b\n";
        let (_, err) = load_err(text);
        at(&err, 10, "trigger \"post-login\" binds action \"b\", which does not exist (actions: a)");
        let (_, err) = load_err(&text.replace("  post-login:\n", "  post-logon:\n"));
        assert_eq!(err.line, Some(8), "{err}");
        assert!(err.message.starts_with("unknown trigger id \"post-logon\""), "{err}");
        let (_, err) = load_err(&text.replace("- id: post-login", "- id: login"));
        assert_eq!(err.line, Some(5), "{err}");
        assert!(err.message.starts_with("unknown trigger id \"login\""), "{err}");
    }

    #[test]
    fn item_starts_find_block_list_entries() {
        let text = "clients:\n  - name: a\n    grants:\n      - x\n  - name: b\nrules:\n- name: r\n";
        let starts = item_starts(text, "clients");
        assert_eq!(starts, vec![11, 45]);
        assert_eq!(&text[starts[1]..starts[1] + 9], "- name: b");
        assert_eq!(item_starts(text, "rules"), vec![text.len() - 10]);
        assert!(item_starts("clients: [{name: a}]\n", "clients").is_empty());
    }

    #[test]
    fn item_starts_skip_blank_and_comment_lines_and_find_bare_dashes() {
        // YAML 1.2 §6.6-6.7: comment and empty lines between entries end nothing; §8.2.1: an
        // entry's `-` may stand alone, its node on the lines below.
        let text = "clients:
  - name: a

# the second one
  -
    name: b
rules: []
";
        let starts = item_starts(text, "clients");
        let at = |start: usize| text[start..].lines().next().unwrap();
        assert_eq!(starts.iter().map(|&s| at(s)).collect::<Vec<_>>(), ["- name: a", "-"]);
    }
}
