//! Executions that share an isolate do not see each other, unless they name the same shared
//! container (Auth0's container reuse).

use actionhost::{Limits, Request, Status};
use serde_json::json;

use crate::util::*;

#[tokio::test]
async fn pollution_by_one_execution_is_invisible_to_the_next() {
    let host = single_worker_host(Limits::default());
    let polluter = host.run(script_request("hostile/prototype-pollution.action.js")).await.unwrap();
    assert_eq!(polluter.status, Status::Completed);
    // Built-ins are frozen, yet assigning an inherited property on an own object still works.
    assert_eq!(polluter.returned["errName"], json!("CustomError"));
    assert_eq!(polluter.returned["polluted"], json!(false));

    let probe = host.run(script_request("hostile/pollution-probe.action.js")).await.unwrap();
    assert_eq!(probe.status, Status::Completed);
    assert_eq!(
        probe.returned,
        json!({
            "leakedGlobal": "undefined",
            "sneaky": "undefined",
            "polluted": "clean",
            "includes": "clean",
            "json": "clean",
            "trim": "clean",
            "promise": "clean",
            "random": "clean",
            "url": "function"
        })
    );
    assert_eq!(probe.logs[0].message, "probe", "console was replaced by the previous execution");
}

const COUNTER_ACTION: &str = "let count = 0;\nexports.onExecutePostLogin = async (event, api) => { count += 1; api.idToken.setCustomClaim('count', count); };";
const COUNTER_RULE: &str = "function (user, context, callback) { global.count = (global.count || 0) + 1; context.idToken.count = global.count; callback(null, user, context); }";

#[tokio::test]
async fn module_state_is_fresh_for_every_execution() {
    let host = single_worker_host(Limits::default());
    for _ in 0..3 {
        let outcome = host.run(inline(COUNTER_ACTION)).await.unwrap();
        assert_eq!(outcome.commands[0].args()[1], json!(1));
    }
}

#[tokio::test]
async fn a_shared_container_keeps_module_state_between_executions() {
    let host = single_worker_host(Limits::default());
    let shared = || Request { container: Some("tenant-a".into()), ..inline(COUNTER_ACTION) };
    for expected in 1..=3 {
        let outcome = host.run(shared()).await.unwrap();
        assert_eq!(outcome.commands[0].args()[1], json!(expected));
    }
    let other = host.run(Request { container: Some("tenant-b".into()), ..inline(COUNTER_ACTION) }).await.unwrap();
    assert_eq!(other.commands[0].args()[1], json!(1));
}

#[tokio::test]
async fn rules_global_is_fresh_unless_a_container_is_shared() {
    let host = single_worker_host(Limits::default());
    for _ in 0..2 {
        let outcome = host.run(inline(COUNTER_RULE)).await.unwrap();
        assert_eq!(outcome.callback.unwrap().context["idToken"]["count"], json!(1));
    }
    for expected in 1..=2 {
        let outcome = host.run(Request { container: Some("rules".into()), ..inline(COUNTER_RULE) }).await.unwrap();
        assert_eq!(outcome.callback.unwrap().context["idToken"]["count"], json!(expected));
    }
}

#[tokio::test]
async fn shared_containers_are_deterministic_across_a_multi_worker_pool() {
    // Whatever worker takes the job, the same container key always meets the same state.
    for expected in 1..=4 {
        let outcome = run(Request { container: Some("pool-wide".into()), ..inline(COUNTER_ACTION) }).await;
        assert_eq!(outcome.commands[0].args()[1], json!(expected));
    }
}

#[tokio::test]
async fn timers_left_pending_never_fire_into_the_next_execution() {
    let host = single_worker_host(Limits::default());
    let first = "exports.onExecutePostLogin = async (event, api) => { setTimeout(() => { console.log('late'); api.access.deny('late'); }, 20); setInterval(() => console.log('tick'), 5); };";
    assert_eq!(host.run(inline(first)).await.unwrap().status, Status::Completed);
    let second = "exports.onExecutePostLogin = async () => { await new Promise(r => setTimeout(r, 80)); };";
    let outcome = host.run(inline(second)).await.unwrap();
    assert_eq!(outcome.status, Status::Completed);
    assert!(outcome.logs.is_empty(), "{:?}", outcome.logs);
    assert!(outcome.commands.is_empty());
}

#[tokio::test]
async fn each_script_keeps_its_own_module_state_in_a_shared_container() {
    let host = single_worker_host(Limits::default());
    let other = "let calls = 100;\nexports.onExecutePostLogin = async (event, api) => { calls += 1; api.idToken.setCustomClaim('count', calls); };";
    let shared = |source: &str| Request { container: Some("tenant".into()), ..inline(source) };
    assert_eq!(host.run(shared(COUNTER_ACTION)).await.unwrap().commands[0].args()[1], json!(1));
    assert_eq!(host.run(shared(other)).await.unwrap().commands[0].args()[1], json!(101));
    assert_eq!(host.run(shared(COUNTER_ACTION)).await.unwrap().commands[0].args()[1], json!(2));
}

#[tokio::test]
async fn rules_share_global_within_a_container_as_in_one_webtask_container() {
    let host = single_worker_host(Limits::default());
    let writer =
        "function (user, context, callback) { global.seen = 'by the first rule'; callback(null, user, context); }";
    let reader = "function (user, context, callback) { context.idToken.seen = global.seen || null; callback(null, user, context); }";
    let shared = |source: &str| Request { container: Some("rules".into()), ..inline(source) };
    host.run(shared(writer)).await.unwrap();
    let outcome = host.run(shared(reader)).await.unwrap();
    assert_eq!(outcome.callback.unwrap().context["idToken"]["seen"], json!("by the first rule"));
}

#[tokio::test]
async fn an_idle_timeout_keeps_the_isolate_and_its_containers() {
    let host = single_worker_host(Limits { timeout_ms: 200, memory_mb: 128 });
    let shared = || Request { container: Some("survivor".into()), ..inline(COUNTER_ACTION) };
    assert_eq!(host.run(shared()).await.unwrap().commands[0].args()[1], json!(1));
    let slow = host.run(script_request("hostile/slow-wait.action.js")).await.unwrap();
    assert_eq!(slow.status, Status::Timeout);
    assert_eq!(host.run(shared()).await.unwrap().commands[0].args()[1], json!(2));
}

/// The hostile review's setting: one worker, 1 s timeout, default heap.
const REVIEW: Limits = Limits { timeout_ms: 1_000, memory_mb: 128 };

#[tokio::test]
async fn error_stack_hooks_set_by_one_execution_are_reset_for_the_next() {
    let host = single_worker_host(REVIEW);
    assert_eq!(host.run(script_request("hostile/error-hooks.action.js")).await.unwrap().status, Status::Completed);
    let victim = "exports.onExecutePostLogin = async () => { const e = new Error('secret-token-123'); return { stack: e.stack }; };";
    let outcome = host.run(inline(victim)).await.unwrap();
    assert_eq!(outcome.status, Status::Completed);
    assert!(outcome.logs.is_empty(), "the earlier hook ran in this execution: {:?}", outcome.logs);
    let stack = outcome.returned["stack"].as_str().unwrap();
    assert!(stack.starts_with("Error: secret-token-123\n    at "), "{stack}");
}

#[tokio::test]
async fn a_non_configurable_global_accessor_cannot_watch_later_rules() {
    let host = single_worker_host(REVIEW);
    assert_eq!(host.run(script_request("hostile/global-accessor.action.js")).await.unwrap().status, Status::Completed);
    let rule = "function (user, context, callback) { global.cache = 'token-abc'; context.idToken.cached = global.cache; callback(null, user, context); }";
    let outcome = host.run(inline(rule)).await.unwrap();
    assert_eq!(outcome.status, Status::Completed);
    assert!(outcome.logs.is_empty(), "the planted setter ran: {:?}", outcome.logs);
    assert_eq!(outcome.callback.unwrap().context["idToken"]["cached"], json!("token-abc"));
    // The isolate that kept the accessor was retired: the next one has no such global.
    let probe = host
        .run(inline(
            "exports.onExecutePostLogin = async () => String(Object.getOwnPropertyDescriptor(globalThis, 'cache'));",
        ))
        .await
        .unwrap();
    assert_eq!(probe.returned, json!("undefined"));
}

#[tokio::test]
async fn a_non_extensible_global_object_does_not_reach_later_rules() {
    let host = single_worker_host(REVIEW);
    assert_eq!(host.run(script_request("hostile/sealed-global.action.js")).await.unwrap().status, Status::Completed);
    // Sloppy-mode implicit globals, as old Rules use them.
    let rule = "function (user, context, callback) { counter = 1; context.idToken.counter = counter; context.idToken.extensible = Object.isExtensible(globalThis); callback(null, user, context); }";
    let outcome = host.run(inline(rule)).await.unwrap();
    assert_eq!(outcome.status, Status::Completed, "{:?}", outcome.error);
    let context = outcome.callback.unwrap().context;
    assert_eq!(context["idToken"]["counter"], json!(1));
    assert_eq!(context["idToken"]["extensible"], json!(true));
}

#[tokio::test]
async fn finalization_callbacks_never_run_in_a_later_execution() {
    let host = single_worker_host(REVIEW);
    let planter = Request { container: Some("tenant-a".into()), ..script_request("hostile/finalization.action.js") };
    assert_eq!(host.run(planter).await.unwrap().status, Status::Completed);
    // Allocating cycles makes the engine collect, the planted targets among them.
    let victim = "exports.onExecutePostLogin = async (event, api) => { let junk = []; for (let i = 0; i < 50000; i++) { const o = { i }; o.self = o; junk.push(o); } junk = null; await new Promise(r => setTimeout(r, 10)); api.idToken.setCustomClaim('ok', true); };";
    for round in 0..4 {
        let outcome = host.run(inline(victim)).await.unwrap();
        assert_eq!(outcome.status, Status::Completed);
        assert!(
            outcome.logs.is_empty(),
            "round {round}: an earlier execution's finalizer ran here: {:?}",
            &outcome.logs[..1]
        );
        assert_eq!(apis(&outcome), ["idToken.setCustomClaim"]);
    }
}

#[tokio::test]
async fn every_execution_gets_a_fresh_module_function() {
    let host = single_worker_host(REVIEW);
    for _ in 0..2 {
        let outcome = host.run(script_request("hostile/callee-stash.action.js")).await.unwrap();
        assert_eq!(outcome.status, Status::Completed);
        assert_eq!(outcome.commands[0].args(), [json!("seen"), json!(null)], "data left on the wrapper survived");
    }
    // A shared container keeps its module, and so its function, as before.
    let shared = || Request { container: Some("tenant".into()), ..script_request("hostile/callee-stash.action.js") };
    assert_eq!(host.run(shared()).await.unwrap().commands[0].args()[1], json!(null));
    assert_eq!(
        host.run(shared()).await.unwrap().commands[0].args()[1],
        json!(null),
        "the module is evaluated once per container"
    );
}

#[tokio::test]
async fn host_functions_carry_nothing_from_one_execution_to_the_next() {
    let host = single_worker_host(REVIEW);
    for _ in 0..2 {
        let outcome = host.run(script_request("hostile/host-function-stash.action.js")).await.unwrap();
        assert_eq!(outcome.status, Status::Completed, "{:?}", outcome.error);
        assert_eq!(outcome.returned, json!({"deny": null, "getter": null, "setCustomClaim": null, "inspect": null}));
    }
}

#[tokio::test]
async fn what_an_execution_schedules_through_web_globals_never_runs_in_the_next() {
    // An abort listener behind `AbortSignal.timeout`, an immediate and a stream's pull all
    // outlive their execution; none of them may record into the next one.
    let host = single_worker_host(Limits::default());
    let scheduler = "exports.onExecutePostLogin = async (event, api) => {\n\
        AbortSignal.timeout(30).addEventListener('abort', () => api.idToken.setCustomClaim('leak', 'timeout'));\n\
        const immediate = setImmediate(() => {}); setImmediate(() => setTimeout(() => api.idToken.setCustomClaim('leak', 'immediate'), 30));\n\
        new ReadableStream({ pull() { return new Promise((r) => setTimeout(r, 30)).then(() => api.idToken.setCustomClaim('leak', 'stream')); } });\n\
        clearImmediate(immediate);\n};";
    let first = host.run(inline(scheduler)).await.unwrap();
    assert_eq!(first.status, Status::Completed, "{:?}", first.error);
    let waiter = "exports.onExecutePostLogin = async (event, api) => { await new Promise((r) => setTimeout(r, 150)); api.idToken.setCustomClaim('done', true); };";
    let second = host.run(inline(waiter)).await.unwrap();
    assert_eq!(apis(&second), ["idToken.setCustomClaim"]);
    assert_eq!(second.commands[0].args()[0], json!("done"));
}

#[tokio::test]
async fn the_streams_loaded_on_first_use_are_frozen_like_every_built_in() {
    // The stream classes load when a script first needs them (a global, `Blob#stream`), inside
    // an execution: what that execution does to them must not reach the next one.
    let host = single_worker_host(Limits::default());
    let planter = "exports.onExecutePostLogin = async (event, api) => {\n\
        const viaBlob = Object.getPrototypeOf(new Blob(['x']).stream());\n\
        try { viaBlob.planted = 'blob'; } catch {}\n\
        try { ReadableStream.prototype.getReader = () => 'hijacked'; } catch {}\n\
        try { Object.getPrototypeOf(new ReadableStream().values()).next = () => 'hijacked'; } catch {}\n\
        try { TextDecoderStream.prototype.planted = 'text'; } catch {}\n};";
    let first = host.run(inline(planter)).await.unwrap();
    assert_eq!(first.status, Status::Completed, "{:?}", first.error);
    let probe = "exports.onExecutePostLogin = async (event, api) => {\n\
        const stream = new Blob(['ok']).stream();\n\
        const reader = stream.getReader();\n\
        const { value } = await reader.read();\n\
        api.idToken.setCustomClaim('seen', [String(ReadableStream.prototype.planted), String(TextDecoderStream.prototype.planted),\n\
          typeof reader, new TextDecoder().decode(value), typeof new ReadableStream().values().next]);\n};";
    let second = host.run(inline(probe)).await.unwrap();
    assert_eq!(second.status, Status::Completed, "{:?}", second.error);
    assert_eq!(second.commands[0].args()[1], json!(["undefined", "undefined", "object", "ok", "function"]));
}

#[tokio::test]
async fn web_crypto_loaded_on_first_use_is_frozen_like_every_built_in() {
    // `crypto.subtle`, `CryptoKey` and `SubtleCrypto` load when a script first touches one,
    // inside an execution: what that execution does to them must not reach the next one.
    let host = single_worker_host(Limits::default());
    let planter = "exports.onExecutePostLogin = async (event, api) => {\n\
        try { crypto.subtle.digest = async () => new Uint8Array([1]).buffer; } catch {}\n\
        try { SubtleCrypto.prototype.sign = async () => 'forged'; } catch {}\n\
        try { CryptoKey.prototype.planted = 'key'; } catch {}\n\
        try { Object.defineProperty(crypto, 'subtle', { value: { digest: async () => 'hijacked' } }); } catch {}\n};";
    let first = host.run(inline(planter)).await.unwrap();
    assert_eq!(first.status, Status::Completed, "{:?}", first.error);
    let probe = "exports.onExecutePostLogin = async (event, api) => {\n\
        const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode('abc'));\n\
        const key = await crypto.subtle.importKey('raw', new Uint8Array(16), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);\n\
        const mac = await crypto.subtle.sign('HMAC', key, new Uint8Array(1));\n\
        api.idToken.setCustomClaim('seen', [new Uint8Array(digest)[0], String(CryptoKey.prototype.planted), mac.byteLength]);\n};";
    let second = host.run(inline(probe)).await.unwrap();
    assert_eq!(second.status, Status::Completed, "{:?}", second.error);
    // SHA-256("abc") begins with 0xba (FIPS 180-2, appendix B.1); an HMAC-SHA-256 is 32 bytes.
    assert_eq!(second.commands[0].args()[1], json!([0xba, "undefined", 32]));
}

#[tokio::test]
async fn fetch_classes_loaded_on_first_use_are_frozen_like_every_built_in() {
    // `FormData`, `Request`, `Response` and `Headers` load when a script first names one, inside
    // an execution: what that execution does to them, to their iterators or to the objects their
    // instances reach through symbol-keyed properties, must not reach the next one.
    let host = single_worker_host(Limits::default());
    let planter = "exports.onExecutePostLogin = async (event, api) => {\n\
        try { FormData.prototype.append = function () {}; } catch {}\n\
        try { FormData.prototype.planted = 'form'; } catch {}\n\
        try { Request.prototype.text = async () => 'forged'; } catch {}\n\
        try { Response.prototype.json = async () => ({ a: 'forged' }); } catch {}\n\
        try { Response.json = () => 'forged'; } catch {}\n\
        try { Headers.prototype.get = () => 'forged'; } catch {}\n\
        try { Object.getPrototypeOf(new FormData().entries()).next = () => ({ done: true }); } catch {}\n\
        const request = new Request('https://x.example/', { method: 'POST', body: 'x' });\n\
        for (const key of Object.getOwnPropertySymbols(request)) {\n\
          const inner = request[key];\n\
          if (inner && typeof inner === 'object' && inner.body) {\n\
            try { Object.getPrototypeOf(inner.body).consume = async () => new TextEncoder().encode('forged'); } catch {}\n\
          }\n\
        }\n};";
    let first = host.run(inline(planter)).await.unwrap();
    assert_eq!(first.status, Status::Completed, "{:?}", first.error);
    let probe = "exports.onExecutePostLogin = async (event, api) => {\n\
        const form = new FormData(); form.append('a', '1');\n\
        api.idToken.setCustomClaim('seen', [String(FormData.prototype.planted), [...form.entries()].length,\n\
          await new Request('https://x.example/', { method: 'POST', body: 'hi' }).text(),\n\
          (await new Response('{\"a\":1}').json()).a, new Headers({ a: 'b' }).get('a'), Response.json({}).status]);\n};";
    let second = host.run(inline(probe)).await.unwrap();
    assert_eq!(second.status, Status::Completed, "{:?}", second.error);
    assert_eq!(second.commands[0].args()[1], json!(["undefined", 1, "hi", 1, "b", 200]));
}

#[tokio::test]
async fn node_style_errors_of_web_globals_carry_nothing_to_the_next_execution() {
    // `new URL()` throws Node's ERR_MISSING_ARGS, whose class shows the code in `String(error)`:
    // an object scripts reach only through such an error, yet frozen with the other built-ins.
    let host = single_worker_host(Limits::default());
    let planter = "exports.onExecutePostLogin = async (event, api) => {\n\
        let error; try { new URL(); } catch (e) { error = e; }\n\
        const proto = Object.getPrototypeOf(error);\n\
        try { proto.toString = () => 'planted'; } catch {}\n\
        try { proto.planted = 'yes'; } catch {}\n\
        try { Object.getPrototypeOf(proto).planted = 'yes'; } catch {}\n\
        try { URL.prototype.planted = 'yes'; } catch {}\n\
        try { URL.canParse = () => 'planted'; } catch {}\n};";
    let first = host.run(inline(planter)).await.unwrap();
    assert_eq!(first.status, Status::Completed, "{:?}", first.error);
    let probe = "exports.onExecutePostLogin = async (event, api) => {\n\
        let error; try { new URL(); } catch (e) { error = e; }\n\
        api.idToken.setCustomClaim('seen', [String(error), String(error.planted), String(new URL('https://a.example/').planted), URL.canParse('x')]);\n};";
    let second = host.run(inline(probe)).await.unwrap();
    assert_eq!(second.status, Status::Completed, "{:?}", second.error);
    // Node 22: `TypeError [ERR_MISSING_ARGS]: The "url" argument must be specified`.
    assert_eq!(
        second.commands[0].args()[1],
        json!([
            "TypeError [ERR_MISSING_ARGS]: The \"url\" argument must be specified",
            "undefined",
            "undefined",
            false
        ])
    );
}

#[tokio::test]
async fn an_object_url_dies_with_the_execution_that_made_it() {
    // Node's fetch reads a `blob:` URL the process made; an execution's object URLs are revoked
    // when it ends, so the next execution on the worker cannot read the blob behind one.
    let host = single_worker_host(Limits::default());
    let maker = host
        .run(inline(
            "exports.onExecutePostLogin = async () => {\n\
               const url = URL.createObjectURL(new Blob(['the secret of an earlier login']));\n\
               return { url, own: await (await fetch(url)).text() };\n};",
        ))
        .await
        .unwrap();
    assert_eq!(maker.returned["own"], json!("the secret of an earlier login"), "{:?}", maker.error);
    let url = maker.returned["url"].as_str().unwrap().to_owned();
    let reader = host
        .run(inline(&format!(
            "exports.onExecutePostLogin = async () => {{\n\
               try {{ return await (await fetch({url:?})).text(); }} catch (e) {{ return `${{e.message}}: ${{e.cause.message}}`; }}\n}};"
        )))
        .await
        .unwrap();
    assert_eq!(reader.returned, json!("fetch failed: invalid method"), "{:?}", reader.error);
}
