//! `/dashboard/`: the Dashboard's Applications list and each application's Advanced Settings >
//! Application Metadata tab, server-rendered (minijinja templates, HTML autoescaping, no
//! JavaScript), writing through the tenant's locked, atomic store.
//!
//! The pending pairs travel in the form as hidden fields, so Add and Delete (after its
//! confirmation step) re-render the page without writing anything; Save Changes applies the keys
//! set and deleted between the metadata the page was opened with and the draft through
//! [`crate::tenant::update_client_metadata`], which validates them with Auth0's rules. Every POST
//! carries this server's random form token.

mod csrf;
mod draft;

use std::sync::{Arc, LazyLock};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use minijinja::{context, AutoEscape, Environment, UndefinedBehavior};
use serde::Deserialize;

use super::state::ServeState;
use crate::tenant::client_metadata::{MetadataError, MAX_KEYS, MAX_LEN};
use crate::tenant::{update_client_metadata, Client, MetadataChange};
use draft::Pairs;

/// The dashboard's routes.
pub fn router() -> Router<Arc<ServeState>> {
    Router::new()
        .route("/dashboard", get(|| async { Redirect::permanent("/dashboard/") }))
        .route("/dashboard/", get(applications))
        .route("/dashboard/style.css", get(style))
        .route("/dashboard/applications/{id}/settings", get(show).post(submit))
}

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    for (name, source) in [
        ("layout.html", include_str!("templates/layout.html")),
        ("applications.html", include_str!("templates/applications.html")),
        ("metadata.html", include_str!("templates/metadata.html")),
        ("error.html", include_str!("templates/error.html")),
    ] {
        env.add_template(name, source).unwrap_or_else(|e| panic!("dashboard template {name}: {e}"));
    }
    env
});

/// Renders `template` as a page: no caching, no framing, no scripts, forms posting only here.
fn page(status: StatusCode, template: &str, ctx: minijinja::Value) -> Response {
    let html = match TEMPLATES.get_template(template).and_then(|t| t.render(ctx)) {
        Ok(html) => html,
        Err(e) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, format!("dashboard template {template}: {e}")).into_response()
        }
    };
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

fn error_page(status: StatusCode, message: impl Into<String>) -> Response {
    page(
        status,
        "error.html",
        context! { status => status.as_u16(), reason => status.canonical_reason(), message => message.into() },
    )
}

async fn style() -> Response {
    let mut response = include_str!("templates/style.css").into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    response
}

/// How an application is named in its page's address: its client_id, else its name.
fn link_id(client: &Client) -> &str {
    client.client_id.as_deref().unwrap_or(&client.name)
}

fn settings_url(client: &Client) -> String {
    let id: String = link_id(client)
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("/dashboard/applications/{id}/settings")
}

/// The application of a page address: by client_id, else by name.
fn find<'a>(clients: &'a [Client], id: &str) -> Option<&'a Client> {
    clients.iter().find(|c| c.client_id.as_deref() == Some(id)).or_else(|| clients.iter().find(|c| c.name == id))
}

async fn applications(State(state): State<Arc<ServeState>>) -> Response {
    let tenant = match state.tenant() {
        Ok(tenant) => tenant,
        Err(e) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    let apps: Vec<minijinja::Value> = tenant
        .clients
        .iter()
        .map(|c| {
            context! {
                name => &c.name,
                client_id => &c.client_id,
                app_type => c.raw.get("app_type").and_then(|v| v.as_str()),
                url => settings_url(c),
            }
        })
        .collect();
    page(StatusCode::OK, "applications.html", context! { applications => apps })
}

#[derive(Deserialize)]
struct ShowQuery {
    saved: Option<String>,
}

/// What the Application Metadata tab shows besides the application.
#[derive(Default)]
struct Tab {
    base: Pairs,
    draft: Pairs,
    key: String,
    value: String,
    key_error: Option<String>,
    value_error: Option<String>,
    save_error: Option<String>,
    /// The key whose deletion awaits confirmation.
    confirm: Option<String>,
    /// The field focused on load: `key`, `value` or `cancel`.
    focus: Option<&'static str>,
    saved: bool,
}

fn render_tab(status: StatusCode, client: &Client, tab: Tab) -> Response {
    let pending = !draft::changes(&tab.base, &tab.draft).is_empty();
    let ctx = context! {
        name => &client.name,
        client_id => &client.client_id,
        action => settings_url(client),
        csrf => csrf::token(),
        base => tab.base,
        draft => tab.draft,
        key => tab.key,
        value => tab.value,
        key_error => tab.key_error,
        value_error => tab.value_error,
        save_error => tab.save_error,
        confirm => tab.confirm,
        focus => tab.focus,
        saved => tab.saved,
        pending => pending,
        max_keys => MAX_KEYS,
        max_len => MAX_LEN,
    };
    page(status, "metadata.html", ctx)
}

/// The tenant's application of `id`, or the status and message of the error page.
fn load_client(state: &ServeState, id: &str) -> Result<Client, (StatusCode, String)> {
    let tenant = state.tenant().map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    find(&tenant.clients, id).cloned().ok_or_else(|| {
        let names: Vec<&str> = tenant.clients.iter().map(|c| c.name.as_str()).collect();
        let known = if names.is_empty() { "none".to_owned() } else { names.join(", ") };
        (StatusCode::NOT_FOUND, format!("no application with client_id or name {id:?} (known: {known})"))
    })
}

async fn show(
    State(state): State<Arc<ServeState>>,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Response {
    let client = match load_client(&state, &id) {
        Ok(client) => client,
        Err((status, message)) => return error_page(status, message),
    };
    let saved = draft::pairs_of(&client.client_metadata.clone().unwrap_or_default());
    let tab = Tab { base: saved.clone(), draft: saved, saved: query.saved.is_some(), ..Tab::default() };
    render_tab(StatusCode::OK, &client, tab)
}

/// A posted Application Metadata form.
#[derive(Debug, Default, PartialEq)]
struct Posted {
    csrf: String,
    base: Pairs,
    draft: Pairs,
    key: String,
    value: String,
    /// `add`, `confirm-delete`, `cancel` or `save`.
    action: Option<String>,
    /// The key of the Delete button pressed.
    delete: Option<String>,
    /// The key a confirmation is about.
    target: Option<String>,
}

/// Reads the form body; hidden pairs come as `draft_key`/`draft_value` (and `base_…`) in order.
fn parse_form(body: &[u8]) -> Result<Posted, FormError> {
    let mut posted = Posted::default();
    let (mut base_keys, mut base_values, mut draft_keys, mut draft_values) = (vec![], vec![], vec![], vec![]);
    for (name, value) in form_urlencoded::parse(body) {
        let value = value.into_owned();
        match name.as_ref() {
            "csrf" => posted.csrf = value,
            "base_key" => base_keys.push(value),
            "base_value" => base_values.push(value),
            "draft_key" => draft_keys.push(value),
            "draft_value" => draft_values.push(value),
            "key" => posted.key = value,
            "value" => posted.value = value,
            "action" => posted.action = Some(value),
            "delete" => posted.delete = Some(value),
            "target" => posted.target = Some(value),
            _ => {}
        }
    }
    let zip = |keys: Vec<String>, values: Vec<String>, what: &'static str| {
        if keys.len() != values.len() {
            return Err(FormError::Unpaired { what, keys: keys.len(), values: values.len() });
        }
        Ok(keys.into_iter().zip(values).collect::<Pairs>())
    };
    posted.base = zip(base_keys, base_values, "base")?;
    posted.draft = zip(draft_keys, draft_values, "draft")?;
    Ok(posted)
}

/// A form body the tab's page did not send.
#[derive(Debug, thiserror::Error)]
enum FormError {
    #[error("form field {what}_key given {keys} times but {what}_value {values} times")]
    Unpaired { what: &'static str, keys: usize, values: usize },
}

/// Which field a validation message belongs beside.
fn is_value_error(error: &MetadataError) -> bool {
    matches!(error, MetadataError::ValueTooLong { .. } | MetadataError::NotAString { .. })
}

async fn submit(State(state): State<Arc<ServeState>>, Path(id): Path<String>, body: Bytes) -> Response {
    let posted = match parse_form(&body) {
        Ok(posted) => posted,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, e.to_string()),
    };
    if !csrf::check(&posted.csrf) {
        let msg = "the form's token is missing or not this server's (was the server restarted?); reload the page";
        return error_page(StatusCode::FORBIDDEN, msg);
    }
    let client = match load_client(&state, &id) {
        Ok(client) => client,
        Err((status, message)) => return error_page(status, message),
    };
    let mut tab = Tab { base: posted.base, draft: posted.draft, focus: Some("key"), ..Tab::default() };
    if let Some(key) = posted.delete {
        // The trash-can button: ask first, keep what was typed.
        tab.confirm = Some(key);
        tab.focus = Some("cancel");
        (tab.key, tab.value) = (posted.key, posted.value);
        return render_tab(StatusCode::OK, &client, tab);
    }
    match posted.action.as_deref() {
        Some("add") => {
            let mut next = tab.draft.clone();
            draft::add(&mut next, &posted.key, &posted.value);
            if let Err(e) = draft::validate(&next) {
                let value_error = is_value_error(&e);
                (tab.key, tab.value) = (posted.key, posted.value);
                if value_error {
                    tab.value_error = Some(e.to_string());
                    tab.focus = Some("value");
                } else {
                    tab.key_error = Some(e.to_string());
                }
                return render_tab(StatusCode::UNPROCESSABLE_ENTITY, &client, tab);
            }
            tab.draft = next;
        }
        Some("confirm-delete") => match posted.target {
            Some(key) => draft::delete(&mut tab.draft, &key),
            None => return error_page(StatusCode::BAD_REQUEST, "form field target (the key to delete) is missing"),
        },
        Some("cancel") => (tab.key, tab.value) = (posted.key, posted.value),
        Some("save") => {
            let patch = draft::changes(&tab.base, &tab.draft);
            let (tenant, name) = (state.tenant.clone(), client.name.clone());
            let keywords = state.host.config().keywords.clone();
            let written = tokio::task::spawn_blocking(move || {
                update_client_metadata(&tenant, &name, MetadataChange::Patch(patch), &keywords)
            })
            .await;
            return match written {
                Ok(Ok(_)) => Redirect::to(&format!("{}?saved=1", settings_url(&client))).into_response(),
                Ok(Err(e)) => {
                    tab.save_error = Some(e.to_string());
                    tab.focus = Some("save");
                    render_tab(StatusCode::UNPROCESSABLE_ENTITY, &client, tab)
                }
                Err(e) => error_page(StatusCode::INTERNAL_SERVER_ERROR, format!("the write stopped: {e}")),
            };
        }
        Some(other) => {
            return error_page(StatusCode::BAD_REQUEST, format!("form field action: unknown value {other:?}"))
        }
        None => return error_page(StatusCode::BAD_REQUEST, "form field action is missing"),
    }
    render_tab(StatusCode::OK, &client, tab)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_pairs_are_read_in_order() {
        let body =
            b"csrf=t&base_key=A&base_value=1&draft_key=A&draft_value=2&draft_key=B+C&draft_value=%3D&key=k&action=add";
        let posted = parse_form(body).unwrap();
        assert_eq!(posted.base, vec![("A".into(), "1".into())]);
        assert_eq!(posted.draft, vec![("A".into(), "2".into()), ("B C".into(), "=".into())]);
        assert_eq!((posted.csrf.as_str(), posted.key.as_str(), posted.action.as_deref()), ("t", "k", Some("add")));
        let err = parse_form(b"draft_key=A&draft_key=B&draft_value=1").unwrap_err();
        assert_eq!(err.to_string(), "form field draft_key given 2 times but draft_value 1 times");
    }

    #[test]
    fn pages_render_escaped() {
        let client = Client {
            name: "<b>App</b>".into(),
            client_id: Some("id 1".into()),
            client_metadata: None,
            file: Default::default(),
            raw: serde_json::Value::Null,
        };
        let tab = Tab { draft: vec![("K".into(), "<script>x</script>".into())], ..Tab::default() };
        let response = render_tab(StatusCode::OK, &client, tab);
        assert_eq!(response.status(), StatusCode::OK);
        let html = futures_body(response);
        assert!(html.contains("&lt;script&gt;x&lt;&#x2f;script&gt;"), "{html}");
        assert!(!html.contains("<script>"));
        assert!(html.contains("action=\"&#x2f;dashboard&#x2f;applications&#x2f;id%201&#x2f;settings\""), "{html}");
    }

    fn futures_body(response: Response) -> String {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let bytes = rt.block_on(axum::body::to_bytes(response.into_body(), usize::MAX)).unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }
}
