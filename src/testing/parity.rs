//! Rule ↔ Action parity: the effects of a Rule and of the Action that replaces it, run on the
//! same case, compared effect by effect. Each difference names the effect with the pair of
//! Rules and Actions features that produce it (Auth0's migration mapping).

use serde_json::{Map, Value};

use super::diff::{same, show};
use super::effects::Effects;

/// One line per differing effect; empty when the two agree.
pub fn compare(rule: &Effects, action: &Effects) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = |label: String, r: String, a: String| out.push(format!("{label}: rule {r}, action {a}"));
    if rule.status != action.status {
        line("status".into(), rule.status.as_str().into(), action.status.as_str().into());
    }
    let text = |v: &Option<String>| v.as_ref().map_or_else(|| "(none)".to_owned(), |s| show(&Value::String(s.clone())));
    if rule.deny != action.deny {
        line("access denied (UnauthorizedError ↔ api.access.deny)".into(), text(&rule.deny), text(&action.deny));
    }
    if rule.redirect != action.redirect {
        line(
            "redirect (context.redirect ↔ api.redirect.sendUserTo)".into(),
            text(&rule.redirect),
            text(&action.redirect),
        );
    }
    let bags = [
        (
            "ID token claim",
            "context.idToken ↔ api.idToken.setCustomClaim",
            &rule.id_token,
            &action.id_token,
            "(not set)",
        ),
        (
            "access token claim",
            "context.accessToken ↔ api.accessToken.setCustomClaim",
            &rule.access_token,
            &action.access_token,
            "(not set)",
        ),
        (
            "app_metadata",
            "auth0.users.updateAppMetadata ↔ api.user.setAppMetadata",
            &rule.app_metadata,
            &action.app_metadata,
            "(unchanged)",
        ),
        (
            "user_metadata",
            "auth0.users.updateUserMetadata ↔ api.user.setUserMetadata",
            &rule.user_metadata,
            &action.user_metadata,
            "(unchanged)",
        ),
    ];
    for (name, mapping, r, a, missing) in bags {
        for key in keys(r, a) {
            let (rv, av) = (r.get(&key), a.get(&key));
            if !rv.zip(av).is_some_and(|(x, y)| same(x, y)) {
                let show_side = |v: Option<&Value>| v.map_or_else(|| missing.to_owned(), show);
                line(format!("{name} {} ({mapping})", show(&Value::String(key))), show_side(rv), show_side(av));
            }
        }
    }
    if rule.scopes != action.scopes {
        line(
            "scopes (context.accessToken.scope ↔ api.accessToken.addScope/removeScope)".into(),
            show(&serde_json::json!(rule.scopes)),
            show(&serde_json::json!(action.scopes)),
        );
    }
    let mfa = |m: &Option<Map<String, Value>>| {
        m.as_ref().map_or_else(|| "(none)".to_owned(), |m| show(&Value::Object(m.clone())))
    };
    if !match (&rule.multifactor, &action.multifactor) {
        (Some(r), Some(a)) => same(&Value::Object(r.clone()), &Value::Object(a.clone())),
        (r, a) => r.is_none() && a.is_none(),
    } {
        line(
            "MFA (context.multifactor ↔ api.multifactor.enable)".into(),
            mfa(&rule.multifactor),
            mfa(&action.multifactor),
        );
    }
    out
}

/// The keys of both maps: the first's in order, then the second's new ones.
fn keys(a: &Map<String, Value>, b: &Map<String, Value>) -> Vec<String> {
    a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))).cloned().collect()
}
