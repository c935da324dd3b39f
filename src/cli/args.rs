//! The command line, defined once with clap: each doc comment is the flag's help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::pipeline::login::Protocol;
use crate::{MissingClientMetadata, Phase, Trigger};

/// `--version`: the crate's version and the JavaScript engine it was built with (from build.rs).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("ACTIONHOST_ENGINE"), ")");

#[derive(Debug, Parser)]
#[command(name = "actionhost", version = VERSION, about = "Run Auth0 Actions and Rules locally and see what they did")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one Action or Rule against a crafted event and print every effect
    Run(RunArgs),
    /// Run JSON-lines requests from stdin in parallel; print one JSON outcome line per request
    Batch(BatchArgs),
    /// List a tenant's applications and manage their application metadata
    #[command(subcommand)]
    Clients(ClientsCommand),
    /// Simulate a login: the tenant's Rules, then its post-login Actions; print tokens and transcript
    Simulate(SimulateArgs),
    /// Run the cases of case files (*.cases.yaml, *.cases.json) and report failures
    Test(TestArgs),
    /// Install the npm packages the tenant's Actions declare and its Rules require
    #[command(subcommand)]
    Deps(DepsCommand),
    /// Serve the tenant as a local Auth0: Management API, login server, Application Metadata pages
    Serve(ServeArgs),
    /// Print a trigger's default inputs as JSON: the Action's event, or a Rule's {user, context}
    Event(EventArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions(CompletionsArgs),
    /// Print the man page (roff)
    Man,
    /// Write TypeScript declarations of every trigger's event and api and of Rules' globals into DIR
    Types(TypesArgs),
}

#[derive(Debug, Args)]
pub struct TypesArgs {
    /// The folder to write the .d.ts files into (created when missing; a symbolic link is refused)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct EventArgs {
    /// The trigger: Auth0's id (post-login, credentials-exchange, …) or rule
    #[arg(value_name = "TRIGGER")]
    pub trigger: Trigger,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Where a tenant is and how to read it.
#[derive(Debug, Args, Clone)]
pub struct TenantArgs {
    /// A tenant in the Deploy CLI format: a directory, or a tenant.yaml file
    #[arg(long, value_name = "DIR")]
    pub tenant: Option<PathBuf>,
    /// Keyword replacements for tenant files (JSON; AUTH0_KEYWORD_REPLACE_MAPPINGS is read too)
    #[arg(long, value_name = "FILE")]
    pub keywords: Option<PathBuf>,
}

/// Engine settings shared by every command.
#[derive(Debug, Args)]
pub struct EngineArgs {
    /// Wall-clock limit of one execution, in milliseconds
    #[arg(long, value_name = "N", default_value_t = crate::engine::DEFAULT_TIMEOUT_MS, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: u64,
    /// Heap limit of the JavaScript engine, in MiB
    #[arg(long, value_name = "N", default_value_t = crate::engine::DEFAULT_MEMORY_MB, value_parser = clap::value_parser!(u64).range(8..))]
    pub memory_mb: u64,
    /// What a Rule sees as context.clientMetadata when the application has no metadata
    #[arg(long, value_enum, default_value_t = MissingMetadataArg::Absent)]
    pub missing_client_metadata: MissingMetadataArg,
}

/// `--missing-client-metadata` ([`MissingClientMetadata`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MissingMetadataArg {
    /// `context.clientMetadata` is `undefined` (the documented legacy behaviour; default).
    Absent,
    /// `context.clientMetadata` is `{}`.
    Empty,
}

impl From<MissingMetadataArg> for MissingClientMetadata {
    fn from(arg: MissingMetadataArg) -> MissingClientMetadata {
        match arg {
            MissingMetadataArg::Absent => MissingClientMetadata::Absent,
            MissingMetadataArg::Empty => MissingClientMetadata::Empty,
        }
    }
}

/// `--phase` ([`Phase`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PhaseArg {
    /// `onExecutePostLogin` (`onExecute…` of the trigger)
    Execute,
    /// `onContinuePostLogin` (`onContinue…` of the trigger), after a redirect
    Continue,
}

impl From<PhaseArg> for Phase {
    fn from(arg: PhaseArg) -> Phase {
        match arg {
            PhaseArg::Execute => Phase::Execute,
            PhaseArg::Continue => Phase::Continue,
        }
    }
}

/// The worker pool of a command that runs many scripts at once.
#[derive(Debug, Args)]
pub struct PoolArgs {
    /// Worker processes (one isolate each); defaults to the number of CPUs
    #[arg(long, alias = "jobs", value_name = "N", value_parser = clap::value_parser!(u64).range(1..256))]
    pub workers: Option<u64>,
    /// How Linux schedules the pool (its supervisor thread and worker processes): batch (SCHED_BATCH: a woken thread does not preempt a busy worker, so more executions per second) or normal; defaults to batch for `batch` and `test`; `serve` keeps the policy it was started with
    #[arg(long, value_name = "POLICY")]
    pub cpu_policy: Option<crate::engine::CpuPolicy>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The script: an Action (exports.onExecutePostLogin) or a Rule (function (user, context, callback))
    #[arg(required_unless_present_any = ["action", "rule"])]
    pub script: Option<PathBuf>,
    #[command(flatten)]
    pub tenant: TenantArgs,
    /// The application of the tenant the login is for (name or client_id)
    #[arg(long, value_name = "NAME_OR_ID", requires = "tenant")]
    pub client: Option<String>,
    /// Run this Action of the tenant instead of a script file
    #[arg(long, value_name = "NAME", requires = "tenant", conflicts_with_all = ["script", "rule"])]
    pub action: Option<String>,
    /// Run this Rule of the tenant instead of a script file
    #[arg(long, value_name = "NAME", requires = "tenant", conflicts_with_all = ["script", "action"])]
    pub rule: Option<String>,
    /// The trigger (Auth0's id: post-login, credentials-exchange, …, or rule), when it cannot be told from the script
    #[arg(long, value_name = "ID")]
    pub trigger: Option<Trigger>,
    /// Which Action handler runs: execute (onExecute…) or continue (onContinue…, after a redirect)
    #[arg(long, value_enum, default_value_t = PhaseArg::Execute)]
    pub phase: PhaseArg,
    /// JSON file deep-merged into the trigger's default event (- reads standard input)
    #[arg(long, value_name = "FILE")]
    pub event: Option<PathBuf>,
    /// JSON file deep-merged into the default Rules user (- reads standard input)
    #[arg(long, value_name = "FILE")]
    pub user: Option<PathBuf>,
    /// JSON file deep-merged into the default Rules context (- reads standard input)
    #[arg(long, value_name = "FILE")]
    pub context: Option<PathBuf>,
    /// Login request query parameter (repeatable): event.request.query / context.request.query
    #[arg(long, value_name = "KEY=VALUE")]
    pub query: Vec<String>,
    /// JSON object merged into the login request's body: event.request.body / context.request.body
    #[arg(long, value_name = "JSON")]
    pub body: Option<String>,
    /// A fixed clock for the script: ISO 8601 or epoch milliseconds
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Seed of Math.random, crypto.getRandomValues and crypto.randomUUID
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// HTTP mocks answering fetch: a JSON array of {method?, url, status?, headers?, json?|text?, delay_ms?, error?}
    #[arg(long, value_name = "FILE")]
    pub http: Option<PathBuf>,
    /// Application metadata entry (repeatable); Auth0's limits apply
    #[arg(long = "client-metadata", value_name = "KEY=VALUE")]
    pub client_metadata: Vec<String>,
    /// Action secret (repeatable)
    #[arg(long = "secret", value_name = "KEY=VALUE")]
    pub secrets: Vec<String>,
    /// Rules configuration / event.configuration entry (repeatable)
    #[arg(long = "configuration", value_name = "KEY=VALUE")]
    pub configuration: Vec<String>,
    /// Print exactly one Outcome JSON object instead of the human view
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Tenant for requests that name none
    #[command(flatten)]
    pub tenant: TenantArgs,
    /// Application for requests that name none (name or client_id)
    #[arg(long, value_name = "NAME_OR_ID", requires = "tenant")]
    pub client: Option<String>,
    #[command(flatten)]
    pub pool: PoolArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub tenant: TenantArgs,
    /// The application the user logs in to (name or client_id)
    #[arg(long, value_name = "NAME_OR_ID", required_unless_present_any = ["resume", "password_change"])]
    pub client: Option<String>,
    /// The user: a JSON file holding the user object (--signup: the new user's attributes)
    #[arg(long, value_name = "FILE", required_unless_present_any = ["user_id", "resume", "grant", "signup", "token_exchange"], conflicts_with = "user_id")]
    pub user: Option<PathBuf>,
    /// The user: the id of a user of the tenant's users/ folder
    #[arg(long, value_name = "ID")]
    pub user_id: Option<String>,
    /// The connection the user logs in with (default: the user's first identity's)
    #[arg(long, value_name = "NAME")]
    pub connection: Option<String>,
    /// The protocol of the login (default oidc-basic-profile)
    #[arg(long, value_name = "P")]
    pub protocol: Option<Protocol>,
    /// The API the access token is for
    #[arg(long, value_name = "A")]
    pub audience: Option<String>,
    /// Issue signed JWTs: RS256 with the tenant's key pair (created in <tenant>/.actionhost/)
    #[arg(long)]
    pub sign: bool,
    /// Issue JWTs signed with HS256 and this secret instead
    #[arg(long, value_name = "SECRET")]
    pub sign_secret: Option<String>,
    /// Write the login's user metadata changes back to the user file (a user of the tenant's users/ folder)
    #[arg(long)]
    pub persist: bool,
    /// Where to write the state of a login a redirect suspends, inside the tenant folder (default <tenant>/.actionhost/flows/<state>.json)
    #[arg(long, value_name = "FILE")]
    pub state_file: Option<PathBuf>,
    /// Resume the login suspended in STATE_FILE, as the browser's return to /continue (with --tenant, the state must be that tenant's)
    #[arg(long = "continue", id = "resume", value_name = "STATE_FILE", conflicts_with_all = ["client", "user", "user_id", "connection", "protocol", "audience"])]
    pub resume: Option<PathBuf>,
    /// A /continue query parameter (repeatable); state is added when absent
    #[arg(long, value_name = "K=V", requires = "resume")]
    pub query: Vec<String>,
    /// Shared-container key for every step (Rules share one global, Actions keep module state)
    #[arg(long, value_name = "KEY")]
    pub container: Option<String>,
    /// Machine-to-machine: the application asks a token with its own credentials (client-credentials); needs --audience
    #[arg(long, value_name = "GRANT", conflicts_with_all = ["signup", "password_change", "password_reset", "send_phone_message", "token_exchange"])]
    pub grant: Option<String>,
    /// The requested scopes, space-separated (machine-to-machine, token exchange)
    #[arg(long, value_name = "SCOPES")]
    pub scope: Option<String>,
    /// Signup: pre-user-registration, the new user (written with --persist), post-user-registration; needs --email
    #[arg(long, conflicts_with_all = ["password_change", "password_reset", "send_phone_message", "token_exchange"])]
    pub signup: bool,
    /// Signup: the new user's email
    #[arg(long, value_name = "E")]
    pub email: Option<String>,
    /// Password change: the user's post-change-password Actions
    #[arg(long, conflicts_with_all = ["password_reset", "send_phone_message", "token_exchange"])]
    pub password_change: bool,
    /// Password reset: the password-reset-post-challenge Actions (a redirect suspends it for --continue)
    #[arg(long, conflicts_with_all = ["send_phone_message", "token_exchange"])]
    pub password_reset: bool,
    /// MFA by phone: the send-phone-message Actions send the user's code
    #[arg(long, conflicts_with = "token_exchange")]
    pub send_phone_message: bool,
    /// MFA by phone: the number the code goes to (E.164; default: the user's phone_number)
    #[arg(long, value_name = "+NUMBER")]
    pub phone: Option<String>,
    /// MFA by phone: sms (default) or voice
    #[arg(long, value_name = "TYPE")]
    pub message_type: Option<String>,
    /// Custom token exchange: custom-token-exchange sets the user, then the post-login Actions and the tokens
    #[arg(long)]
    pub token_exchange: bool,
    /// Token exchange: the subject token
    #[arg(long, value_name = "T")]
    pub subject_token: Option<String>,
    /// Token exchange: the subject token's type (a URI)
    #[arg(long, value_name = "URI")]
    pub subject_token_type: Option<String>,
    /// Print one JSON object (result and transcript) instead of the human view
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

impl SimulateArgs {
    /// Whether a flag names a flow other than a login.
    pub fn names_flow(&self) -> bool {
        self.grant.is_some()
            || self.signup
            || self.password_change
            || self.password_reset
            || self.send_phone_message
            || self.token_exchange
    }
}

#[derive(Debug, Subcommand)]
pub enum DepsCommand {
    /// Install every Action's declared dependencies and every package the Rules require into
    /// the tenant's package cache (.actionhost/packages), with npm
    Install(DepsInstallArgs),
    /// List what the tenant's scripts need and whether it is installed
    List(DepsListArgs),
}

#[derive(Debug, Args)]
pub struct DepsInstallArgs {
    #[command(flatten)]
    pub tenant: TenantArgs,
    /// Install again what is already installed
    #[arg(long)]
    pub force: bool,
    /// The npm program
    #[arg(long, value_name = "PATH", default_value = "npm")]
    pub npm: PathBuf,
    /// Let packages run their install scripts (npm's lifecycle scripts run on this machine, not in the sandbox)
    #[arg(long)]
    pub allow_install_scripts: bool,
}

#[derive(Debug, Args)]
pub struct DepsListArgs {
    #[command(flatten)]
    pub tenant: TenantArgs,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ClientsCommand {
    /// List the tenant's applications: name, client_id, number of metadata keys
    List(ClientsListArgs),
    /// Read and change an application's metadata, with Auth0's rules
    #[command(subcommand)]
    Metadata(MetadataCommand),
}

#[derive(Debug, Args)]
pub struct ClientsListArgs {
    #[command(flatten)]
    pub tenant: TenantArgs,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// The application whose metadata a command reads or changes.
#[derive(Debug, Args)]
pub struct ClientArgs {
    #[command(flatten)]
    pub tenant: TenantArgs,
    /// The application (name or client_id)
    #[arg(long, value_name = "NAME_OR_ID")]
    pub client: String,
}

#[derive(Debug, Subcommand)]
pub enum MetadataCommand {
    /// Print the application's metadata (JSON), or the value of one key
    Get {
        #[command(flatten)]
        client: ClientArgs,
        /// Print only this key's value
        key: Option<String>,
    },
    /// Add or update keys (merged like the Management API's PATCH)
    Set {
        #[command(flatten)]
        client: ClientArgs,
        /// Entries to add or update
        #[arg(value_name = "KEY=VALUE", required = true)]
        pairs: Vec<String>,
    },
    /// Delete keys (like sending null to the Management API)
    Unset {
        #[command(flatten)]
        client: ClientArgs,
        /// Keys to delete
        #[arg(value_name = "KEY", required = true)]
        keys: Vec<String>,
    },
    /// Apply a Management API body: {"key": "value", "deleted": null}
    Patch {
        #[command(flatten)]
        client: ClientArgs,
        /// The JSON object to merge; null deletes a key
        #[arg(long = "json", value_name = "JSON")]
        body: String,
    },
}

/// How `actionhost test` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Reporter {
    /// Failures with what was expected and what happened, then `N passed, N failed`
    Human,
    /// One JSON document with every case
    Json,
    /// JUnit XML, as CI systems read it
    Junit,
    /// TAP version 14 (Test Anything Protocol)
    Tap,
    /// GitHub Actions workflow commands: an annotation per failure at its file and line
    Github,
}

impl Reporter {
    pub const NAMES: [(&'static str, Reporter); 5] = [
        ("human", Reporter::Human),
        ("json", Reporter::Json),
        ("junit", Reporter::Junit),
        ("tap", Reporter::Tap),
        ("github", Reporter::Github),
    ];
}

/// `--reporter NAME[=FILE]`: a report and where it goes (standard output without a file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReporterSpec {
    pub reporter: Reporter,
    pub file: Option<PathBuf>,
}

fn parse_reporter(text: &str) -> Result<ReporterSpec, String> {
    let (name, file) = match text.split_once('=') {
        Some((name, "")) => return Err(format!("{name}=: the file name is empty")),
        Some((name, file)) => (name, Some(PathBuf::from(file))),
        None => (text, None),
    };
    let names: Vec<&str> = Reporter::NAMES.iter().map(|(n, _)| *n).collect();
    let reporter = Reporter::NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, r)| *r)
        .ok_or_else(|| format!("unknown reporter {name:?} (one of {})", names.join(", ")))?;
    Ok(ReporterSpec { reporter, file })
}

fn parse_shard(text: &str) -> Result<crate::testing::Shard, String> {
    text.parse()
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Case files, or directories searched for *.cases.yaml, *.cases.yml and *.cases.json (default: .)
    pub paths: Vec<PathBuf>,
    /// Only the cases whose name, or whose file's path, contains PATTERN
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,
    #[command(flatten)]
    pub pool: PoolArgs,
    /// Write what failing cases actually did into their expect blocks (comments and order kept)
    #[arg(long)]
    pub update: bool,
    /// A report, NAME[=FILE]: human, json, junit, tap or github, to FILE or standard output (repeatable; default human)
    #[arg(long, value_name = "NAME[=FILE]", value_parser = parse_reporter)]
    pub reporter: Vec<ReporterSpec>,
    /// Write the last --reporter given without =FILE to FILE (the human report then goes to standard output)
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Stop at the first failing case
    #[arg(long)]
    pub fail_fast: bool,
    /// After the run, watch the case files, their scripts and tenants, and run again the case files a change affects (Ctrl-C stops)
    #[arg(long, conflicts_with = "update")]
    pub watch: bool,
    /// A case whose outcome has warnings fails (each reporter says which warnings)
    #[arg(long)]
    pub deny_warnings: bool,
    /// Run shard I of N (1-based): the cases sorted by file and name, every Nth from the Ith
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<crate::testing::Shard>,
    /// Keyword replacements for tenant files (JSON; AUTH0_KEYWORD_REPLACE_MAPPINGS is read too)
    #[arg(long, value_name = "FILE")]
    pub keywords: Option<PathBuf>,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub tenant: TenantArgs,
    /// The address to listen on
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// The port to listen on; 0 picks a free one
    #[arg(long, value_name = "N", default_value_t = 4000)]
    pub port: u16,
    /// A Bearer token the Management API accepts with every scope
    #[arg(long, value_name = "TOKEN")]
    pub api_token: Option<String>,
    /// /authorize with a login_hint naming a user of users/ logs that user in without the page
    #[arg(long)]
    pub auto_login: bool,
    /// Serve HTTPS with a certificate for localhost kept in <tenant>/.actionhost/
    #[arg(long)]
    pub tls: bool,
    /// How each login is logged on stderr: human or json
    #[arg(long, value_name = "F", default_value = "human")]
    pub log_format: crate::serve::LogFormat,
    #[command(flatten)]
    pub pool: PoolArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}
