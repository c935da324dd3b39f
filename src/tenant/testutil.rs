//! Test helpers: tenants written into temporary folders, and a sample tenant in both formats.

use std::path::{Path, PathBuf};

use super::{Keywords, Tenant, TenantError};

/// A temporary folder to write tenant files into.
pub(crate) struct Tree(tempfile::TempDir);

impl Tree {
    pub fn new() -> Tree {
        Tree(tempfile::tempdir().expect("tempdir"))
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.path().join(rel)
    }

    /// Writes `text` to `rel`, creating folders.
    pub fn write(&self, rel: &str, text: &str) -> &Tree {
        let path = self.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.join(rel)).expect("read")
    }

    pub fn load(&self, rel: &str) -> Result<Tenant, TenantError> {
        Tenant::load(&self.join(rel), &Keywords::default())
    }

    /// The error loading `rel` must give.
    pub fn load_err(&self, rel: &str) -> TenantError {
        match self.load(rel) {
            Ok(t) => panic!("expected a load error, loaded {t:#?}"),
            Err(e) => e,
        }
    }
}

/// The sample tenant in the directory format, under `dir/`.
pub(crate) fn sample_directory(tree: &Tree) {
    tree.write(
        "dir/clients/Portal.json",
        r#"{
  "name": "Portal",
  "client_id": "portal-id",
  "app_type": "spa",
  "callbacks": ["https://portal.example.com/cb"],
  "client_metadata": {"TIER": "gold", "SUPPORT": "https://help"}
}
"#,
    )
    .write(
        "dir/clients/Tools.json",
        r#"{
  "name": "Tools",
  "oidc_conformant": true
}
"#,
    )
    .write(
        "dir/rules/first.json",
        r#"{"name": "first", "enabled": true, "order": 1, "stage": "login_success", "script": "./first.js"}"#,
    )
    .write("dir/rules/first.js", "function (user, context, cb) { cb(null, user, context); }\n")
    .write(
        "dir/rules/late.json",
        r#"{"name": "late", "enabled": false, "order": null, "script": "./late.js"}"#,
    )
    .write("dir/rules/late.js", "function (u, c, cb) { cb(); }\n")
    .write(
        "dir/rules/second.json",
        r#"{"name": "second", "order": 2, "stage": "login_failure", "script": "./second.js"}"#,
    )
    .write("dir/rules/second.js", "function (u, c, cb) { cb(null, u, c); }\n")
    .write("dir/rules-configs/NAMESPACE.json", r#"{"key": "NAMESPACE", "value": "https://ns/"}"#)
    .write(
        "dir/actions/gate.json",
        r#"{
  "name": "gate",
  "code": "./actions/gate/code.js",
  "runtime": "node22",
  "status": "built",
  "dependencies": [{"name": "lodash", "version": "4.17.21"}],
  "secrets": [{"name": "API_KEY", "value": "s3cret"}],
  "supported_triggers": [{"id": "post-login", "version": "v3"}],
  "deployed": true
}
"#,
    )
    .write("dir/actions/gate/code.js", "exports.onExecutePostLogin = async () => {};\n")
    .write(
        "dir/actions/tag.json",
        r#"{"name": "tag", "code": "./actions/tag/code.js", "supported_triggers": [{"id": "post-login", "version": "v3"}, {"id": "credentials-exchange", "version": "v2"}]}"#,
    )
    .write("dir/actions/tag/code.js", "exports.onExecutePostLogin = async () => {};\n")
    .write(
        "dir/triggers/triggers.json",
        r#"{
  "post-login": [
    {"action_name": "tag", "display_name": "tag"},
    {"action_name": "gate", "display_name": "gate"}
  ],
  "credentials-exchange": []
}
"#,
    );
}

/// The scripts of `sample_directory` copied under `yaml/` (a YAML tenant's scripts are inside
/// its folder).
pub(crate) fn yaml_scripts(tree: &Tree) {
    for rel in ["rules/first.js", "rules/late.js", "rules/second.js", "actions/gate/code.js", "actions/tag/code.js"] {
        tree.write(&format!("yaml/{rel}"), &tree.read(&format!("dir/{rel}")));
    }
}

/// The same tenant as `sample_directory`, as `yaml/tenant.yaml` with copies of its scripts.
pub(crate) fn sample_yaml(tree: &Tree) {
    yaml_scripts(tree);
    tree.write(
        "yaml/tenant.yaml",
        r#"# The sample tenant in the YAML format.
clients:
  - name: Portal
    client_id: portal-id
    app_type: spa
    callbacks:
      - https://portal.example.com/cb
    client_metadata:
      TIER: gold
      SUPPORT: https://help
  - name: Tools
    oidc_conformant: true
rules:
  - name: first
    script: ./rules/first.js
    order: 1
    enabled: true
    stage: login_success
  - name: late
    script: ./rules/late.js
    enabled: false
  - name: second
    script: ./rules/second.js
    order: 2
    stage: login_failure
rulesConfigs:
  - key: NAMESPACE
    value: https://ns/
actions:
  - name: gate
    code: ./actions/gate/code.js
    runtime: node22
    status: built
    dependencies:
      - name: lodash
        version: 4.17.21
    secrets:
      - name: API_KEY
        value: s3cret
    supported_triggers:
      - id: post-login
        version: v3
    deployed: true
  - name: tag
    code: ./actions/tag/code.js
    supported_triggers:
      - id: post-login
        version: v3
      - id: credentials-exchange
        version: v2
triggers:
  post-login:
    - action_name: tag
      display_name: tag
    - action_name: gate
      display_name: gate
  credentials-exchange: []
"#,
    );
}
