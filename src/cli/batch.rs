//! `actionhost batch`: JSON-lines requests on stdin, one JSON outcome line per request on
//! stdout, in input order, executed in parallel on the pool. A line `{"id": …, "simulate": {…}}`
//! simulates a login instead and yields its result (or, naming another flow, that flow's). A line that is not a valid request yields
//! an error outcome naming the line, and the rest go on.

use futures::{FutureExt, StreamExt};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::args::BatchArgs;
use super::HostConfigBuilder;
use actionhost::pipeline::flows::{self, FlowRequest, FlowResult};
use actionhost::pipeline::{self, LoginRequest, Simulation};
use actionhost::{Host, Outcome, Request};

/// How many requests may wait in the pool per worker, so input keeps flowing while workers run.
const IN_FLIGHT_PER_WORKER: usize = 8;

pub async fn batch(args: BatchArgs) -> anyhow::Result<u8> {
    let config = HostConfigBuilder::new(&args.engine).pool(&args.pool).keywords(super::keywords(&args.tenant)?).build();
    let workers = config.workers;
    let host = Host::new(config);
    let defaults = Defaults { tenant: args.tenant.tenant.clone(), client: args.client.clone() };
    let defaults = &defaults;
    let host = &host;
    let lines = tokio_stream_lines(BufReader::new(tokio::io::stdin()));
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
    let mut stdout = tokio::io::BufWriter::new(tokio::io::stdout());
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
        stdout.write_all(&line).await?;
        // A caller may wait for this answer before sending its next request: flush whenever
        // no further outcome is ready yet.
        next = match outcomes.next().now_or_never() {
            Some(ready) => ready,
            None => {
                stdout.flush().await?;
                outcomes.next().await
            }
        };
    }
    stdout.flush().await?;
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

fn tokio_stream_lines<R: tokio::io::AsyncBufRead + Unpin>(
    reader: R,
) -> impl futures::Stream<Item = std::io::Result<String>> {
    futures::stream::unfold(reader.lines(), |mut lines| async move {
        match lines.next_line().await {
            Ok(Some(line)) => Some((Ok(line), lines)),
            Ok(None) => None,
            Err(error) => Some((Err(error), lines)),
        }
    })
}
