//! Cross-file checks that turn the parsed parts of a tenant into a `Tenant`: duplicate names,
//! rule order clashes, trigger bindings to missing actions, and rule execution order.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::origin::Site;
use super::parse::Bindings;
use super::{Action, Client, Rule, Tenant, TenantError, TenantFormat};

/// Everything a format loader found, each item with where it came from.
#[derive(Default)]
pub(crate) struct Parts {
    pub clients: Vec<(Client, Site)>,
    /// Rule, site of its `name`, site of its `order`.
    pub rules: Vec<(Rule, Site, Site)>,
    pub configs: Vec<((String, Value), Site)>,
    pub actions: Vec<(Action, Site)>,
    pub triggers: Bindings,
    pub grants: Vec<super::grants::RawGrant>,
    pub organizations: Vec<(super::Organization, Site)>,
}

pub(crate) fn assemble(parts: Parts, root: PathBuf, format: TenantFormat) -> Result<Tenant, TenantError> {
    unique("client name", parts.clients.iter().map(|(c, s)| (c.name.as_str(), s)))?;
    let ids = parts.clients.iter().filter_map(|(c, s)| Some((c.client_id.as_deref()?, s)));
    unique("client_id", ids)?;
    unique("rule name", parts.rules.iter().map(|(r, s, _)| (r.name.as_str(), s)))?;
    unique("rules config key", parts.configs.iter().map(|((k, _), s)| (k.as_str(), s)))?;
    unique("action name", parts.actions.iter().map(|(a, s)| (a.name.as_str(), s)))?;
    unique("organization name", parts.organizations.iter().map(|(o, s)| (o.name.as_str(), s)))?;

    let mut orders: HashMap<i64, (&Rule, &Site)> = HashMap::new();
    for (rule, _, site) in &parts.rules {
        let Some(order) = rule.order else { continue };
        if let Some((first, first_site)) = orders.insert(order, (rule, site)) {
            let msg = format!(
                "rules {:?} ({first_site}) and {:?} ({site}) both have order {order}; \
                 rule orders must be distinct",
                first.name, rule.name
            );
            return Err(TenantError::at(&site.file, site.line, msg));
        }
    }

    let mut triggers = BTreeMap::new();
    for (trigger, bindings) in parts.triggers {
        let mut names = Vec::new();
        for (name, site) in bindings {
            if !parts.actions.iter().any(|(a, _)| a.name == name) {
                let known: Vec<&str> = parts.actions.iter().map(|(a, _)| a.name.as_str()).collect();
                let msg = format!(
                    "trigger {trigger:?} binds action {name:?}, which does not exist (actions: {})",
                    list(&known)
                );
                return Err(TenantError::at(&site.file, site.line, msg));
            }
            names.push(name);
        }
        // An empty binding list binds nothing: omitted, as the YAML format usually does.
        if !names.is_empty() {
            triggers.insert(trigger, names);
        }
    }

    let mut rules: Vec<Rule> = parts.rules.into_iter().map(|(r, _, _)| r).collect();
    // Stable: rules without an order keep their file order, after the ordered ones.
    rules.sort_by_key(|r| (r.order.is_none(), r.order));
    let clients: Vec<Client> = parts.clients.into_iter().map(|(c, _)| c).collect();
    let client_grants = super::grants::resolve(parts.grants, &clients)?;
    let rules_configs: Map<String, Value> = parts.configs.into_iter().map(|(kv, _)| kv).collect();
    Ok(Tenant {
        root,
        format,
        clients,
        rules,
        rules_configs,
        actions: parts.actions.into_iter().map(|(a, _)| a).collect(),
        triggers,
        client_grants,
        organizations: parts.organizations.into_iter().map(|(o, _)| o).collect(),
    })
}

/// Fails on the second item sharing a name, naming both places.
fn unique<'a>(what: &str, items: impl Iterator<Item = (&'a str, &'a Site)>) -> Result<(), TenantError> {
    let mut seen: HashMap<&str, &Site> = HashMap::new();
    for (name, site) in items {
        if let Some(first) = seen.insert(name, site) {
            let msg = format!("duplicate {what} {name:?}: also defined at {first}");
            return Err(TenantError::at(&site.file, site.line, msg));
        }
    }
    Ok(())
}

/// Names for an error message: `a, b, c` or `none`.
pub(crate) fn list(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}
