//! The pages the login server shows: the login page listing the tenant's users (a form of
//! buttons: labelled, reachable by keyboard, no JavaScript) and the error page of requests that
//! cannot be sent back to the application. Rendered by minijinja, HTML-escaped.

use std::sync::OnceLock;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::{context, Environment};

const LAYOUT: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} · actionhost</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #1b1b1b; }
button { display: block; width: 100%; text-align: left; padding: .75rem 1rem; margin: .5rem 0; font: inherit;
         border: 1px solid #767676; border-radius: .375rem; background: #fff; cursor: pointer; }
button:hover { background: #f0f0f0; }
button:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
.detail { display: block; color: #4a4a4a; font-size: .9em; }
.error { border-left: 4px solid #b00020; padding-left: 1rem; }
pre { background: #f4f4f4; padding: 1rem; overflow-x: auto; }
</style>
</head>
<body>
<main>
{% block body %}{% endblock %}
</main>
</body>
</html>
"#;

const LOGIN: &str = r#"{% extends "layout.html" %}
{% block title %}Log in to {{ client }}{% endblock %}
{% block body %}
<h1>Log in to {{ client }}</h1>
{% if notice %}<p role="status">{{ notice }}</p>{% endif %}
{% if users %}
<form method="post" action="/authorize/login">
<input type="hidden" name="tx" value="{{ tx }}">
<fieldset>
<legend>Choose the user to log in as</legend>
{% for user in users %}
<button type="submit" name="user_id" value="{{ user.user_id }}" aria-describedby="user-{{ loop.index }}">
{{ user.name }}<span class="detail" id="user-{{ loop.index }}">{{ user.email }} · {{ user.user_id }}</span>
</button>
{% endfor %}
</fieldset>
</form>
{% else %}
<p>The tenant has no users: add user files to its <code>users/</code> folder.</p>
{% endif %}
{% endblock %}
"#;

const ERROR: &str = r#"{% extends "layout.html" %}
{% block title %}{{ title }}{% endblock %}
{% block body %}
<h1>{{ title }}</h1>
<div class="error" role="alert"><p>{{ message }}</p></div>
{% endblock %}
"#;

const TESTER: &str = r#"{% extends "layout.html" %}
{% block title %}Login test of {{ client_id }}{% endblock %}
{% block body %}
<h1>Login test</h1>
<p>Application: <code>{{ client_id }}</code></p>
{% if error %}
<div class="error" role="alert"><h2>{{ error }}</h2><p>{{ error_description }}</p></div>
{% else %}
<p role="status">The login completed{% if scope %} with scopes <code>{{ scope }}</code>{% endif %}.</p>
{% if id_token %}<h2>ID token claims</h2>
<pre id="id-token">{{ id_token }}</pre>{% endif %}
<h2>Access token claims</h2>
{% if access_token %}<pre id="access-token">{{ access_token }}</pre>
{% else %}<p id="access-token">The access token is opaque: with no API audience asked, Auth0 issues one that only
<code>/userinfo</code> reads. Try again with an <code>audience</code> to get a JWT and see its claims.</p>{% endif %}
{% endif %}
<p><a href="/tester/try?client_id={{ client_id | urlencode }}">Try again</a></p>
{% endblock %}
"#;

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in
            [("layout.html", LAYOUT), ("login.html", LOGIN), ("error.html", ERROR), ("tester.html", TESTER)]
        {
            env.add_template(name, source).expect("the login server's templates are valid");
        }
        env
    })
}

pub fn render(name: &str, context: minijinja::Value) -> Result<String, minijinja::Error> {
    environment().get_template(name).and_then(|t| t.render(context))
}

/// A user offered on the login page.
#[derive(Debug)]
pub struct UserChoice {
    pub user_id: String,
    pub name: String,
    pub email: String,
}

fn values(users: &[UserChoice]) -> Vec<minijinja::Value> {
    users
        .iter()
        .map(|u| context! { user_id => u.user_id.clone(), name => u.name.clone(), email => u.email.clone() })
        .collect()
}

/// The login page of the authorization request `tx`.
pub fn login(client: &str, tx: &str, users: &[UserChoice], notice: Option<&str>) -> Response {
    match render("login.html", context! { client, tx, notice, users => values(users) }) {
        Ok(html) => Html(html).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &e.to_string()),
    }
}

/// An error page.
pub fn error(status: StatusCode, title: &str, message: &str) -> Response {
    match render("error.html", context! { title, message }) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => (status, format!("{title}: {message} ({e})")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_page_escapes_what_it_shows() {
        let users = [UserChoice { user_id: "auth0|1".into(), name: "<script>x</script>".into(), email: "a@b".into() }];
        let html =
            render("login.html", context! { client => "App", tx => "t1", users => values(&users), notice => () })
                .unwrap();
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"), "{html}");
        assert!(html.contains(r#"name="user_id" value="auth0|1""#), "{html}");
        assert!(html.contains("<legend>Choose the user to log in as</legend>"), "{html}");
    }
}
