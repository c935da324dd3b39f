//! Warm executions: one worker whose isolate is already up, running the seed Action and Rule
//! over and over, in each application-metadata situation. What is measured is `Host::run`
//! from request to outcome (input building, the worker hand-off, the execution, the result).
//!
//! cargo bench --bench execution

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;

use actionhost::{Host, HostConfig, Request, Script, Status};

fn request(script: &str, metadata: Option<serde_json::Value>) -> Request {
    let path = format!("{}/fixtures/tenant/{script}", env!("CARGO_MANIFEST_DIR"));
    Request {
        client_metadata: metadata,
        event: Some(json!({"user": {"email_verified": false}})),
        user: Some(json!({"email_verified": false})),
        ..Request::new(Script::path(path))
    }
}

fn warm(c: &mut Criterion) {
    let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let host = Host::new(HostConfig {
        workers: 1,
        worker_program: env!("CARGO_BIN_EXE_actionhost").into(),
        ..HostConfig::default()
    });
    let cases = [
        ("with SKIP_VERIFICATION", Some(json!({"SKIP_VERIFICATION": "yes"})), Status::Completed),
        ("with other metadata", Some(json!({"TIER": "gold"})), Status::Denied),
        ("without metadata", None, Status::Denied),
    ];
    let mut group = c.benchmark_group("warm execution");
    for (script, trigger) in
        [("actions/require-verified-email/code.js", "action"), ("rules/require-verified-email.js", "rule")]
    {
        for (name, metadata, expected) in &cases {
            let req = request(script, metadata.clone());
            // The benchmark is only meaningful if the script does what the case says.
            let outcome = tokio.block_on(host.run(req.clone())).unwrap();
            assert_eq!(outcome.status, *expected, "{trigger} {name}");
            group.bench_function(format!("{trigger} {name}"), |b| {
                b.to_async(&tokio).iter(|| host.run(req.clone()));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, warm);
criterion_main!(benches);
