//! The tenant's package cache, `<tenant>/.actionhost/packages/`, and what each script may
//! require from it.
//!
//! The cache holds one npm prefix per package and the version a script asks for:
//! `<name>@<version>/node_modules/<name>` (a scoped name's `/` is written `+` in the folder
//! name), filled by `actionhost deps install`. What the tenant needs ([`needed`]) is every
//! Action's declared `dependencies` (`name@version` from its Deploy CLI file) and every package
//! its Rules require: `require("axios@0.21.1")` as Auth0's Rules runtime allowed, or a bare
//! name, which installs the latest version.
//!
//! An Action requires its declared version of a package by its bare name; a Rule requires a
//! versioned name as written, and a bare name resolves to the version installed for a bare
//! require (`<name>@latest`), or else to the highest version the cache holds. Everything else
//! is found as Node finds it, in `node_modules` folders from the script's folder upward.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Action, Rule, Tenant, TenantError};
use crate::engine::{split_version, split_versioned, ModuleScope};

/// The version a bare `require` in a Rule installs.
pub const LATEST: &str = "latest";

/// A package and version the tenant's scripts need, and which scripts need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needed {
    pub name: String,
    pub version: String,
    /// `action NAME` / `rule NAME`.
    pub wanted_by: Vec<String>,
}

/// `<tenant>/.actionhost/packages`.
pub fn cache_folder(root: &Path) -> PathBuf {
    root.join(".actionhost").join("packages")
}

/// The npm prefix of `name@version` in the cache.
pub fn package_folder(root: &Path, name: &str, version: &str) -> PathBuf {
    cache_folder(root).join(format!("{}@{version}", name.replace('/', "+")))
}

/// The command that fills the cache, for messages.
pub fn install_command(root: &Path) -> String {
    format!("actionhost deps install --tenant {}", root.display())
}

/// Every package and version the tenant's Actions declare and its Rules require, sorted.
pub fn needed(tenant: &Tenant) -> Result<Vec<Needed>, TenantError> {
    let mut found: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for action in &tenant.actions {
        for (name, version) in declared(action)? {
            found.entry((name, version)).or_default().push(format!("action {}", action.name));
        }
    }
    for rule in &tenant.rules {
        for specifier in required_packages(&rule.script) {
            let (name, version) = split_version(&specifier);
            let key = (name.to_owned(), version.unwrap_or(LATEST).to_owned());
            let by = format!("rule {}", rule.name);
            let wanted_by = found.entry(key).or_default();
            if !wanted_by.contains(&by) {
                wanted_by.push(by);
            }
        }
    }
    Ok(found.into_iter().map(|((name, version), wanted_by)| Needed { name, version, wanted_by }).collect())
}

/// An Action's `dependencies`: `[{"name": "lodash", "version": "4.17.21"}]`.
fn declared(action: &Action) -> Result<Vec<(String, String)>, TenantError> {
    action
        .dependencies
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let field = |key: &str| entry.get(key).and_then(Value::as_str).filter(|text| !text.trim().is_empty());
            match (field("name"), field("version")) {
                (Some(name), Some(version)) => Ok((name.to_owned(), version.to_owned())),
                _ => Err(TenantError::new(
                    &action.code_path,
                    format!(
                        "dependencies[{index}] of action {} must be {{\"name\": …, \"version\": …}} with non-empty strings (got {entry})",
                        action.name
                    ),
                )),
            }
        })
        .collect()
}

/// The packages a script requires by a string literal (`require("x")`, `require('x@1.2.3')`),
/// in order, without Node's built-in modules and relative paths.
pub fn required_packages(script: &str) -> Vec<String> {
    let pattern = regex::Regex::new(r#"\brequire\s*\(\s*(?:"([^"\n]+)"|'([^'\n]+)'|`([^`$\n]+)`)\s*\)"#)
        .expect("the pattern is valid");
    let mut packages: Vec<String> = Vec::new();
    for captures in pattern.captures_iter(script) {
        let Some(specifier) = captures.iter().skip(1).flatten().next().map(|m| m.as_str()) else { continue };
        if specifier.starts_with('.') || specifier.starts_with('/') || crate::engine::is_node_builtin(specifier) {
            continue;
        }
        let package = split_versioned(specifier).0;
        if !packages.iter().any(|known| known == package) {
            packages.push(package.to_owned());
        }
    }
    packages
}

/// What an Action's `require` finds: its declared versions, then `node_modules` folders from its folder upward.
pub fn action_scope(tenant: &Tenant, action: &Action) -> ModuleScope {
    let packages = action
        .dependencies
        .iter()
        .filter_map(|entry| Some((entry.get("name")?.as_str()?, entry.get("version")?.as_str()?)))
        .map(|(name, version)| (name.to_owned(), package_folder(&tenant.root, name, version)))
        .collect();
    ModuleScope {
        search_from: script_folder(&action.code_path),
        packages,
        missing_hint: Some(format!(
            "an Action's declared dependencies are installed by `{}`",
            install_command(&tenant.root)
        )),
    }
}

/// What a Rule's `require` finds: each installed `name@version` as written, a bare name's
/// installed version, then `node_modules` folders from its folder upward.
pub fn rule_scope(tenant: &Tenant, rule: &Rule) -> ModuleScope {
    let mut packages = BTreeMap::new();
    // Per name: the folder of a bare require's install, else of the highest version.
    let mut bare: BTreeMap<String, (Vec<u64>, PathBuf)> = BTreeMap::new();
    for (name, version, folder) in installed(&tenant.root) {
        let rank = if version == LATEST { vec![u64::MAX] } else { version_rank(&version) };
        match bare.get(&name) {
            Some((best, _)) if *best >= rank => {}
            _ => {
                bare.insert(name.clone(), (rank, folder.clone()));
            }
        }
        packages.insert(format!("{name}@{version}"), folder);
    }
    packages.extend(bare.into_iter().map(|(name, (_, folder))| (name, folder)));
    ModuleScope {
        search_from: script_folder(&rule.script_path),
        packages,
        missing_hint: Some(format!(
            "the packages the Rules require are installed by `{}`",
            install_command(&tenant.root)
        )),
    }
}

/// The cache's packages: (name, version, folder).
fn installed(root: &Path) -> Vec<(String, String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(cache_folder(root)) else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|entry| {
            let file_name = entry.file_name().into_string().ok()?;
            if file_name.starts_with('.') {
                return None;
            }
            let (name, version) = split_version(&file_name);
            Some((name.replace('+', "/"), version?.to_owned(), entry.path()))
        })
        .collect()
}

/// Numeric parts of a version, for ordering (`1.10.0` after `1.9.3`).
fn version_rank(version: &str) -> Vec<u64> {
    version.split(['.', '-', '+']).map_while(|part| part.parse().ok()).collect()
}

fn script_folder(script: &Path) -> PathBuf {
    let folder = script.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_s_requires_are_found_with_their_versions_and_without_built_ins() {
        let script = r#"function (user, context, callback) {
            const request = require('request');
            const axios = require("axios@0.21.1");
            const fp = require('lodash/fp'), _ = require ( "lodash" );
            const { v4 } = require('uuid@8.3.2/dist/index.js');
            const crypto = require('crypto'); const url = require("node:url");
            const mine = require('./mine');
            const scoped = require('@auth0/rule-utilities@0.2.0');
            callback(null, user, context);
        }"#;
        assert_eq!(
            required_packages(script),
            ["request", "axios@0.21.1", "lodash", "uuid@8.3.2", "@auth0/rule-utilities@0.2.0"]
        );
        assert_eq!(split_version("@auth0/rule-utilities@0.2.0"), ("@auth0/rule-utilities", Some("0.2.0")));
        assert_eq!(split_version("request"), ("request", None));
    }

    #[test]
    fn scopes_map_declared_and_installed_versions_to_their_cache_folders() {
        let tree = crate::tenant::testutil::Tree::new();
        crate::tenant::testutil::sample_directory(&tree);
        let tenant = tree.load("dir").unwrap();
        let cache = cache_folder(&tenant.root);
        for folder in
            ["ms@2.1.2", "ms@2.1.10", "@auth0+rule-utilities@0.2.0", "uuid@latest", "uuid@8.3.2", ".install-ms@9-1"]
        {
            std::fs::create_dir_all(cache.join(folder)).unwrap();
        }
        // The sample Action declares lodash 4.17.21: its bare name maps to that folder.
        let action = tenant.action("gate").unwrap();
        let scope = action_scope(&tenant, action);
        assert_eq!(scope.packages.get("lodash"), Some(&cache.join("lodash@4.17.21")));
        assert!(scope.search_from.is_absolute() && scope.search_from.ends_with("actions/gate"));
        assert!(scope.missing_hint.unwrap().contains("actionhost deps install --tenant"));
        // A Rule sees every installed version by its pinned name, and each bare name maps to the
        // bare require's install (`latest`) or else the highest version; staging folders are not packages.
        let scope = rule_scope(&tenant, &tenant.rules[0]);
        assert_eq!(scope.packages.get("ms"), Some(&cache.join("ms@2.1.10")));
        assert_eq!(scope.packages.get("ms@2.1.2"), Some(&cache.join("ms@2.1.2")));
        assert_eq!(scope.packages.get("uuid"), Some(&cache.join("uuid@latest")));
        assert_eq!(scope.packages.get("@auth0/rule-utilities@0.2.0"), Some(&cache.join("@auth0+rule-utilities@0.2.0")));
        assert_eq!(scope.packages.get("@auth0/rule-utilities"), Some(&cache.join("@auth0+rule-utilities@0.2.0")));
        assert_eq!(scope.packages.len(), 8, "{:?}", scope.packages.keys().collect::<Vec<_>>());
    }

    #[test]
    fn each_package_is_needed_once_per_version_naming_who_wants_it() {
        let tree = crate::tenant::testutil::Tree::new();
        crate::tenant::testutil::sample_directory(&tree);
        tree.write("dir/rules/first.js", "function (u, c, cb) { require('lodash@4.17.21'); require('ms'); cb(); }\n")
            .write("dir/rules/second.js", "function (u, c, cb) { require('ms'); require('lodash/fp'); cb(); }\n");
        let tenant = tree.load("dir").unwrap();
        let needed: Vec<(String, String, Vec<String>)> =
            needed(&tenant).unwrap().into_iter().map(|n| (n.name, n.version, n.wanted_by)).collect();
        let entry = |name: &str, version: &str, by: &[&str]| {
            (name.to_owned(), version.to_owned(), by.iter().map(|b| b.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(
            needed,
            [
                // The sample Action declares lodash 4.17.21; the first Rule pins the same version.
                entry("lodash", "4.17.21", &["action gate", "rule first"]),
                entry("lodash", LATEST, &["rule second"]),
                entry("ms", LATEST, &["rule first", "rule second"]),
            ]
        );
    }

    #[test]
    fn a_malformed_dependency_is_an_error_naming_the_action() {
        let tree = crate::tenant::testutil::Tree::new();
        crate::tenant::testutil::sample_directory(&tree);
        let mut tenant = tree.load("dir").unwrap();
        tenant.actions[0].dependencies = vec![serde_json::json!({"name": "lodash"})];
        let error = needed(&tenant).unwrap_err().to_string();
        assert!(error.contains("dependencies[0] of action") && error.contains("\"version\""), "{error}");
    }

    #[test]
    fn versions_rank_numerically() {
        assert!(version_rank("1.10.0") > version_rank("1.9.3"));
        assert!(version_rank("2.0.0") > version_rank("1.99.99"));
    }
}
