//! Deploy CLI keyword replacement: `##KEY##` and `@@KEY@@`
//! placeholders in tenant files, filled from `AUTH0_KEYWORD_REPLACE_MAPPINGS`. A placeholder
//! without a mapping stays as written and is a load warning naming the file, line and key
//! (Deploy CLI exports mask values the Management API never returns this way, so an error would
//! refuse exports as they are).

use std::path::Path;

use serde_json::{Map, Value};

use super::parse::kind;
use super::TenantError;

/// The variable (and config-file key) holding the mappings, as the Deploy CLI names it.
pub const MAPPINGS_VAR: &str = "AUTH0_KEYWORD_REPLACE_MAPPINGS";

/// Deploy CLI keyword mappings, placeholder key → value (the object of
/// `AUTH0_KEYWORD_REPLACE_MAPPINGS`): `##KEY##` and `@@KEY@@` in tenant files and case files
/// are replaced by the key's value. None by default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keywords(Map<String, Value>);

/// The mappings of a JSON object, as `AUTH0_KEYWORD_REPLACE_MAPPINGS` holds them.
impl From<Map<String, Value>> for Keywords {
    fn from(map: Map<String, Value>) -> Keywords {
        Keywords(map)
    }
}

impl Keywords {
    /// Reads `AUTH0_KEYWORD_REPLACE_MAPPINGS` (a JSON object); absent means no mappings.
    pub(crate) fn from_env() -> Result<Keywords, TenantError> {
        Keywords::from_var(std::env::var(MAPPINGS_VAR))
    }

    /// The mappings from the variable's value as `std::env::var` gives it.
    fn from_var(var: Result<String, std::env::VarError>) -> Result<Keywords, TenantError> {
        match var {
            Ok(text) => Keywords::from_env_text(&text),
            Err(std::env::VarError::NotPresent) => Ok(Keywords::default()),
            Err(err) => Err(env_error(err.to_string())),
        }
    }

    fn from_env_text(text: &str) -> Result<Keywords, TenantError> {
        let value: Value = serde_json::from_str(text).map_err(|err| env_error(format!("is not valid JSON: {err}")))?;
        match value {
            Value::Object(map) => Ok(Keywords(map)),
            other => Err(env_error(format!("must be a JSON object, found {}", kind(&other)))),
        }
    }

    /// Reads a JSON file holding either the mappings object itself or a Deploy CLI config object
    /// with an `AUTH0_KEYWORD_REPLACE_MAPPINGS` member (then only that member is used).
    pub(crate) fn from_file(path: &Path) -> Result<Keywords, TenantError> {
        let text = crate::files::read_text(path).map_err(|e| TenantError::read(&e))?;
        let value: Value = serde_json::from_str(&text).map_err(|err| TenantError::json(path, &text, &err))?;
        let Value::Object(mut map) = value else {
            return Err(TenantError::new(
                path,
                format!("keyword mappings must be a JSON object, found {}", kind(&value)),
            ));
        };
        match map.shift_remove(MAPPINGS_VAR) {
            None => Ok(Keywords(map)),
            Some(Value::Object(inner)) => Ok(Keywords(inner)),
            Some(other) => {
                Err(TenantError::new(path, format!("{MAPPINGS_VAR} must be a JSON object, found {}", kind(&other))))
            }
        }
    }

    /// Both sets of mappings; `other` wins on a shared key.
    pub(crate) fn merge(mut self, other: Keywords) -> Keywords {
        self.0.extend(other.0);
        self
    }

    /// The mapping of `key`, as a `##KEY##` replacement would write it (a string as it is,
    /// anything else as JSON).
    pub(crate) fn literal(&self, key: &str) -> Option<String> {
        self.0.get(key).map(|value| render(value, true))
    }

    /// The placeholders of `text` that have no mapping: (1-based line, `##KEY##` or `@@KEY@@`).
    pub(crate) fn unmapped(&self, text: &str) -> Vec<(usize, String)> {
        let mut found = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some((i, delim)) = next_delimiter(rest) {
                let body = &rest[i + 2..];
                match body.find(delim).map(|end| &body[..end]).filter(|word| is_keyword(word)) {
                    Some(word) => {
                        if !self.0.contains_key(word) {
                            found.push((index + 1, format!("{delim}{word}{delim}")));
                        }
                        rest = &body[word.len() + 2..];
                    }
                    None => rest = &rest[i + 1..],
                }
            }
        }
        found
    }

    /// [`Keywords::apply`], warning on standard error of each placeholder of `file` left
    /// unmapped: `warning: FILE:LINE: ##KEY## has no keyword mapping; left as written`.
    pub(crate) fn apply_file(&self, file: &Path, text: &str) -> String {
        for warning in self.unmapped_warnings(file, text) {
            eprintln!("warning: {warning}");
        }
        self.apply(text)
    }

    /// Each placeholder of `file` left unmapped, as a warning:
    /// `FILE:LINE: ##KEY## has no keyword mapping; left as written`.
    pub(crate) fn unmapped_warnings(&self, file: &Path, text: &str) -> Vec<String> {
        self.unmapped(text)
            .into_iter()
            .map(|(line, key)| format!("{}:{line}: {key} has no keyword mapping; left as written", file.display()))
            .collect()
    }

    /// Replaces known placeholders in one pass (a replacement is never scanned again):
    /// `##KEY##` → the value literally (a string without quotes, anything else as JSON),
    /// `@@KEY@@` → the value as JSON. Unknown keys stay as written.
    pub(crate) fn apply(&self, text: &str) -> String {
        if self.0.is_empty() {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some((i, delim)) = next_delimiter(rest) {
            out.push_str(&rest[..i]);
            rest = &rest[i..];
            let body = &rest[2..];
            let value = body.find(delim).and_then(|end| Some((end, self.0.get(&body[..end])?)));
            match value {
                Some((end, value)) => {
                    out.push_str(&render(value, delim == "##"));
                    rest = &body[end + 2..];
                }
                None => {
                    // Not a placeholder here; a later delimiter may still open one.
                    out.push_str(&rest[..1]);
                    rest = &rest[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// Whether `text` holds something shaped like a placeholder (`##WORD##` or `@@WORD@@`, WORD
/// without spaces, quotes or delimiters), known key or not.
pub(crate) fn has_placeholder(text: &str) -> bool {
    ["##", "@@"].iter().any(|delim| {
        text.match_indices(&delim[..1]).any(|(i, _)| {
            let Some(body) = text[i..].strip_prefix(delim) else {
                return false;
            };
            body.find(delim).is_some_and(|end| is_keyword(&body[..end]))
        })
    })
}

/// A placeholder's key: not empty, without spaces, quotes or delimiters.
fn is_keyword(word: &str) -> bool {
    !word.is_empty() && !word.contains(|c: char| c.is_whitespace() || "\"'#@".contains(c))
}

fn next_delimiter(text: &str) -> Option<(usize, &'static str)> {
    let hash = text.find("##").map(|i| (i, "##"));
    let at = text.find("@@").map(|i| (i, "@@"));
    match (hash, at) {
        (Some(h), Some(a)) => Some(if h.0 <= a.0 { h } else { a }),
        (h, a) => h.or(a),
    }
}

fn render(value: &Value, literal: bool) -> String {
    match value {
        Value::String(s) if literal => s.clone(),
        other => other.to_string(),
    }
}

fn env_error(problem: String) -> TenantError {
    TenantError::new(format!("${MAPPINGS_VAR}"), format!("environment variable {MAPPINGS_VAR} {problem}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::testutil::{sample_directory, sample_yaml, Tree};
    use crate::tenant::Tenant;
    use serde_json::json;

    fn kw(v: Value) -> Keywords {
        Keywords(v.as_object().cloned().unwrap_or_default())
    }

    #[test]
    fn apply_both_forms() {
        let k = kw(json!({"ENV": "prod", "N": 3, "LIST": ["a", "b"], "OBJ": {"x": true}, "Q": "say \"hi\""}));
        assert_eq!(k.apply("app-##ENV##"), "app-prod");
        assert_eq!(k.apply("\"@@ENV@@\""), "\"\"prod\"\"");
        assert_eq!(k.apply("@@ENV@@"), "\"prod\"");
        assert_eq!(k.apply("##N## @@N@@"), "3 3");
        assert_eq!(k.apply("[@@LIST@@, ##LIST##]"), r#"[["a","b"], ["a","b"]]"#);
        assert_eq!(k.apply("@@OBJ@@"), r#"{"x":true}"#);
        assert_eq!(k.apply("@@Q@@|##Q##"), r#""say \"hi\""|say "hi""#);
        assert_eq!(k.apply("##ENV####ENV##@@ENV@@"), "prodprod\"prod\"");
    }

    #[test]
    fn unknown_and_partial_placeholders_untouched() {
        let k = kw(json!({"ENV": "prod", "X": "##ENV##"}));
        for text in ["##NOPE##", "@@NOPE@@", "##ENV", "ENV##", "#ENV#", "##ENV@@", "a # b @ c"] {
            assert_eq!(k.apply(text), text);
        }
        assert_eq!(k.apply("###ENV##"), "#prod");
        assert_eq!(k.apply("## note ##ENV##"), "## note prod");
        // A replacement is not scanned again.
        assert_eq!(k.apply("##X##"), "##ENV##");
        assert_eq!(Keywords::default().apply("##ENV##"), "##ENV##");
    }

    #[test]
    fn unmapped_placeholders_are_found_with_their_lines() {
        let k = kw(json!({"ENV": "prod"}));
        let text = "a: ##ENV##\nb: \"##API_KEY##-@@ENV@@\"\n# note ## not a key ##\nc: @@LIST@@ ##X";
        assert_eq!(k.unmapped(text), [(2, "##API_KEY##".to_owned()), (4, "@@LIST@@".to_owned())]);
        assert!(k.unmapped("x: '##' + y + '##'").is_empty());
        // A placeholder's closing delimiter is not the opening one of the next.
        assert_eq!(k.unmapped("##KEY##X##"), [(1, "##KEY##".to_owned())]);
        assert_eq!(
            k.unmapped_warnings(Path::new("rules/a.js"), text),
            [
                "rules/a.js:2: ##API_KEY## has no keyword mapping; left as written",
                "rules/a.js:4: @@LIST@@ has no keyword mapping; left as written"
            ]
        );
        assert_eq!(k.literal("ENV").as_deref(), Some("prod"));
    }

    #[test]
    fn merge_other_wins() {
        let merged = kw(json!({"A": "1", "B": "1"})).merge(kw(json!({"B": "2", "C": "2"})));
        assert_eq!(merged, kw(json!({"A": "1", "B": "2", "C": "2"})));
    }

    #[test]
    fn from_file_accepts_mappings_or_config() {
        let tree = Tree::new();
        tree.write("map.json", r#"{"ENV": "prod"}"#)
            .write(
                "config.json",
                r#"{"AUTH0_DOMAIN": "x.auth0.com", "AUTH0_KEYWORD_REPLACE_MAPPINGS": {"ENV": "dev"}}"#,
            )
            .write("bad.json", "{\n  \"ENV\": prod\n}")
            .write("list.json", "[]")
            .write("badconfig.json", r#"{"AUTH0_KEYWORD_REPLACE_MAPPINGS": "ENV=1"}"#);
        assert_eq!(Keywords::from_file(&tree.join("map.json")).unwrap(), kw(json!({"ENV": "prod"})));
        assert_eq!(Keywords::from_file(&tree.join("config.json")).unwrap(), kw(json!({"ENV": "dev"})));
        let err = Keywords::from_file(&tree.join("bad.json")).unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(10)));
        assert_eq!(err.file, tree.join("bad.json"));
        let err = Keywords::from_file(&tree.join("list.json")).unwrap_err();
        assert_eq!(err.message, "keyword mappings must be a JSON object, found an array");
        let err = Keywords::from_file(&tree.join("badconfig.json")).unwrap_err();
        assert_eq!(err.message, "AUTH0_KEYWORD_REPLACE_MAPPINGS must be a JSON object, found a string");
        assert!(Keywords::from_file(&tree.join("none.json")).unwrap_err().message.starts_with("cannot read"));
    }

    #[test]
    fn from_env_reads_the_variable() {
        // The variable itself is never set here (tests run on several threads); the binary's
        // reading of it is tested in tests/tenant.rs.
        let k = Keywords::from_var(Ok(r#"{"ENV": "ci"}"#.into()));
        assert_eq!(k.unwrap(), kw(json!({"ENV": "ci"})));
        assert_eq!(Keywords::from_var(Err(std::env::VarError::NotPresent)).unwrap(), Keywords::default());
        let not_unicode = std::env::VarError::NotUnicode(std::ffi::OsString::from("x"));
        let err = Keywords::from_var(Err(not_unicode)).unwrap_err();
        assert_eq!(err.file.to_str(), Some("$AUTH0_KEYWORD_REPLACE_MAPPINGS"));
        let err = Keywords::from_env_text("{ENV: 1}").unwrap_err();
        assert_eq!(err.file.to_str(), Some("$AUTH0_KEYWORD_REPLACE_MAPPINGS"));
        assert!(
            err.message.starts_with("environment variable AUTH0_KEYWORD_REPLACE_MAPPINGS is not valid JSON: "),
            "{err}"
        );
        let err = Keywords::from_env_text("[1]").unwrap_err();
        assert_eq!(
            err.message,
            "environment variable AUTH0_KEYWORD_REPLACE_MAPPINGS must be a JSON object, found an array"
        );
    }

    #[test]
    fn placeholder_detection() {
        for text in ["##A##", "x @@B_1@@ y", "\"##ENV.x##\"", "###A##"] {
            assert!(has_placeholder(text), "{text}");
        }
        for text in ["", "#", "## A ##", "#/#/", "@@\"@@", "a@@b", "####", "##\n##", "https://x/#a#b"] {
            assert!(!has_placeholder(text), "{text}");
        }
    }

    #[test]
    fn replaced_in_json_yaml_and_scripts() {
        let k = kw(json!({"NAME": "Portal", "META": {"TIER": "gold"}, "ORDER": 7, "NS": "https://ns/", "WHO": "prod"}));
        let tree = Tree::new();
        sample_directory(&tree);
        sample_yaml(&tree);
        tree.write(
            "dir/clients/Portal.json",
            r###"{"name": "##NAME##", "client_id": "portal-id", "client_metadata": @@META@@}"###,
        )
        .write("dir/rules/first.json", r#"{"name": "first", "order": ##ORDER##, "script": "./first.js"}"#)
        .write("dir/rules/first.js", "const who = @@WHO@@; // ##WHO## ##UNKNOWN##\n")
        .write("yaml/rules/first.js", "const who = @@WHO@@; // ##WHO## ##UNKNOWN##\n");
        let t = Tenant::load(&tree.join("dir"), &k).unwrap();
        let portal = t.client("Portal").unwrap();
        assert_eq!(portal.client_metadata.as_ref(), json!({"TIER": "gold"}).as_object());
        assert_eq!(t.rule("first").unwrap().order, Some(7));
        assert_eq!(t.rule("first").unwrap().script, "const who = \"prod\"; // prod ##UNKNOWN##\n");

        let yaml = tree
            .read("yaml/tenant.yaml")
            .replace("  - name: Portal\n", "  - name: ##NAME##\n")
            .replace("value: https://ns/", "value: @@NS@@")
            .replace("      TIER: gold\n", "      TIER: '##WHO##'\n");
        tree.write("yaml/tenant.yaml", &yaml);
        let t = Tenant::load(&tree.join("yaml"), &k).unwrap();
        assert_eq!(t.clients[0].name, "Portal");
        assert_eq!(t.clients[0].client_metadata.as_ref().unwrap()["TIER"], "prod");
        assert_eq!(t.rules_configs["NAMESPACE"], "https://ns/");
        assert_eq!(t.rule("first").unwrap().script, "const who = \"prod\"; // prod ##UNKNOWN##\n");
        // Without mappings the placeholders stay, and an unquoted `@@` is not valid YAML.
        let err = Tenant::load(&tree.join("yaml"), &Keywords::default()).unwrap_err();
        assert_eq!((err.line, err.column), (Some(28), Some(12)), "{err}");
        assert!(err.message.starts_with("invalid YAML: found character that cannot start"));
    }
}
