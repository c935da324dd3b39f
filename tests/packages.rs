//! npm packages: `require` finds them as Node does (in `node_modules` folders from the script's
//! folder upward, and in the tenant's package cache that `actionhost deps install` fills), each
//! execution gets its own module instances unless it shares a container, and a package can read
//! nothing outside `node_modules`; ES modules load as Node 22's `require(esm)` loads them (checked
//! against Node itself). Expected values are computed by hand from the packages' code
//! (and, for `ms`, from its documentation: `ms('2 days')` is 172800000, `ms('1h')` 3600000).

use std::path::{Path, PathBuf};

use actionhost::{Limits, Request, Script, Status};
use serde_json::{json, Value};

use crate::util::*;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A repository: `node_modules/greet` (CommonJS, a JSON file, a dependency of its own and a
/// module-level counter) and an Action in `actions/`.
fn repository(action: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("node_modules/greet/package.json"),
        r#"{"name": "greet", "version": "1.0.0", "main": "lib/index.js"}"#,
    );
    write(
        &root.join("node_modules/greet/lib/index.js"),
        "const words = require('./words.json');\nconst pad = require('pad');\nlet calls = 0;\n\
         exports.hello = (name) => pad(`${words.hello}, ${name}`);\nexports.count = () => ++calls;\n\
         exports.where = () => [__filename.endsWith('/greet/lib/index.js'), module.id === __filename];\n",
    );
    write(&root.join("node_modules/greet/lib/words.json"), r#"{"hello": "Bonjour"}"#);
    write(&root.join("node_modules/greet/node_modules/pad/index.js"), "module.exports = (text) => `[${text}]`;");
    write(&root.join("node_modules/broken/index.js"), "module.exports = 1;\nconst = 2;\n");
    // A file outside node_modules, reachable through a link planted inside it.
    write(&root.join("secret.js"), "module.exports = \"the host's secret\";");
    std::os::unix::fs::symlink(root.join("secret.js"), root.join("node_modules/greet/lib/leak.js")).unwrap();
    let script = root.join("actions/greeter.js");
    write(&script, action);
    (dir, script)
}

fn action_at(script: &Path) -> Request {
    Request::new(Script::path(script))
}

fn claim(outcome: &actionhost::Outcome, name: &str) -> Value {
    outcome
        .commands
        .iter()
        .find_map(|command| {
            let value = serde_json::to_value(command).unwrap();
            (value["args"][0] == json!(name)).then(|| value["args"][1].clone())
        })
        .unwrap_or_else(|| panic!("no claim {name}: {:?} {:?}", outcome.commands, outcome.error))
}

const GREETER: &str = "exports.onExecutePostLogin = async (event, api) => {\n\
    const greet = require('greet');\n\
    api.idToken.setCustomClaim('hello', greet.hello('Ada'));\n\
    api.idToken.setCustomClaim('count', greet.count());\n\
    api.idToken.setCustomClaim('where', greet.where());\n\
    api.idToken.setCustomClaim('same', require('greet') === greet && require('greet/lib/words.json').hello);\n\
    greet.planted = 'by an earlier execution';\n\
};";

#[tokio::test]
async fn a_package_above_the_script_is_required_like_node() {
    let (_dir, script) = repository(GREETER);
    let outcome = run(action_at(&script)).await;
    assert_eq!(outcome.status, Status::Completed, "{:?}", outcome.error);
    assert_eq!(claim(&outcome, "hello"), json!("[Bonjour, Ada]"));
    assert_eq!(claim(&outcome, "where"), json!([true, true]));
    assert_eq!(claim(&outcome, "same"), json!("Bonjour"));
}

#[tokio::test]
async fn module_state_stays_in_its_execution_unless_a_container_is_shared() {
    let (_dir, script) = repository(
        "exports.onExecutePostLogin = async (event, api) => {\n\
         const greet = require('greet');\n\
         api.idToken.setCustomClaim('count', greet.count());\n\
         api.idToken.setCustomClaim('planted', greet.planted ?? null);\n\
         greet.planted = 'yes';\n};",
    );
    let host = single_worker_host(Limits::default());
    for _ in 0..3 {
        let outcome = host.run(action_at(&script)).await.unwrap();
        assert_eq!((claim(&outcome, "count"), claim(&outcome, "planted")), (json!(1), Value::Null));
    }
    let shared = || Request { container: Some("c".into()), ..action_at(&script) };
    let first = host.run(shared()).await.unwrap();
    let second = host.run(shared()).await.unwrap();
    assert_eq!((claim(&first, "count"), claim(&first, "planted")), (json!(1), Value::Null));
    assert_eq!((claim(&second, "count"), claim(&second, "planted")), (json!(2), json!("yes")));
}

#[tokio::test]
async fn a_shared_container_keeps_resolutions_per_script_and_forgets_what_leaves_require_cache() {
    // A container keeps what each name resolved to, as Node keeps it, but a script in another
    // folder finds its own package, and a module taken out of `require.cache` is looked for again.
    let (dir, script) = repository(
        "exports.onExecutePostLogin = async (event, api) => {\n\
         api.idToken.setCustomClaim('hello', require('greet').hello('Ada'));\n\
         delete require.cache[require.resolve('greet')];\n};",
    );
    let other = dir.path().join("elsewhere/actions/other.js");
    write(&other, "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('hello', require('greet').hello('Ada')); };");
    write(&dir.path().join("elsewhere/node_modules/greet/index.js"), "exports.hello = (name) => `Hola, ${name}`;");
    let host = single_worker_host(Limits::default());
    let shared = |script: &Path| Request { container: Some("c".into()), ..action_at(script) };
    let hello = |outcome: &actionhost::Outcome| claim(outcome, "hello");
    assert_eq!(hello(&host.run(shared(&script)).await.unwrap()), json!("[Bonjour, Ada]"));
    assert_eq!(hello(&host.run(shared(&other)).await.unwrap()), json!("Hola, Ada"));
    let index = dir.path().join("node_modules/greet/lib/index.js");
    let edited = std::fs::read_to_string(&index).unwrap().replace("pad(`", "pad(`edited ");
    write(&index, &edited);
    assert_eq!(hello(&host.run(shared(&script)).await.unwrap()), json!("[edited Bonjour, Ada]"));
}

#[tokio::test]
async fn jobs_queued_behind_scripts_that_require_packages_all_run_right() {
    // One worker and many jobs at once: the supervisor writes jobs ahead into the worker's
    // pipe while the running one asks for modules on the same pipe.
    let (_dir, script) = repository(GREETER);
    let host = single_worker_host(Limits::default());
    let runs = (0..40).map(|index| {
        let request = if index % 2 == 0 {
            action_at(&script)
        } else {
            inline(&format!(
                "exports.onExecutePostLogin = async (event, api) => {{ api.idToken.setCustomClaim('n', {index}); }};"
            ))
        };
        host.run(request)
    });
    for (index, outcome) in futures::future::join_all(runs).await.into_iter().enumerate() {
        let outcome = outcome.unwrap();
        assert_eq!(outcome.status, Status::Completed, "job {index}: {:?}", outcome.error);
        if index % 2 == 0 {
            assert_eq!((claim(&outcome, "hello"), claim(&outcome, "count")), (json!("[Bonjour, Ada]"), json!(1)));
        } else {
            assert_eq!(claim(&outcome, "n"), json!(index));
        }
    }
}

#[tokio::test]
async fn what_cannot_be_loaded_fails_the_way_node_says_and_names_the_file() {
    let (_dir, script) = repository(
        "exports.onExecutePostLogin = async (event, api) => {\n\
         const codes = {};\n\
         for (const name of ['nope', 'greet/lib/leak', './helper', 'crypto', 'node:fs']) {\n\
           try { require(name); codes[name] = 'loaded'; } catch (e) { codes[name] = e.code; }\n\
         }\n\
         api.idToken.setCustomClaim('codes', codes);\n\
         require('broken');\n};",
    );
    let outcome = run(action_at(&script)).await;
    // Node's built-ins load (as in Node) in a build with them; in one without, they are not found.
    let builtin = if cfg!(feature = "node-builtins") { "loaded" } else { "MODULE_NOT_FOUND" };
    assert_eq!(
        claim(&outcome, "codes"),
        json!({"nope": "MODULE_NOT_FOUND", "greet/lib/leak": "ERR_ACCESS_DENIED", "./helper": "MODULE_NOT_FOUND",
               "crypto": builtin, "node:fs": builtin})
    );
    assert_eq!(outcome.status, Status::Error);
    let error = outcome.error.expect("the syntax error");
    assert_eq!(error.name, "SyntaxError");
    let stack = error.stack.unwrap_or_default();
    assert!(stack.contains("node_modules/broken/index.js"), "{stack}");
}

#[test]
fn deps_install_fills_the_tenant_cache_that_actions_and_rules_require_from() {
    // A dependency declared by one of the example tenant's Actions and a versioned `require`
    // in one of its Rules, installed from the npm registry.
    let (_dir, tenant) = tenant_copy();
    let action_file = tenant.join("actions/enrich-profile.json");
    let mut action: Value = serde_json::from_str(&std::fs::read_to_string(&action_file).unwrap()).unwrap();
    action["dependencies"] = json!([{"name": "ms", "version": "2.1.3"}]);
    std::fs::write(&action_file, action.to_string()).unwrap();
    let code = tenant.join("actions/enrich-profile/code.js");
    let source = std::fs::read_to_string(&code).unwrap().replace(
        "exports.onExecutePostLogin = async (event, api) => {",
        "exports.onExecutePostLogin = async (event, api) => {\n  api.idToken.setCustomClaim('ttl', require('ms')('2 days'));",
    );
    std::fs::write(&code, source).unwrap();
    let rule = tenant.join("rules/add-roles-claim.js");
    let source = std::fs::read_to_string(&rule).unwrap().replacen(
        "  callback(null, user, context);",
        "  context.idToken.ttl = require('ms@2.1.2')('1h');\n  callback(null, user, context);",
        1,
    );
    std::fs::write(&rule, source).unwrap();
    let tenant_arg = tenant.to_str().unwrap();

    // Before the install, the script says which command installs what it lacks.
    let before = run_binary(&["run", "--tenant", tenant_arg, "--action", "enrich-profile"], None);
    assert!(
        stdout(&before).contains("Cannot find module 'ms'") && stdout(&before).contains("actionhost deps install"),
        "{}",
        stdout(&before)
    );

    let install = run_binary(&["deps", "install", "--tenant", tenant_arg], None);
    assert!(install.status.success(), "{}{}", stdout(&install), stderr(&install));
    assert!(
        stdout(&install).contains("installed   ms@2.1.2 (2.1.2, for rule add-roles-claim)"),
        "{}",
        stdout(&install)
    );
    assert!(tenant.join(".actionhost/packages/ms@2.1.3/node_modules/ms/package.json").is_file());
    let again = run_binary(&["deps", "install", "--tenant", tenant_arg], None);
    assert!(stdout(&again).contains("up to date  ms@2.1.3"), "{}", stdout(&again));

    let action_run = run_binary(&["run", "--tenant", tenant_arg, "--action", "enrich-profile", "--json"], None);
    let outcome: Value = serde_json::from_str(&stdout(&action_run)).unwrap();
    assert_eq!(outcome["status"], json!("completed"), "{outcome}");
    assert!(
        outcome["commands"].as_array().unwrap().iter().any(|c| c["args"] == json!(["ttl", 172_800_000])),
        "{outcome}"
    );
    let rule_run = run_binary(&["run", "--tenant", tenant_arg, "--rule", "add-roles-claim", "--json"], None);
    let outcome: Value = serde_json::from_str(&stdout(&rule_run)).unwrap();
    assert_eq!(outcome["callback"]["context"]["idToken"]["ttl"], json!(3_600_000), "{outcome}");
}

/// Runs the Action `script` under Node (tests/compat/node_harness.cjs) and actionhost, and
/// requires the same `result` claim of both.
async fn agrees_with_node(script: &Path) {
    let harness = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/compat/node_harness.cjs");
    let node = std::process::Command::new("node")
        .arg(harness)
        .args(["action", script.to_str().unwrap(), "0"])
        .env("TZ", "UTC")
        .output()
        .expect("node runs");
    assert!(node.status.success(), "{}", String::from_utf8_lossy(&node.stderr));
    let expected: Value = serde_json::from_slice(&node.stdout).unwrap();
    assert_eq!(expected["error"], Value::Null, "{expected}");
    let outcome = run(action_at(script)).await;
    assert_eq!(claim(&outcome, "result"), expected["result"]);
}

#[tokio::test]
async fn the_loader_agrees_with_node_on_marks_extensions_and_its_bookkeeping() {
    // The same package and Action under Node (tests/compat/node_harness.cjs) and actionhost.
    let dir = tempfile::tempdir().unwrap();
    let package = dir.path().join("node_modules/quirks");
    write(&package.join("package.json"), r#"{"name": "quirks"}"#);
    write(
        &package.join("index.js"),
        "\u{feff}const data = require('./data.json');\nconst helper = require('./helper.txt');\n\
         const short = (path) => path.slice(path.indexOf('quirks'));\n\
         exports.report = () => ({ data, helper, loaded: module.loaded, own: typeof module.require,\n\
           cached: Object.keys(require.cache).filter((k) => k.includes('quirks')).map(short).sort(),\n\
           children: module.children.map((c) => short(c.id)),\n\
           paths: require.resolve.paths('x').filter((p) => p.includes('quirks')).map(short),\n\
           builtinPaths: require.resolve.paths('node:fs'), resolved: short(require.resolve('./data.json')) });\n",
    );
    write(&package.join("data.json"), "\u{feff}{\"marked\": true}");
    write(&package.join("helper.txt"), "module.exports = 'text files load as JavaScript';");
    let script = dir.path().join("action.js");
    write(
        &script,
        "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('result', require('quirks').report()); };",
    );
    agrees_with_node(&script).await;
}

#[tokio::test]
async fn es_module_packages_load_as_node_22_requires_them() {
    // Node 22's `require(esm)` (and Node 20.19's): the same packages and Action under Node and
    // actionhost — namespaces, imports of CommonJS and of ES modules, conditions, live bindings
    // through a cycle, `import.meta`, and what cannot be required.
    let dir = tempfile::tempdir().unwrap();
    let modules = dir.path().join("node_modules");
    let module_package = |name: &str| format!(r#"{{"name": "{name}", "type": "module", "main": "index.js"}}"#);
    write(&modules.join("kit/package.json"), &module_package("kit"));
    write(
        &modules.join("kit/index.js"),
        "import legacy, { named } from 'legacy';\nimport * as legacyAll from 'legacy';\nimport babel from 'babel-built';\n\
         import dual from 'dual';\nimport { count, bump } from './counter.js';\nimport { readCount } from './reader.js';\n\
         import * as path from 'node:path';\n\
         export const zebra = 'z';\nexport let apple = 'a';\nexport function rename() { apple = 'renamed'; }\n\
         export default function kit() { return 'kit'; }\n\
         export const seen = { legacy: typeof legacy, named, legacyKeys: Object.keys(legacyAll), babel: Object.keys(babel),\n\
           dual, thisAtTop: typeof this, strict: (function () { return this === undefined; })(), join: path.join('a', 'b'),\n\
           before: count, afterBump: (bump(), count), reader: readCount(),\n\
           meta: [import.meta.url.endsWith('/kit/index.js'), import.meta.filename.endsWith('/kit/index.js'), import.meta.dirname.endsWith('/kit')] };\n",
    );
    write(&modules.join("kit/counter.js"), "import { readCount } from './reader.js';\nexport let count = 0;\nexport function bump() { count += 1; return readCount(); }\n");
    write(
        &modules.join("kit/reader.js"),
        "import { count } from './counter.js';\nexport function readCount() { return count; }\n",
    );
    write(&modules.join("legacy/index.js"), "exports.named = 'n';\nexports.other = 'o';\n");
    write(
        &modules.join("babel-built/index.js"),
        "Object.defineProperty(exports, '__esModule', { value: true });\nexports.default = 'd';\nexports.x = 1;\n",
    );
    write(
        &modules.join("dual/package.json"),
        r#"{"name": "dual", "exports": {"import": "./import.mjs", "require": "./require.js"}}"#,
    );
    write(&modules.join("dual/import.mjs"), "export default 'imported';\n");
    write(&modules.join("dual/require.js"), "module.exports = 'required';\n");
    write(&modules.join("single/package.json"), &module_package("single"));
    write(
        &modules.join("single/index.js"),
        "const fn = () => 42;\nexport { fn as 'module.exports' };\nexport const unseen = 1;\n",
    );
    write(&modules.join("awaits/package.json"), &module_package("awaits"));
    write(&modules.join("awaits/index.js"), "export const value = await Promise.resolve(1);\n");
    write(&modules.join("broken-esm/package.json"), &module_package("broken-esm"));
    write(&modules.join("broken-esm/index.js"), "export const = 1;\n");
    let script = dir.path().join("action.js");
    write(
        &script,
        "const kit = require('kit');\n\
         const describe = (value) => ({ keys: Object.keys(value), tag: Object.prototype.toString.call(value),\n\
           prototype: Object.getPrototypeOf(value), extensible: Object.isExtensible(value),\n\
           esModule: Object.getOwnPropertyDescriptor(value, '__esModule')?.enumerable });\n\
         const failure = (name) => { try { require(name); return null; } catch (e) { return { name: e.name, code: e.code, first: e.message.split('\\n')[0] }; } };\n\
         exports.onExecutePostLogin = async (event, api) => {\n\
           const before = kit.apple;\n  kit.rename();\n\
           let frozen = null;\n  try { 'use strict'; kit.zebra = 'changed'; } catch (e) { frozen = e.name; }\n\
           api.idToken.setCustomClaim('result', { kit: describe(kit), seen: kit.seen, live: [before, kit.apple], frozen,\n\
             called: kit.default(), same: require('kit') === kit, single: typeof require('single') === 'function' && require('single')(),\n\
             dual: require('dual'), awaits: failure('awaits'), broken: failure('broken-esm').name });\n\
         };\n",
    );
    agrees_with_node(&script).await;
}

#[tokio::test]
async fn an_es_module_too_deep_for_the_parser_costs_only_its_own_execution() {
    // The worker turns ES modules into CommonJS, so a file whose nesting overflows the parser's
    // stack ends that worker, not the host: the execution is an engine error, the next is right.
    let dir = tempfile::tempdir().unwrap();
    let package = dir.path().join("node_modules/deep");
    write(&package.join("package.json"), r#"{"name": "deep", "type": "module", "main": "index.js"}"#);
    write(&package.join("index.js"), &format!("export default {}{};\n", "[".repeat(200_000), "]".repeat(200_000)));
    let deep = dir.path().join("deep.js");
    write(&deep, "exports.onExecutePostLogin = async () => { require('deep'); };");
    let host = single_worker_host(Limits::default());
    let outcome = host.run(action_at(&deep)).await.unwrap();
    assert_eq!(outcome.status, Status::Error, "{outcome:?}");
    let error = outcome.error.expect("an error");
    assert_eq!(error.name, "EngineError");
    assert!(error.message.contains("stack overflow"), "{}", error.message);
    let next = host.run(action_at(&script_in(&dir, "esm-next.js"))).await.unwrap();
    assert_eq!(claim(&next, "result"), json!("next"));
}

fn script_in(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    let script = dir.path().join(name);
    write(&script, "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('result', 'next'); };");
    script
}
