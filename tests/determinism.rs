//! A fixed clock, seeded randomness and HTTP mocks make an execution reproducible.

use actionhost::{HttpMock, Request, Status};
use serde_json::{json, Value};

use crate::util::*;

const PROBE: &str = "exports.onExecutePostLogin = async () => ({ now: Date.now(), date: new Date().toISOString(), called: Date(), perf: performance.now(), random: [Math.random(), Math.random()], uuid: crypto.randomUUID(), bytes: Array.from(crypto.getRandomValues(new Uint8Array(4))) });";

fn fixed(seed: u64) -> Request {
    Request { now: Some(json!("2025-01-02T03:04:05.000Z")), seed: Some(seed), ..inline(PROBE) }
}

#[tokio::test]
async fn a_fixed_clock_and_seed_give_the_same_values_every_time() {
    let first = run(fixed(7)).await.returned;
    let second = run(fixed(7)).await.returned;
    assert_eq!(first, second);
    assert_eq!(first["now"], json!(1735787045000u64));
    assert_eq!(first["date"], json!("2025-01-02T03:04:05.000Z"));
    assert!(first["called"].as_str().unwrap().starts_with("Thu Jan 02 2025"), "{}", first["called"]);
    assert_eq!(first["perf"], json!(0));
    let uuid = first["uuid"].as_str().unwrap();
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "4", "a version 4 UUID: {uuid}");
    let other = run(fixed(8)).await.returned;
    assert_ne!(first["random"], other["random"]);
    assert_ne!(first["uuid"], other["uuid"]);
}

#[tokio::test]
async fn epoch_milliseconds_are_accepted_and_bad_dates_refused() {
    let outcome = run(Request { now: Some(json!(86_400_000)), ..inline(PROBE) }).await;
    assert_eq!(outcome.returned["date"], json!("1970-01-02T00:00:00.000Z"));
    let outcome = run(Request { now: Some(json!("yesterday")), ..inline(PROBE) }).await;
    assert_eq!(outcome.status, Status::Error);
    let message = outcome.error.unwrap().message;
    assert!(message.contains("now: not a date"), "{message}");
}

#[tokio::test]
async fn without_settings_time_and_randomness_are_real_and_isolated() {
    let a = run(inline(PROBE)).await.returned;
    let b = run(inline(PROBE)).await.returned;
    assert_ne!(a["random"], b["random"]);
    assert_ne!(a["uuid"], b["uuid"]);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    assert!((a["now"].as_i64().unwrap() - now).abs() < 60_000);
    // The clock of one execution does not stay fixed for the next.
    run(fixed(1)).await;
    let after = run(inline(PROBE)).await.returned;
    assert_ne!(after["date"], json!("2025-01-02T03:04:05.000Z"));
}

const FETCHER: &str = "exports.onExecutePostLogin = async (event, api) => {\n  const res = await fetch('https://risk.example.com/score?user=' + event.user.user_id, { headers: { authorization: 'Bearer ' + event.secrets.KEY } });\n  const body = await res.json();\n  api.idToken.setCustomClaim('risk', body.score);\n  return res.status;\n};";

fn mock(url: &str, json: Value) -> HttpMock {
    HttpMock {
        method: Some("GET".into()),
        url: url.into(),
        status: None,
        headers: None,
        json: Some(json),
        text: None,
        delay_ms: None,
        error: None,
    }
}

#[tokio::test]
async fn fetch_is_answered_by_the_first_matching_mock_and_recorded() {
    let outcome = run(Request {
        http: Some(vec![
            mock("https://other.example.com/*", json!({"score": 0})),
            mock("https://risk.example.com/score?user=*", json!({"score": 0.9})),
        ]),
        secrets: Some(json!({"KEY": "k1"}).as_object().unwrap().clone()),
        ..inline(FETCHER)
    })
    .await;
    assert_eq!(outcome.status, Status::Completed, "{:?}", outcome.error);
    assert_eq!(outcome.returned, json!(200));
    assert_eq!(outcome.commands[0].args(), [json!("risk"), json!(0.9)]);
    let request = &outcome.requests[0];
    assert_eq!(request.method, "GET");
    assert!(
        request.url.starts_with("https://risk.example.com/score?user=auth0%7C")
            || request.url.starts_with("https://risk.example.com/score?user=auth0|"),
        "{}",
        request.url
    );
    assert_eq!(request.headers["authorization"], json!("Bearer k1"));
    assert_eq!(request.status, Some(200));
}

#[tokio::test]
async fn an_unmocked_request_fails_the_execution_naming_the_url() {
    // Even when the script catches the rejection.
    let source = "exports.onExecutePostLogin = async () => { try { await fetch('https://api.example.com/v1/users'); } catch (e) {} };";
    let outcome = run(inline(source)).await;
    assert_eq!(outcome.status, Status::Error);
    assert!(outcome.error.unwrap().message.contains("no HTTP mock matches GET https://api.example.com/v1/users"));
    assert_eq!(outcome.requests[0].status, None);
}

#[tokio::test]
async fn mocks_set_status_headers_text_and_delay() {
    let source = "exports.onExecutePostLogin = async () => { const started = Date.now(); const r = await fetch('https://x.example.com/a', { method: 'POST', body: 'hi' }); return [r.status, r.ok, r.headers.get('X-Trace'), await r.text(), Date.now() - started >= 30]; };";
    let http = vec![HttpMock {
        method: Some("post".into()),
        url: "https://x.example.com/a".into(),
        status: Some(503),
        headers: Some(json!({"X-Trace": "t1"}).as_object().unwrap().clone()),
        json: None,
        text: Some("busy".into()),
        delay_ms: Some(30),
        error: None,
    }];
    let outcome = run(Request { http: Some(http), ..inline(source) }).await;
    assert_eq!(outcome.returned, json!([503, false, "t1", "busy", true]));
    assert_eq!(outcome.requests[0].body.as_deref(), Some("hi"));
}

fn post_mock(url: &str) -> HttpMock {
    HttpMock { method: Some("POST".into()), status: Some(201), ..mock(url, json!({"ok": true})) }
}

#[tokio::test]
async fn a_form_data_body_is_recorded_as_node_sends_it() {
    let source = "exports.onExecutePostLogin = async () => {\n\
        const body = new FormData(); body.append('id', 'u1'); body.append('file', new Blob(['hi'], { type: 'text/plain' }), 'a.txt');\n\
        const r = await fetch('https://x.example.com/upload', { method: 'POST', headers: { authorization: 'Bearer t' }, body });\n\
        return [r.status, (await r.json()).ok];\n};";
    let request =
        || Request { http: Some(vec![post_mock("https://x.example.com/upload")]), seed: Some(3), ..inline(source) };
    let outcome = run(request()).await;
    assert_eq!(outcome.status, Status::Completed, "{:?}", outcome.error);
    assert_eq!(outcome.returned, json!([201, true]));
    let recorded = &outcome.requests[0];
    // Node's fetch (undici) writes the boundary `----formdata-undici-0` and 11 digits, and this
    // text (RFC 7578's shape, with its final CRLF); tests/compat compares it with what Node sends.
    let content_type = recorded.headers["content-type"].as_str().unwrap();
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect(content_type);
    assert!(boundary.starts_with("----formdata-undici-0") && boundary.len() == 32, "{boundary}");
    assert!(boundary[21..].bytes().all(|b| b.is_ascii_digit()), "{boundary}");
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\nu1\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n\
         --{boundary}--\r\n"
    );
    assert_eq!(recorded.body.as_deref(), Some(expected.as_str()));
    assert_eq!(recorded.headers["authorization"], json!("Bearer t"));
    assert_eq!(recorded.status, Some(201));
    // The boundary comes from the seeded `Math.random`: the same seed records the same request.
    assert_eq!(run(request()).await.requests[0].body, recorded.body);
}

#[tokio::test]
async fn bodies_are_recorded_with_the_content_type_they_give() {
    let source = "exports.onExecutePostLogin = async () => {\n\
        await fetch('https://x.example.com/a', { method: 'POST', body: new URLSearchParams({ a: '1 2', b: 'é' }) });\n\
        await fetch(new Request('https://x.example.com/a', { method: 'POST', body: new Blob(['{}'], { type: 'application/json' }) }));\n\
        fetch('https://x.example.com/a', { method: 'POST', body: new TextEncoder().encode('bytes') });\n};";
    let outcome = run(Request { http: Some(vec![post_mock("https://x.example.com/*")]), ..inline(source) }).await;
    assert_eq!(outcome.status, Status::Completed, "{:?}", outcome.error);
    let seen: Vec<(Option<&str>, Option<&str>)> = outcome
        .requests
        .iter()
        .map(|r| (r.headers.get("content-type").and_then(Value::as_str), r.body.as_deref()))
        .collect();
    // The Fetch standard's "extract a body" (what Node sends): URL-encoded form, the Blob's type, none for bytes.
    assert_eq!(
        seen,
        [
            (Some("application/x-www-form-urlencoded;charset=UTF-8"), Some("a=1+2&b=%C3%A9")),
            (Some("application/json"), Some("{}")),
            (None, Some("bytes")),
        ]
    );
}

#[tokio::test]
async fn an_abort_during_a_mock_delay_rejects_with_the_signal_reason() {
    let source = "exports.onExecutePostLogin = async () => {\n\
        try { await fetch('https://x.example.com/slow', { signal: AbortSignal.timeout(20) }); return 'answered'; }\n\
        catch (e) { return [e.name, e.message]; }\n};";
    let slow = HttpMock { delay_ms: Some(5_000), ..mock("https://x.example.com/slow", json!({})) };
    let outcome = run(Request { http: Some(vec![slow]), ..inline(source) }).await;
    assert_eq!(outcome.returned, json!(["TimeoutError", "The operation was aborted due to timeout"]));
    assert_eq!(outcome.requests[0].status, None);
    assert!(outcome.duration_ms < 4_000.0, "{}", outcome.duration_ms);
}

#[tokio::test]
async fn a_mock_that_fails_the_connection_cannot_also_answer() {
    let failing = |mock: HttpMock| HttpMock { error: Some(actionhost::ConnectionFailure::Refused), ..mock };
    let with_status = failing(HttpMock { json: None, status: Some(503), ..mock("https://x.example.com", json!({})) });
    let error = host().run(Request { http: Some(vec![with_status]), ..inline(FETCHER) }).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "http[0].status: a mock that fails the connection (ECONNREFUSED) sends no answer: remove `status` or `error`"
    );
    let with_body = failing(mock("https://x.example.com", json!({})));
    let error = host().run(Request { http: Some(vec![with_body]), ..inline(FETCHER) }).await.unwrap_err();
    assert!(error.to_string().starts_with("http[0].json: "), "{error}");
    let unknown: Result<Vec<HttpMock>, _> =
        serde_json::from_str(r#"[{"url": "https://x.example.com", "error": "EPIPE"}]"#);
    let message = unknown.unwrap_err().to_string();
    assert!(
        message.contains(r#"unknown error "EPIPE"; known: ECONNREFUSED, ECONNRESET, ENOTFOUND, ETIMEDOUT"#),
        "{message}"
    );
}

#[tokio::test]
async fn a_mock_cannot_have_two_bodies() {
    let http = vec![HttpMock { text: Some("x".into()), ..mock("https://x.example.com", json!({})) }];
    let error = host().run(Request { http: Some(http), ..inline(FETCHER) }).await.unwrap_err();
    assert_eq!(error.to_string(), "http[0]: give json or text, not both");
}
