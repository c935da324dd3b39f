//! The loaded tenant (applications, Rules, rules configuration, Actions, trigger bindings),
//! format detection for `Tenant::load`, and lookups by name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::assemble::{assemble, list};
use super::client_metadata::ClientMetadata;
use super::{directory, yaml, Keywords, TenantError};
use crate::closed_set::closed_set;

/// Which Deploy CLI format a tenant was loaded from.
#[derive(Debug, Clone, PartialEq)]
pub enum TenantFormat {
    /// The directory format (`clients/`, `rules/`, `actions/`, …).
    Directory,
    /// The YAML format; the path of the `tenant.yaml` file.
    Yaml(PathBuf),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tenant {
    /// The tenant directory (for YAML, the folder holding the YAML file).
    pub root: PathBuf,
    pub format: TenantFormat,
    pub clients: Vec<Client>,
    /// Ascending `order`; rules without an order run last, in file order.
    pub rules: Vec<Rule>,
    /// Key → value: the Rules `configuration` global.
    pub rules_configs: Map<String, Value>,
    pub actions: Vec<Action>,
    /// Trigger id → action names in execution order; triggers with no bindings are omitted.
    pub triggers: BTreeMap<String, Vec<String>>,
    /// Client grants (`grants/`, `clientGrants:`): which application may get tokens for which API.
    pub client_grants: Vec<super::ClientGrant>,
    /// Organizations (`organizations/`, `organizations:`), in file order.
    pub organizations: Vec<Organization>,
}

/// An organization: one of the business customers a tenant's applications serve. The Deploy
/// CLI writes one `organizations/<name>.json` per organization (`name` required; `id`, the
/// `org_…` identifier, only in files that kept it).
#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    pub name: String,
    pub id: Option<String>,
    /// The file it came from.
    pub file: PathBuf,
}

impl Organization {
    /// The organization of `organizations` an `/authorize` request's `organization` parameter
    /// names: by its `id`, or by its `name` (as Auth0 accepts with organization names allowed in
    /// the Authentication API).
    pub fn find<'a>(organizations: &'a [Organization], id_or_name: &str) -> Option<&'a Organization> {
        organizations
            .iter()
            .find(|o| o.id.as_deref() == Some(id_or_name))
            .or_else(|| organizations.iter().find(|o| o.name == id_or_name))
    }
}

/// An application.
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    pub name: String,
    pub client_id: Option<String>,
    /// `None` when the file has no `client_metadata` (or it is `null`): an application that never
    /// had metadata.
    pub client_metadata: Option<ClientMetadata>,
    /// The file it came from.
    pub file: PathBuf,
    /// The whole object as loaded, every field kept.
    pub raw: Value,
}

closed_set! {
    /// When a legacy Rule runs, as the Deploy CLI's rule schema lists the stages.
    pub enum RuleStage("stage") {
        /// After a successful authentication: the Rules a login runs.
        LoginSuccess => "login_success",
        LoginFailure => "login_failure",
        PreAuthorize => "pre_authorize",
    }
}

/// A legacy Rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: String,
    pub enabled: bool,
    pub order: Option<i64>,
    pub stage: RuleStage,
    pub script_path: PathBuf,
    /// The script text, keywords replaced.
    pub script: String,
    /// Load warnings of the script file (each unmapped keyword), carried into its outcomes.
    pub warnings: Vec<String>,
}

/// An Action.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub name: String,
    pub code_path: PathBuf,
    /// The code text, keywords replaced.
    pub code: String,
    pub runtime: Option<String>,
    pub dependencies: Vec<Value>,
    /// Secret name → value, from `[{name, value}]`.
    pub secrets: Map<String, Value>,
    /// Secrets declared without a value (a Deploy CLI export's `{name}`) and without a keyword
    /// mapping of their name.
    pub unset_secrets: Vec<String>,
    /// `(trigger id, version)`.
    pub supported_triggers: Vec<(String, String)>,
    pub deployed: bool,
    /// Load warnings of the code file (each unmapped keyword), carried into its outcomes.
    pub warnings: Vec<String>,
}

impl Tenant {
    /// Loads a tenant: `path` is a directory in the Deploy CLI directory format, a directory
    /// containing tenant.yaml, or a .yaml/.yml file.
    pub fn load(path: &Path, keywords: &Keywords) -> Result<Tenant, TenantError> {
        if !path.exists() {
            return Err(TenantError::new(path, "tenant path does not exist"));
        }
        match yaml_file(path) {
            Some(file) => {
                let root = file.parent().map_or_else(PathBuf::new, Path::to_path_buf);
                let parts = yaml::load(&file, keywords)?;
                assemble(parts, root, TenantFormat::Yaml(file))
            }
            None if path.is_dir() => {
                let parts = directory::load(path, keywords)?;
                assemble(parts, path.to_path_buf(), TenantFormat::Directory)
            }
            None => Err(TenantError::new(
                path,
                "not a tenant: expected a directory (Deploy CLI directory format or one holding \
                 tenant.yaml) or a .yaml/.yml file",
            )),
        }
    }

    /// The application whose `client_id` is `id` (OAuth requests name applications only so).
    pub fn client_by_id(&self, id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.client_id.as_deref() == Some(id))
    }

    /// Finds an application by exact name, else by client_id; the error lists the known names.
    pub fn client(&self, name_or_id: &str) -> Result<&Client, TenantError> {
        self.clients.iter().find(|c| c.name == name_or_id).or_else(|| self.client_by_id(name_or_id)).ok_or_else(|| {
            let names: Vec<&str> = self.clients.iter().map(|c| c.name.as_str()).collect();
            self.not_found("application with name or client_id", name_or_id, &names)
        })
    }

    pub fn action(&self, name: &str) -> Result<&Action, TenantError> {
        self.actions.iter().find(|a| a.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.actions.iter().map(|a| a.name.as_str()).collect();
            self.not_found("action named", name, &names)
        })
    }

    pub fn rule(&self, name: &str) -> Result<&Rule, TenantError> {
        self.rules.iter().find(|r| r.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.rules.iter().map(|r| r.name.as_str()).collect();
            self.not_found("rule named", name, &names)
        })
    }

    /// Actions bound to a trigger, in order (resolved from `triggers`). A known trigger without
    /// bindings gives an empty list; an unknown trigger id is an error.
    pub fn trigger_actions(&self, trigger: &str) -> Result<Vec<&Action>, TenantError> {
        if let Err(error) = crate::trigger::Trigger::action_from_id(trigger) {
            return Err(TenantError::new(self.source(), error.to_string()));
        }
        let names = self.triggers.get(trigger).map_or(&[][..], Vec::as_slice);
        names.iter().map(|name| self.action(name)).collect()
    }

    /// The file or folder errors about the whole tenant point at.
    fn source(&self) -> &Path {
        match &self.format {
            TenantFormat::Yaml(file) => file,
            TenantFormat::Directory => &self.root,
        }
    }

    fn not_found(&self, what: &str, name: &str, known: &[&str]) -> TenantError {
        let msg = format!("no {what} {name:?} in this tenant (known: {})", list(known));
        TenantError::new(self.source(), msg)
    }
}

/// The YAML file `path` designates: itself if it ends in .yaml/.yml, else its tenant.yaml (or
/// tenant.yml) when it is a directory holding one.
pub(crate) fn yaml_file(path: &Path) -> Option<PathBuf> {
    if path.is_dir() {
        return ["tenant.yaml", "tenant.yml"].iter().map(|name| path.join(name)).find(|p| p.is_file());
    }
    let ext = path.extension()?.to_str()?;
    matches!(ext, "yaml" | "yml").then(|| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::testutil::{sample_directory, sample_yaml, Tree};
    use serde_json::json;

    /// Paths made comparable across formats: files dropped, script paths canonical.
    /// The tenant without what depends on where it is: script paths relative to its folder.
    fn comparable(mut t: Tenant) -> Tenant {
        let root = t.root.clone();
        let relative = |p: &Path| p.strip_prefix(&root).expect("inside the tenant").to_path_buf();
        for c in &mut t.clients {
            c.file = PathBuf::new();
        }
        for r in &mut t.rules {
            r.script_path = relative(&r.script_path);
        }
        for a in &mut t.actions {
            a.code_path = relative(&a.code_path);
        }
        t.clients.sort_by(|a, b| a.name.cmp(&b.name));
        for g in &mut t.client_grants {
            g.file = PathBuf::new();
        }
        t.root = PathBuf::new();
        t.format = TenantFormat::Directory;
        t
    }

    #[test]
    fn directory_and_yaml_formats_agree() {
        let tree = Tree::new();
        sample_directory(&tree);
        sample_yaml(&tree);
        let dir = tree.load("dir").unwrap();
        let yaml = tree.load("yaml").unwrap();
        assert_eq!(dir.format, TenantFormat::Directory);
        assert_eq!(yaml.format, TenantFormat::Yaml(tree.join("yaml/tenant.yaml")));
        assert_eq!(yaml.root, tree.join("yaml"));
        assert_eq!(dir.clients[0].file, tree.join("dir/clients/Portal.json"));
        assert_eq!(dir.rules[0].script_path, tree.join("dir/rules/first.js"));
        assert_eq!(dir.actions[0].code_path, tree.join("dir/actions/gate/code.js"));
        assert_eq!(yaml.clients[0].file, tree.join("yaml/tenant.yaml"));

        let (dir, yaml) = (comparable(dir), comparable(yaml));
        assert_eq!(dir.clients, yaml.clients);
        assert_eq!(dir.rules, yaml.rules);
        assert_eq!(dir.rules_configs, yaml.rules_configs);
        assert_eq!(dir.actions, yaml.actions);
        assert_eq!(dir.triggers, yaml.triggers);
        assert_eq!(dir, yaml);
    }

    #[test]
    fn sample_tenant_contents() {
        let tree = Tree::new();
        sample_directory(&tree);
        let t = tree.load("dir").unwrap();
        let portal = &t.clients[0];
        assert_eq!(portal.name, "Portal");
        assert_eq!(portal.client_id.as_deref(), Some("portal-id"));
        let meta = json!({"TIER": "gold", "SUPPORT": "https://help"});
        assert_eq!(portal.client_metadata.as_ref(), meta.as_object());
        assert_eq!(portal.raw["callbacks"], json!(["https://portal.example.com/cb"]));
        let keys: Vec<&String> = portal.raw.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "client_id", "app_type", "callbacks", "client_metadata"]);
        let tools = &t.clients[1];
        assert_eq!((tools.client_id.as_ref(), tools.client_metadata.as_ref()), (None, None));

        let rules: Vec<(&str, Option<i64>, bool, &str)> =
            t.rules.iter().map(|r| (r.name.as_str(), r.order, r.enabled, r.stage.as_str())).collect();
        assert_eq!(
            rules,
            [
                ("first", Some(1), true, "login_success"),
                ("second", Some(2), true, "login_failure"),
                ("late", None, false, "login_success"),
            ]
        );
        assert_eq!(t.rules[0].script, "function (user, context, cb) { cb(null, user, context); }\n");
        assert_eq!(t.rules_configs, *json!({"NAMESPACE": "https://ns/"}).as_object().unwrap());

        let gate = t.action("gate").unwrap();
        assert_eq!(gate.runtime.as_deref(), Some("node22"));
        assert_eq!(gate.dependencies, [json!({"name": "lodash", "version": "4.17.21"})]);
        assert_eq!(gate.secrets, *json!({"API_KEY": "s3cret"}).as_object().unwrap());
        assert_eq!(gate.supported_triggers, [("post-login".to_owned(), "v3".to_owned())]);
        assert!(gate.deployed);
        let tag = t.action("tag").unwrap();
        assert!(!tag.deployed && tag.runtime.is_none() && tag.secrets.is_empty());
        assert_eq!(tag.supported_triggers.len(), 2);
        assert_eq!(t.triggers["post-login"], ["tag", "gate"]);
        assert!(!t.triggers.contains_key("credentials-exchange"));
    }

    #[test]
    fn lookups() {
        let tree = Tree::new();
        sample_directory(&tree);
        let t = tree.load("dir").unwrap();
        assert_eq!(t.client("Portal").unwrap().name, "Portal");
        assert_eq!(t.client("portal-id").unwrap().name, "Portal");
        let err = t.client("Nope").unwrap_err();
        assert_eq!(err.file, tree.join("dir"));
        assert_eq!(
            err.message,
            r#"no application with name or client_id "Nope" in this tenant (known: Portal, Tools)"#
        );
        assert_eq!(t.rule("late").unwrap().order, None);
        assert!(t.rule("x").unwrap_err().message.contains("(known: first, second, late)"));
        assert!(t.action("x").unwrap_err().message.contains("(known: gate, tag)"));

        let bound: Vec<&str> = t.trigger_actions("post-login").unwrap().iter().map(|a| a.name.as_str()).collect();
        assert_eq!(bound, ["tag", "gate"]);
        assert!(t.trigger_actions("credentials-exchange").unwrap().is_empty());
        assert!(t.trigger_actions("send-phone-message").unwrap().is_empty());
        let err = t.trigger_actions("post_login").unwrap_err();
        assert!(err.message.starts_with(r#"unknown trigger id "post_login"; known: post-login, "#));
    }

    #[test]
    fn fixture_tenants_agree() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let dir = Tenant::load(&root.join("tenant"), &Keywords::default()).unwrap();
        let yaml = Tenant::load(&root.join("tenant-yaml/tenant.yaml"), &Keywords::default()).unwrap();
        assert_eq!(dir.clients.len(), 4);
        assert_eq!(dir.client_grants.len(), 2);
        assert!(dir.client("Legacy Mobile App").unwrap().client_metadata.is_none());
        assert_eq!(comparable(dir), comparable(yaml));
    }

    /// The Deploy CLI's `organizations/<name>.json` (directory) and `organizations:` (YAML), each
    /// with a required `name`; an `/authorize` request names one by id or by name.
    #[test]
    fn organizations_in_both_formats() {
        let tree = Tree::new();
        sample_directory(&tree);
        tree.write("dir/organizations/acme.json", r#"{"name": "acme", "display_name": "Acme", "id": "org_1"}"#);
        tree.write("dir/organizations/globex.json", r#"{"name": "globex"}"#);
        let dir = tree.load("dir").unwrap();
        let names: Vec<&str> = dir.organizations.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["acme", "globex"]);
        assert_eq!(dir.organizations[0].file, tree.join("dir/organizations/acme.json"));
        let find = |key: &str| Organization::find(&dir.organizations, key).map(|o| o.name.as_str());
        assert_eq!(find("org_1"), Some("acme"));
        assert_eq!(find("globex"), Some("globex"));
        assert_eq!((find("org_2"), find("Acme")), (None, None));

        tree.write("dir/organizations/other.json", "{\n  \"name\": \"acme\"\n}");
        let err = tree.load_err("dir");
        assert_eq!((err.file.clone(), err.line), (tree.join("dir/organizations/other.json"), Some(2)));
        assert!(err.message.starts_with("duplicate organization name \"acme\""), "{err}");
        tree.write("dir/organizations/other.json", r#"{"display_name": "Other"}"#);
        assert_eq!(tree.load_err("dir").message, "organization is missing required field \"name\"");

        tree.write("y/tenant.yaml", "organizations:\n  - name: acme\n  - name: 7\n");
        let err = tree.load_err("y");
        assert_eq!(err.line, Some(3));
        assert_eq!(err.message, "organization field \"name\" must be a string, found a number (7)");
        tree.write("y/tenant.yaml", "organizations:\n  - name: acme\n    id: org_1\n");
        assert_eq!(tree.load("y").unwrap().organizations[0].id.as_deref(), Some("org_1"));
    }

    #[test]
    fn load_dispatch() {
        let tree = Tree::new();
        tree.write("a/tenant.yml", "clients:\n  - name: A\n");
        tree.write("b.yaml", "rules: []\n");
        tree.write("c.json", "{}");
        tree.write("empty/tenant.yaml", "");
        let a = tree.load("a").unwrap();
        assert_eq!(a.format, TenantFormat::Yaml(tree.join("a/tenant.yml")));
        assert_eq!(a.clients[0].name, "A");
        assert!(tree.load("b.yaml").unwrap().rules.is_empty());
        assert!(tree.load("empty").unwrap().clients.is_empty());
        let err = tree.load_err("c.json");
        assert!(err.message.starts_with("not a tenant"), "{err}");
        let err = tree.load_err("missing");
        assert_eq!(err.to_string(), format!("{}: tenant path does not exist", tree.join("missing").display()));
        tree.write("bare/README", "no folders");
        let bare = tree.load("bare").unwrap();
        assert!(bare.clients.is_empty() && bare.rules.is_empty() && bare.triggers.is_empty());
    }
}
