//! `actionhost batch`: JSON-lines requests on stdin, one JSON outcome line per request on
//! stdout, in input order, executed in parallel on the pool. A line `{"id": …, "simulate": {…}}`
//! simulates a login instead and yields its result (or, naming another flow, that flow's). A line that is not a valid request yields
//! an error outcome naming the line, and the rest go on.

use futures::{FutureExt, StreamExt};
use serde_json::Value;
use std::io::{BufRead, Write};

use super::args::BatchArgs;
use super::HostConfigBuilder;
use crate::engine::CpuPolicy;
use crate::pipeline::flows::{self, FlowRequest, FlowResult};
use crate::pipeline::{self, LoginRequest, Simulation};
use crate::{Host, Outcome, Request};

/// How many requests may wait in the pool per worker, so input keeps flowing while workers run.
const IN_FLIGHT_PER_WORKER: usize = 32;

pub async fn batch(args: BatchArgs) -> anyhow::Result<u8> {
    super::config::apply_cpu_policy(&args.pool, Some(CpuPolicy::Batch));
    let config = HostConfigBuilder::new(&args.engine).pool(&args.pool).keywords(super::keywords(&args.tenant)?).build();
    let workers = config.workers;
    let host = Host::new(config);
    let defaults = Defaults { tenant: args.tenant.tenant.clone(), client: args.client.clone() };
    let defaults = &defaults;
    let host = &host;
    let lines = stdin_lines();
    let mut outcomes = std::pin::pin!(lines
        .enumerate()
        .filter(|(_, line)| std::future::ready(!matches!(line, Ok(text) if text.trim().is_empty())))
        .map(|(index, line)| async move {
            match line {
                Ok(text) => run_line(host, defaults, index + 1, &text).await,
                Err(error) => Answer::Outcome(Box::new(Outcome::invalid_request(
                    None,
                    format!("line {}: cannot read standard input: {error}", index + 1),
                ))),
            }
        })
        .buffered(workers * IN_FLIGHT_PER_WORKER));
    // Written from this thread: a blocking write only waits for the reader of the answers, and
    // costs less than handing every line to tokio's blocking pool.
    let mut stdout = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let mut line = Vec::new();
    let mut next = outcomes.next().await;
    while let Some(outcome) = next {
        line.clear();
        match &outcome {
            Answer::Outcome(outcome) => serde_json::to_writer(&mut line, outcome)?,
            Answer::Simulation(result) => serde_json::to_writer(&mut line, result)?,
            Answer::Flow(result) => serde_json::to_writer(&mut line, result)?,
        }
        line.push(b'\n');
        stdout.write_all(&line)?;
        // A caller may wait for this answer before sending its next request: flush whenever
        // no further outcome is ready yet.
        next = match outcomes.next().now_or_never() {
            Some(ready) => ready,
            None => {
                stdout.flush()?;
                outcomes.next().await
            }
        };
    }
    stdout.flush()?;
    // Script failures are outcomes like any other; the batch itself succeeded.
    Ok(0)
}

/// The tenant and application given on the command line, for lines that name none.
struct Defaults {
    tenant: Option<std::path::PathBuf>,
    client: Option<String>,
}

/// What one line yields: an execution's outcome, or a simulated login's result.
enum Answer {
    Outcome(Box<Outcome>),
    Simulation(Box<Simulation>),
    Flow(Box<FlowResult>),
}

/// A batch line asking for a simulated login.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulateLine {
    #[serde(default)]
    id: Option<Value>,
    simulate: LoginRequest,
}

async fn run_line(host: &Host, defaults: &Defaults, number: usize, text: &str) -> Answer {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            return Answer::Outcome(Box::new(Outcome::invalid_request(
                None,
                format!("line {number}: invalid JSON: {error}"),
            )))
        }
    };
    if let Some(Value::Object(fields)) = value.get("simulate") {
        let resumes_flow =
            fields.get("continue").and_then(Value::as_str).is_some_and(|p| flows::is_flow_state(p.as_ref()));
        if resumes_flow || flows::FLOW_FIELDS.iter().any(|f| fields.contains_key(*f)) {
            return Answer::Flow(Box::new(flow_line(host, defaults, number, value).await));
        }
    }
    if value.get("simulate").is_some() {
        return Answer::Simulation(Box::new(simulate_line(host, defaults, number, value).await));
    }
    Answer::Outcome(Box::new(run_request(host, defaults, number, value).await))
}

async fn simulate_line(host: &Host, defaults: &Defaults, number: usize, value: Value) -> Simulation {
    let id = value.get("id").cloned();
    let line: SimulateLine = match serde_json::from_value(value) {
        Ok(line) => line,
        Err(error) => return Simulation::invalid(id, format!("line {number}: {error}")),
    };
    let mut request = line.simulate;
    if request.tenant.is_none() && request.resume.is_none() {
        request.tenant = defaults.tenant.clone();
        request.client = request.client.or_else(|| defaults.client.clone());
    }
    match pipeline::simulate(host, &request).await {
        Ok(mut result) => {
            result.id = line.id;
            result
        }
        Err(error) => Simulation::invalid(line.id, format!("line {number}: {error}")),
    }
}

/// A batch line asking for a flow other than a login.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FlowLine {
    #[serde(default)]
    id: Option<Value>,
    simulate: FlowRequest,
}

async fn flow_line(host: &Host, defaults: &Defaults, number: usize, value: Value) -> FlowResult {
    let id = value.get("id").cloned();
    let line: FlowLine = match serde_json::from_value(value) {
        Ok(line) => line,
        Err(error) => return FlowResult::invalid(id, format!("line {number}: {error}")),
    };
    let mut request = line.simulate;
    if request.tenant.is_none() && request.resume.is_none() {
        request.tenant = defaults.tenant.clone();
        request.client = request.client.or_else(|| defaults.client.clone());
    }
    match flows::simulate(host, &request).await {
        Ok(mut result) => {
            result.id = line.id;
            result
        }
        Err(error) => FlowResult::invalid(line.id, format!("line {number}: {error}")),
    }
}

async fn run_request(host: &Host, defaults: &Defaults, number: usize, value: Value) -> Outcome {
    let id = value.get("id").cloned();
    match serde_json::from_value::<Request>(value) {
        Ok(mut request) => {
            if request.tenant.is_none() {
                request.tenant = defaults.tenant.clone();
                request.client = request.client.or_else(|| defaults.client.clone());
            }
            let mut outcome = host.run_to_outcome(request).await;
            if let Some(error) = outcome.error.as_mut().filter(|e| e.name == "InvalidRequest") {
                error.message = format!("line {number}: {}", error.message);
            }
            outcome
        }
        Err(error) => Outcome::invalid_request(id, format!("line {number}: {error}")),
    }
}

/// The lines of standard input, read by a thread of their own (a blocking read there instead of
/// a trip through tokio's blocking pool for every chunk), handed over in input order.
fn stdin_lines() -> impl futures::Stream<Item = std::io::Result<String>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(1024);
    std::thread::Builder::new()
        .name("actionhost-stdin".into())
        .spawn(move || {
            let stdin = std::io::stdin();
            let mut input = std::io::BufReader::with_capacity(64 * 1024, stdin.lock());
            loop {
                let mut line = String::new();
                let read = match input.read_line(&mut line) {
                    Ok(0) => return,
                    Ok(_) => {
                        if line.ends_with('\n') {
                            line.pop();
                            if line.ends_with('\r') {
                                line.pop();
                            }
                        }
                        Ok(line)
                    }
                    Err(error) => Err(error),
                };
                // A line that is not UTF-8 was consumed and is answered as an error; the next is
                // read as usual. Any other read error ends the input.
                let ends = read.as_ref().is_err_and(|e| e.kind() != std::io::ErrorKind::InvalidData);
                // A failed send: the batch stopped reading (it ended early), nothing more to hand over.
                if sender.blocking_send(read).is_err() || ends {
                    return;
                }
            }
        })
        .expect("spawning the standard input reader");
    futures::stream::unfold(receiver, |mut receiver| async move { receiver.recv().await.map(|line| (line, receiver)) })
}
