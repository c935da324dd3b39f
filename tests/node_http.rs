//! Node's `http` and `https` clients answered by the HTTP mocks, where Node's answers cannot show
//! it (tests/compat runs axios, request and node-fetch against Node itself): a request no mock
//! matches, a mock slower than the request's timeout, a body sent in chunks, what one execution
//! does to the agents. Expected behaviour from Node's documentation of `http.request`
//! (`request.setTimeout`: "emitted when the underlying socket times out from inactivity"; a
//! destroyed request emits `error` with `ECONNRESET` "socket hang up") and checked under Node 20;
//! a connect timeout, which Node cannot be made to give here, as Node's `net` builds it
//! (`exceptionWithHostPort`: `connect ETIMEDOUT host:port`, libuv's errno -110 on Linux) and as
//! undici, Node's fetch, reports its own (`ConnectTimeoutError`, `UND_ERR_CONNECT_TIMEOUT`).

use actionhost::{ConnectionFailure, HttpMock, Request, Status};
use serde_json::{json, Value};

use crate::util::*;

fn mock(method: &str, url: &str, json: Value, delay_ms: Option<u64>) -> HttpMock {
    HttpMock {
        method: Some(method.into()),
        url: url.into(),
        status: None,
        headers: Some(json!({"x-trace": "t1"}).as_object().unwrap().clone()),
        json: Some(json),
        text: None,
        delay_ms,
        error: None,
    }
}

/// An Action whose handler awaits `body` (in an async function with `http` and `https` in scope).
fn action(body: &str) -> Request {
    inline(&format!(
        "const http = require('http');\nconst https = require('node:https');\n\
         exports.onExecutePostLogin = async (event, api) => {{\n{body}\n}};"
    ))
}

/// `http.request` as a promise: the response's status, headers and body, or the error's code and message.
const SEND: &str = "const send = (client, url, options, write) => new Promise((resolve) => {\n\
  const req = client.request(url, options, (res) => {\n\
    let text = '';\n\
    res.setEncoding('utf8');\n\
    res.on('data', (chunk) => { text += chunk; });\n\
    res.on('end', () => resolve({ status: res.statusCode, message: res.statusMessage, type: res.headers['content-type'], trace: res.headers['x-trace'], length: res.headers['content-length'], body: text }));\n\
  });\n\
  req.on('error', (e) => resolve({ code: e.code, message: e.message }));\n\
  if (options.timeout) req.on('timeout', () => req.destroy());\n\
  (write || []).forEach((chunk) => req.write(chunk));\n\
  req.end();\n\
});";

#[tokio::test]
async fn a_request_is_answered_by_its_mock_as_a_server_answers_and_recorded() {
    let outcome = run(Request {
        http: Some(vec![mock("POST", "https://api.example.com/users/*", json!({"plan": "gold"}), None)]),
        ..action(&format!(
            "{SEND}\nreturn send(https, 'https://api.example.com/users/42?x=1', {{ method: 'POST', headers: {{ 'x-key': 'k' }} }}, ['{{\"a\":', '1}}']);"
        ))
    })
    .await;
    assert_eq!(outcome.status, Status::Completed, "{:?}", outcome.error);
    assert_eq!(
        outcome.returned,
        json!({"status": 200, "message": "OK", "type": "application/json", "trace": "t1", "length": "15",
               "body": "{\"plan\":\"gold\"}"})
    );
    let request = &outcome.requests[0];
    assert_eq!((request.method.as_str(), request.url.as_str()), ("POST", "https://api.example.com/users/42?x=1"));
    // Written in two chunks without a length: Node sends it chunked; the recorded body is whole,
    // and the connection's own headers are left out.
    assert_eq!(request.body.as_deref(), Some("{\"a\":1}"));
    assert_eq!(request.headers, *json!({"x-key": "k"}).as_object().unwrap());
    assert_eq!(request.status, Some(200));
}

#[tokio::test]
async fn a_request_no_mock_matches_is_refused_and_fails_the_execution_naming_the_url() {
    // As fetch's: even when the script handles the error.
    let outcome =
        run(action(&format!("{SEND}\nconst r = await send(http, 'http://api.example.com:8080/v1', {{}});\napi.idToken.setCustomClaim('r', r);"))).await;
    assert_eq!(outcome.status, Status::Error);
    let message = outcome.error.unwrap().message;
    assert!(message.contains("no HTTP mock matches GET http://api.example.com:8080/v1"), "{message}");
    assert_eq!(outcome.requests[0].status, None);
    let claim = outcome.commands[0].args()[1].clone();
    assert_eq!(claim["code"], json!("ECONNREFUSED"));
    assert!(claim["message"].as_str().unwrap().starts_with("connect ECONNREFUSED api.example.com:8080"), "{claim}");
}

#[tokio::test]
async fn a_mock_slower_than_the_request_timeout_times_the_request_out() {
    let outcome = run(Request {
        http: Some(vec![
            mock("GET", "https://slow.example.com/", json!(1), Some(300)),
            mock("GET", "https://fast.example.com/", json!(2), Some(10)),
        ]),
        ..action(&format!(
            "{SEND}\nreturn [await send(https, 'https://slow.example.com/', {{ timeout: 50 }}), (await send(https, 'https://fast.example.com/', {{ timeout: 200 }})).body];"
        ))
    })
    .await;
    assert_eq!(outcome.status, Status::Completed, "{:?}", outcome.error);
    assert_eq!(outcome.returned, json!([{"code": "ECONNRESET", "message": "socket hang up"}, "2"]));
}

#[tokio::test]
async fn what_an_execution_does_to_the_agents_does_not_reach_the_next() {
    let host = single_worker_host(actionhost::Limits::default());
    let planted = host
        .run(action("http.Agent.prototype.createConnection = () => { throw new Error('planted'); };"))
        .await
        .unwrap();
    assert_eq!(planted.status, Status::Completed, "{:?}", planted.error);
    let outcome = host
        .run(Request {
            http: Some(vec![mock("GET", "http://api.example.com/", json!(3), None)]),
            ..action(&format!("{SEND}\nreturn (await send(http, 'http://api.example.com/', {{}})).body;"))
        })
        .await
        .unwrap();
    assert_eq!(outcome.status, Status::Completed, "{:?}", outcome.error);
    assert_eq!(outcome.returned, json!("3"));
}

#[tokio::test]
async fn a_mock_that_times_the_connection_out_fails_it_as_node_does_after_its_delay() {
    let timing_out = HttpMock {
        error: Some(ConnectionFailure::TimedOut),
        json: None,
        headers: None,
        ..mock("GET", "https://slow.example.com/*", Value::Null, Some(40))
    };
    let outcome = run(Request {
        http: Some(vec![timing_out]),
        ..action(
            "const started = Date.now();\n\
             const viaHttp = await new Promise((resolve) => https.get('https://slow.example.com/a', () => resolve('answered'))\n\
               .on('error', (e) => resolve({ message: e.message, errno: e.errno, code: e.code, syscall: e.syscall, address: e.address, port: e.port, fields: Object.keys(e) })));\n\
             let viaFetch = 'answered';\n\
             try { await fetch('https://slow.example.com/b'); } catch (e) { viaFetch = [e.name, e.message, e.cause.name, e.cause.code, e.cause.message]; }\n\
             const req = https.get('https://slow.example.com/c', { timeout: 10 }, () => {});\n\
             req.on('timeout', () => req.destroy());\n\
             const abandoned = await new Promise((resolve) => req.on('error', (e) => resolve(e.message)));\n\
             return [viaHttp, viaFetch, Date.now() - started >= 80, abandoned];",
        )
    })
    .await;
    // The script handled the failures: the execution goes on.
    assert_eq!(outcome.status, Status::Completed, "{:?}", outcome.error);
    assert_eq!(
        outcome.returned,
        json!([
            {"message": "connect ETIMEDOUT slow.example.com:443", "errno": -110, "code": "ETIMEDOUT", "syscall": "connect",
             "address": "slow.example.com", "port": 443, "fields": ["errno", "code", "syscall", "address", "port"]},
            ["TypeError", "fetch failed", "ConnectTimeoutError", "UND_ERR_CONNECT_TIMEOUT",
             "Connect Timeout Error (attempted address: slow.example.com:443, timeout: 10000ms)"],
            true,
            "socket hang up"
        ])
    );
    let recorded: Vec<_> = outcome.requests.iter().map(|r| (r.url.as_str(), r.status, r.error)).collect();
    assert_eq!(
        recorded,
        [
            ("https://slow.example.com/a", None, Some(ConnectionFailure::TimedOut)),
            ("https://slow.example.com/b", None, Some(ConnectionFailure::TimedOut)),
            // Given up before the failure came: no failure recorded.
            ("https://slow.example.com/c", None, None)
        ]
    );
}
