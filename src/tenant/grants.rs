//! Client grants: which application may ask a machine-to-machine token for which API, with
//! which scopes. The Deploy CLI keeps them in `grants/*.json` (directory format) or the
//! `clientGrants:` section (YAML), each `{client_id, audience, scope: [..]}`; its exports write
//! the application's *name* in `client_id`, so either the name or the client_id is accepted.

use std::path::PathBuf;

use serde_json::Value;

use super::origin::{Origin, Site};
use super::{Client, TenantError};

/// One grant of an API to an application.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientGrant {
    /// The application's name (the grant's `client_id` resolved against the tenant's clients).
    pub client: String,
    /// The API identifier, as written.
    pub audience: String,
    /// The scopes granted, in file order.
    pub scope: Vec<String>,
    /// The file it came from.
    pub file: PathBuf,
}

/// A grant as written, before its application is resolved.
pub(crate) struct RawGrant {
    pub client_id: String,
    pub audience: String,
    pub scope: Vec<String>,
    pub site: Site,
}

/// A `grants/*.json` object or a `clientGrants:` entry.
pub(crate) fn parse(value: &Value, origin: Origin) -> Result<RawGrant, TenantError> {
    let Value::Object(obj) = value else {
        return Err(origin.error(None, format!("client grant must be an object, found {}", kind(value))));
    };
    let string = |key: &str| match obj.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        None | Some(Value::Null) => {
            Err(origin.error(None, format!("client grant is missing required field \"{key}\"")))
        }
        Some(other) => Err(origin.error(
            Some(key),
            format!("client grant field \"{key}\" must be a non-empty string, found {}", kind(other)),
        )),
    };
    let client_id = string("client_id")?;
    let audience = string("audience")?;
    let scope = match obj.get("scope") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            let mut scopes = Vec::new();
            for item in items {
                match item.as_str() {
                    Some(s) if !s.is_empty() && !s.contains(char::is_whitespace) => scopes.push(s.to_owned()),
                    _ => {
                        return Err(origin.error(
                            Some("scope"),
                            format!("client grant field \"scope\" must list scope names, found {item}"),
                        ))
                    }
                }
            }
            scopes
        }
        Some(other) => {
            return Err(origin.error(
                Some("scope"),
                format!("client grant field \"scope\" must be an array of strings, found {}", kind(other)),
            ))
        }
    };
    Ok(RawGrant { client_id, audience, scope, site: origin.site(Some("client_id")) })
}

/// Resolves each grant's application (by name, else client_id) and refuses two grants of the
/// same API to the same application, as Auth0 does (409 on create).
pub(crate) fn resolve(raw: Vec<RawGrant>, clients: &[Client]) -> Result<Vec<ClientGrant>, TenantError> {
    let mut grants: Vec<(ClientGrant, Site)> = Vec::new();
    for grant in raw {
        let client = clients
            .iter()
            .find(|c| c.name == grant.client_id)
            .or_else(|| clients.iter().find(|c| c.client_id.as_deref() == Some(grant.client_id.as_str())))
            .ok_or_else(|| {
                let names: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
                let known = if names.is_empty() { "none".to_owned() } else { names.join(", ") };
                TenantError::at(
                    &grant.site.file,
                    grant.site.line,
                    format!(
                        "client grant names application {:?}, which does not exist (applications: {known})",
                        grant.client_id
                    ),
                )
            })?;
        if let Some((_, first)) = grants.iter().find(|(g, _)| g.client == client.name && g.audience == grant.audience) {
            return Err(TenantError::at(
                &grant.site.file,
                grant.site.line,
                format!("duplicate client grant of {:?} to {:?}: also granted at {first}", grant.audience, client.name),
            ));
        }
        let resolved = ClientGrant {
            client: client.name.clone(),
            audience: grant.audience,
            scope: grant.scope,
            file: grant.site.file.clone(),
        };
        grants.push((resolved, grant.site));
    }
    Ok(grants.into_iter().map(|(g, _)| g).collect())
}

fn kind(value: &Value) -> &'static str {
    crate::json::json_type(value)
}

#[cfg(test)]
mod tests {
    use crate::tenant::testutil::{sample_directory, Tree};

    fn grant(tree: &Tree, name: &str, text: &str) {
        tree.write(&format!("dir/grants/{name}.json"), text);
    }

    #[test]
    fn grants_load_by_name_or_client_id() {
        let tree = Tree::new();
        sample_directory(&tree);
        grant(&tree, "a", r#"{"client_id": "Portal", "audience": "https://api", "scope": ["read:x", "write:x"]}"#);
        grant(&tree, "b", r#"{"client_id": "portal-id", "audience": "https://other"}"#);
        let tenant = tree.load("dir").unwrap();
        assert_eq!(tenant.client_grants.len(), 2);
        assert_eq!(tenant.client_grants[0].client, "Portal");
        assert_eq!(tenant.client_grants[0].scope, ["read:x", "write:x"]);
        assert_eq!(tenant.client_grants[1].client, "Portal");
        assert!(tenant.client_grants[1].scope.is_empty());
    }

    #[test]
    fn bad_grants_are_located() {
        let tree = Tree::new();
        sample_directory(&tree);
        grant(&tree, "a", "{\n  \"client_id\": \"Nobody\",\n  \"audience\": \"https://api\"\n}\n");
        let err = tree.load_err("dir");
        assert_eq!(err.file, tree.join("dir/grants/a.json"));
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("application \"Nobody\", which does not exist"), "{err}");

        grant(&tree, "a", "{\n  \"client_id\": \"Portal\",\n  \"audience\": \"x\",\n  \"scope\": \"read:x\"\n}\n");
        let err = tree.load_err("dir");
        assert_eq!(err.line, Some(4));
        assert_eq!(err.message, "client grant field \"scope\" must be an array of strings, found string");
        // RFC 6749 section 3.3: a scope token is one or more characters, none of them a space.
        for (item, shown) in
            [(r#""""#, r#""""#), (r#""read x""#, r#""read x""#), (r#""read\tx""#, r#""read\tx""#), ("7", "7")]
        {
            grant(&tree, "a", &format!(r#"{{"client_id": "Portal", "audience": "x", "scope": ["read:x", {item}]}}"#));
            let err = tree.load_err("dir");
            assert_eq!(
                err.message,
                format!("client grant field \"scope\" must list scope names, found {shown}"),
                "{item}"
            );
        }

        grant(&tree, "a", r#"{"client_id": "Portal", "audience": ""}"#);
        assert!(tree.load_err("dir").message.starts_with("client grant field \"audience\" must be a non-empty string"));
        grant(&tree, "a", "{\n  \"client_id\": \"Portal\"\n}\n");
        assert_eq!(tree.load_err("dir").message, "client grant is missing required field \"audience\"");

        grant(&tree, "a", r#"{"client_id": "Portal", "audience": "https://api", "scope": ["read:x"]}"#);
        grant(&tree, "b", "{\n\n  \"client_id\": \"portal-id\", \"audience\": \"https://api\"}");
        let err = tree.load_err("dir");
        assert_eq!(err.file, tree.join("dir/grants/b.json"));
        assert_eq!(err.line, Some(3));
        assert!(err.message.starts_with("duplicate client grant of \"https://api\" to \"Portal\""), "{err}");
    }

    #[test]
    fn yaml_client_grants_section() {
        let tree = Tree::new();
        tree.write(
            "y/tenant.yaml",
            "clients:\n  - name: A\nclientGrants:\n  - client_id: A\n    audience: https://api\n    scope:\n      - read:x\n  - client_id: B\n    audience: https://api\n",
        );
        let err = tree.load_err("y");
        assert_eq!(err.line, Some(8));
        assert!(err.message.contains("application \"B\""), "{err}");
        tree.write(
            "y/tenant.yaml",
            "clients:\n  - name: A\nclientGrants:\n  - client_id: A\n    audience: https://api\n",
        );
        let tenant = tree.load("y").unwrap();
        assert_eq!(tenant.client_grants[0].audience, "https://api");
    }
}
