//! Integration tests: one test binary, one module per concern.

// Shared helpers: the test host, fixtures, running the binary.
mod util;

// The seed Action and Rule in every application-metadata situation.
mod seed;
// Every hostile fixture is contained and the next request is still right.
mod hostile;
// Worker processes: crashes, blocked threads, memory outside the heap, the OS sandbox.
mod supervisor;
// No state crosses executions unless a shared container is asked for.
mod isolation;
// The post-login api as scripts use it through the engine.
mod actions_api;
// Rules: callback protocol and legacy globals.
mod rules;
// Fixed clock, seeded randomness and HTTP mocks.
mod determinism;
// fetch's redirects and data: URLs where Node's answers cannot show them (tests/compat shows the rest).
mod redirects;
// npm packages: require from node_modules and the tenant's cache, deps install.
mod packages;
// Node's http and https clients answered by the HTTP mocks (tests/compat compares them with Node).
#[cfg(feature = "node-builtins")]
mod node_http;
// Tenants: running their scripts, listing applications, managing application metadata.
mod tenant;
// The Outcome JSON shape.
mod outcome_shape;
// `actionhost run` and `actionhost batch` as processes: output, exit codes, bad input.
mod cli;
// The login simulator: Rules then Actions, denials, redirects, claims, signing, users.
mod simulate;
// The other flows: machine-to-machine, signup, password change and reset, MFA by phone, token exchange.
mod simulate_flows;
// `actionhost test`: case files, reports, --update, parity, determinism and mocks through cases.
mod testing;
// The built binary runs with the cargo registry and the source tree hidden (embedded JavaScript).
mod standalone;
// Files: atomic writes confined to the tenant, state files bound to it, bounded input reads.
mod files;
// Every Actions trigger through the host: each api method, statuses, continue, tenants, batch.
mod triggers;
// The README's option tables match the command line's help.
mod docs;
// Every console example of the README and docs/ runs and prints what it shows.
mod doc_examples;
// Real outcomes of every trigger and status validate against docs/outcome.schema.json.
mod outcome_schema;
// `run --query/--body`, `-` for standard input, and null inputs kept without defaults.
mod run_inputs;
// `event`, `--version`, `completions`, `man` and `test --shard`.
mod commands;
// Whole-login cases (`simulate:` in case files).
mod simulate_cases;
// `actionhost test --watch` as a process.
mod watch;
// Outcome warnings: unmapped keywords, unset secrets, deprecated apis, secrets in ID tokens; --deny-warnings.
mod warnings;
