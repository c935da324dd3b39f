//! `fetch` and what the Node oracle of `tests/compat` cannot show: a redirect hop no mock answers
//! (a missing mock, not a server's answer), each hop's delay and an abort during a later hop, the
//! requests recorded for a redirect loop (the Fetch standard's limit of 20 redirects), and `data:`
//! URLs answered with no mock at all and never recorded.

use actionhost::{HttpMock, Request, Status};
use serde_json::{json, Value};

use crate::util::*;

/// A mock answering any method at `url` with `status` and a `Location` of `location`.
fn redirect(url: &str, status: u16, location: &str) -> HttpMock {
    HttpMock {
        method: None,
        url: url.into(),
        status: Some(status),
        headers: Some(json!({"location": location}).as_object().unwrap().clone()),
        json: None,
        text: None,
        delay_ms: None,
        error: None,
    }
}

fn text(url: &str, body: &str) -> HttpMock {
    HttpMock { status: None, headers: None, text: Some(body.into()), ..redirect(url, 200, "") }
}

fn recorded(outcome: &actionhost::Outcome) -> Vec<(String, String, Option<u16>)> {
    outcome.requests.iter().map(|r| (r.method.clone(), r.url.clone(), r.status)).collect()
}

#[tokio::test]
async fn a_hop_no_mock_answers_fails_the_execution_naming_its_url() {
    // Even when the script catches the rejection, as for the first request.
    let source = "exports.onExecutePostLogin = async () => { try { await fetch('https://a.example.com/old', { method: 'POST', body: 'x' }); } catch (e) {} };";
    let http = vec![redirect("https://a.example.com/old", 303, "/new")];
    let outcome = run(Request { http: Some(http), ..inline(source) }).await;
    assert_eq!(outcome.status, Status::Error);
    assert!(outcome.error.as_ref().unwrap().message.contains("no HTTP mock matches GET https://a.example.com/new"));
    assert_eq!(
        recorded(&outcome),
        [
            ("POST".into(), "https://a.example.com/old".into(), Some(303)),
            ("GET".into(), "https://a.example.com/new".into(), None)
        ]
    );
}

#[tokio::test]
async fn each_hop_waits_for_its_mock_and_an_abort_stops_the_one_waiting() {
    let source = "exports.onExecutePostLogin = async () => {\n\
        const started = Date.now();\n\
        const r = await fetch('https://a.example.com/one');\n\
        const answered = [r.status, r.url, r.redirected, await r.text(), Date.now() - started >= 60];\n\
        try { await fetch('https://a.example.com/one', { signal: AbortSignal.timeout(50) }); return 'answered'; }\n\
        catch (e) { return [answered, e.name]; }\n};";
    let http = vec![
        HttpMock { delay_ms: Some(30), ..redirect("https://a.example.com/one", 307, "https://b.example.com/two") },
        HttpMock { delay_ms: Some(30), ..text("https://b.example.com/two", "arrived") },
    ];
    let outcome = run(Request { http: Some(http), ..inline(source) }).await;
    assert_eq!(outcome.status, Status::Completed, "{:?}", outcome.error);
    assert_eq!(outcome.returned, json!([[200, "https://b.example.com/two", true, "arrived", true], "TimeoutError"]));
    // The second fetch: its first hop answered (30 ms), its second aborted while waiting.
    let statuses: Vec<Option<u16>> = outcome.requests.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(307), Some(200), Some(307), None]);
}

#[tokio::test]
async fn a_loop_is_followed_twenty_times_then_rejects() {
    let source = "exports.onExecutePostLogin = async () => {\n\
        try { await fetch('https://a.example.com/loop'); return 'answered'; }\n\
        catch (e) { return [e.name, e.message, e.cause.message]; }\n};";
    let outcome =
        run(Request { http: Some(vec![redirect("https://a.example.com/loop", 302, "loop")]), ..inline(source) }).await;
    assert_eq!(outcome.returned, json!(["TypeError", "fetch failed", "redirect count exceeded"]));
    // The first request and 20 redirects followed, each recorded with its answer.
    assert_eq!(outcome.requests.len(), 21);
    assert!(outcome.requests.iter().all(|r| r.url == "https://a.example.com/loop" && r.status == Some(302)));
}

#[tokio::test]
async fn data_urls_need_no_mock_and_are_not_recorded() {
    let source = "exports.onExecutePostLogin = async () => {\n\
        const r = await fetch('data:application/json;base64,eyJhIjoxfQ==');\n\
        return [r.status, r.headers.get('content-type'), await r.json()];\n};";
    let outcome = run(inline(source)).await;
    assert_eq!(outcome.status, Status::Completed, "{:?}", outcome.error);
    assert_eq!(outcome.returned, json!([200, "application/json", {"a": 1}]));
    assert_eq!(outcome.requests.len(), 0);
    // A data: URL is not a network request: a redirect to one is refused, as Node refuses it.
    let source =
        "exports.onExecutePostLogin = async () => fetch('https://a.example.com/x').catch((e) => e.cause.message);";
    let outcome =
        run(Request { http: Some(vec![redirect("https://a.example.com/x", 301, "data:,hi")]), ..inline(source) }).await;
    assert_eq!(outcome.returned, Value::from("URL scheme must be a HTTP(S) scheme"));
}
