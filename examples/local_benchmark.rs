//! Benchmark of the local side of a run: load and validate a large generated policy, read it
//! from a simulator, plan, render every view and save, measuring each phase.
//!
//! Run: `cargo run --release --example local_benchmark -- [--accounts N] [--shared-triggers T]
//! [--overrides O] [--changed F] [--scenario S] [--points LIST] [--parallelism P] [--runs R]`
//! (defaults 1000, 200, 1, 0, `all`, `100,300,1000`, 8, 3).
//!
//! The policy has N accounts that share T triggers through `defaults`; each account overrides
//! O of them with its own title (per-account overrides). Scenarios:
//! - `validate`: load and validate only (what `zdpolicy validate` does);
//! - `converged`: the live state is what the policy asks for, except in a fraction F of the
//!   accounts, where one trigger's title was edited in Zendesk (an update each);
//! - `creates`: every account is a new Zendesk account, so every trigger is a create;
//! - `apply`: `creates` for 200 accounts × 57 triggers, then apply that plan;
//! - `all`: each of these, the scale targets with PASS/FAIL, and `converged` and
//!   `creates` at each account count of `--points`.
//!
//! How the client is measured apart from the simulator: every scenario runs in a new process
//! of this example (the client), which starts the simulator as its own child process (the
//! same example in another role). CPU time is each process's user + system time over all its
//! threads, and peak RSS each process's VmHWM, both from /proc (Linux), read at the end of
//! every phase; so no sampling can miss a peak, and neither process's cost is counted in the
//! other's. Peak RSS is cumulative (the process's peak so far), which is what a CI runner's
//! memory limit sees of a command made of these phases.
//!
//! Each measurement is R client processes of the same scenario (`--runs`), and the one with
//! the median client CPU is reported whole, with the range over all R: on a shared 2-core
//! machine one run's CPU time varies by a third from the next (the simulator's pace, the
//! host's), and a median of real runs is steadier than any single one.

mod bench_support;

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use bench_support::{Usage, flag_pairs, number, usage};
use zdpolicy::apply::{ApplyOptions, apply};
use zdpolicy::live::LiveState;
use zdpolicy::plan::{self, Plan};
use zdpolicy::policy::{self, Policy};
use zdpolicy::read_plan::read_accounts;
use zdpolicy::read_plan::read_and_plan;
use zdpolicy::simulator::AccountSeed;
use zdpolicy::simulator::sandbox::{LockOptions, Sandbox, SandboxAccount, SandboxCredentials};
use zdpolicy::zendesk::client::base_url::BaseUrlTemplate;
use zdpolicy::zendesk::client::{Client, ClientConfig, CredentialMode};

// The same allocator as the zdpolicy binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

type Error = Box<dyn std::error::Error>;

/// The shape of the generated policy and what to run against it.
#[derive(Debug, Clone, PartialEq)]
struct Shape {
    accounts: usize,
    shared_triggers: usize,
    overrides: usize,
    changed: f64,
    parallelism: usize,
}

impl Shape {
    fn args(&self) -> Vec<String> {
        vec![
            "--accounts".into(),
            self.accounts.to_string(),
            "--shared-triggers".into(),
            self.shared_triggers.to_string(),
            "--overrides".into(),
            self.overrides.to_string(),
            "--changed".into(),
            self.changed.to_string(),
            "--parallelism".into(),
            self.parallelism.to_string(),
        ]
    }
}

/// What runs in one process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    Validate,
    Converged,
    Creates,
    Apply,
}

impl Scenario {
    fn parse(text: &str) -> Result<Self, String> {
        Ok(match text {
            "validate" => Self::Validate,
            "converged" => Self::Converged,
            "creates" => Self::Creates,
            "apply" => Self::Apply,
            other => {
                return Err(format!(
                    "unknown scenario `{other}` (validate, converged, creates, apply, all)"
                ));
            }
        })
    }

    fn name(self) -> &'static str {
        match self {
            Self::Validate => "validate",
            Self::Converged => "converged",
            Self::Creates => "creates",
            Self::Apply => "apply",
        }
    }
}

#[derive(Debug)]
struct Options {
    shape: Shape,
    /// `None`: all.
    scenario: Option<Scenario>,
    points: Vec<usize>,
    /// Which process this is.
    role: Role,
    policy: Option<PathBuf>,
    dir: Option<PathBuf>,
    /// Client processes per measurement; the median one is reported.
    runs: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Orchestrate,
    Client,
    Serve,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        shape: Shape {
            accounts: 1000,
            shared_triggers: 200,
            overrides: 1,
            changed: 0.0,
            parallelism: 8,
        },
        scenario: None,
        points: vec![100, 300, 1000],
        role: Role::Orchestrate,
        policy: None,
        dir: None,
        runs: 3,
    };
    for (flag, value) in flag_pairs(&[])? {
        let v = value.as_str();
        match flag.as_str() {
            "--accounts" => options.shape.accounts = number(&flag, v)?,
            "--shared-triggers" => options.shape.shared_triggers = number(&flag, v)?,
            "--overrides" => options.shape.overrides = number(&flag, v)?,
            "--changed" => {
                options.shape.changed = number::<f64>(&flag, v)?.clamp(0.0, 1.0);
            }
            "--parallelism" => options.shape.parallelism = number::<usize>(&flag, v)?.max(1),
            "--runs" => options.runs = number::<usize>(&flag, v)?.max(1),
            "--scenario" if v == "all" => options.scenario = None,
            "--scenario" => options.scenario = Some(Scenario::parse(v)?),
            "--points" => {
                options.points = v
                    .split(',')
                    .map(|p| number(&flag, p.trim()))
                    .collect::<Result<_, _>>()?;
            }
            // Internal: the roles of the child processes.
            "--role" => {
                options.role = match v {
                    "client" => Role::Client,
                    "serve" => Role::Serve,
                    other => return Err(format!("unknown role {other}")),
                };
            }
            "--policy" => options.policy = Some(PathBuf::from(v)),
            "--dir" => options.dir = Some(PathBuf::from(v)),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(options)
}

fn main() -> Result<(), Error> {
    let options = options()?;
    match options.role {
        Role::Orchestrate => orchestrate(&options),
        Role::Client => client(&options),
        Role::Serve => serve(&options),
    }
}

// ---------------------------------------------------------------------------------------
// The policy

/// The policy text: `shape.accounts` accounts sharing `shape.shared_triggers` triggers
/// through `defaults`, each overriding `shape.overrides` of them.
fn policy_text(shape: &Shape) -> String {
    let mut text = String::from("version: 1\ndefaults:\n  triggers:\n");
    for t in 0..shape.shared_triggers {
        write_trigger(&mut text, "    ", t, &format!("Shared trigger {t:03}"));
    }
    text.push_str("accounts:\n");
    for a in 0..shape.accounts {
        let name = account_name(a);
        // Never resolved: the simulator is the sandbox, whose client has its own credentials.
        let _ = writeln!(
            text,
            "  {name}:\n    subdomain: {name}\n    credentials: {{ oauth_token: \"env:BENCH_TOKEN\" }}"
        );
        let overrides = shape.overrides.min(shape.shared_triggers);
        if overrides > 0 {
            text.push_str("    triggers:\n");
        }
        for o in 0..overrides {
            // Spread the overridden triggers over the shared ones.
            let t = (a * 7 + o * 13) % shape.shared_triggers;
            write_trigger(
                &mut text,
                "      ",
                t,
                &format!("Shared trigger {t:03} for {name}"),
            );
        }
    }
    text
}

fn write_trigger(text: &mut String, indent: &str, t: usize, title: &str) {
    let _ = write!(
        text,
        "{indent}- key: shared-{t:03}\n\
         {indent}  title: {title}\n\
         {indent}  conditions:\n\
         {indent}    all:\n\
         {indent}      - {{ field: current_tags, operator: includes, value: tag-{t:03} }}\n\
         {indent}      - {{ field: status, operator: is, value: new }}\n\
         {indent}  actions:\n\
         {indent}    - {{ field: priority, value: high }}\n\
         {indent}    - {{ field: set_tags, value: routed-{t:03} }}\n"
    );
}

fn account_name(a: usize) -> String {
    format!("acct{a:05}")
}

fn load_policy(path: &Path) -> Result<Policy, Error> {
    let files = policy::discover(&[path.to_owned()])?
        .pop()
        .ok_or("no policy found")?;
    let policy = policy::load(&files);
    let errors: Vec<String> = policy
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    if !errors.is_empty() {
        return Err(format!("the generated policy has errors: {errors:?}").into());
    }
    Ok(policy)
}

// ---------------------------------------------------------------------------------------
// The orchestrator: one client process per run, then the tables and targets

/// One phase as measured in the client process.
#[derive(Debug, Clone, Default)]
struct Phase {
    name: String,
    wall: f64,
    cpu: f64,
    peak_mb: f64,
    sim_cpu: f64,
    sim_peak_mb: f64,
}

/// What one client process reported.
#[derive(Debug, Default)]
struct Run {
    phases: Vec<Phase>,
    facts: Vec<(String, String)>,
}

impl Run {
    fn phase(&self, name: &str) -> Option<&Phase> {
        self.phases.iter().find(|p| p.name == name)
    }

    fn fact(&self, name: &str) -> Option<&str> {
        self.facts
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// CPU time of these phases.
    fn cpu_of(&self, names: &[&str]) -> f64 {
        self.phases
            .iter()
            .filter(|p| names.contains(&p.name.as_str()))
            .map(|p| p.cpu)
            .sum()
    }

    /// The process's peak RSS once these phases (the first ones) were done.
    fn peak_after(&self, name: &str) -> f64 {
        self.phase(name).map_or(f64::NAN, |p| p.peak_mb)
    }
}

fn orchestrate(options: &Options) -> Result<(), Error> {
    let dir = bench_support::scratch_dir()?;
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        cpu_model().unwrap_or_else(|| "unknown CPU".into())
    );
    let scenarios = match options.scenario {
        Some(one) => vec![one],
        None => vec![
            Scenario::Validate,
            Scenario::Converged,
            Scenario::Creates,
            Scenario::Apply,
        ],
    };
    let mut runs = Vec::new();
    for scenario in scenarios {
        let shape = match scenario {
            // The apply target's shape: 200 accounts × 57 creates.
            Scenario::Apply if options.scenario.is_none() => Shape {
                accounts: 200,
                shared_triggers: 57,
                ..options.shape.clone()
            },
            _ => options.shape.clone(),
        };
        let run = median_run(&dir, scenario, &shape, options.runs)?;
        print_run(scenario, &shape, &run);
        runs.push((scenario, shape, run));
    }
    if options.scenario.is_none() {
        print_targets(&runs);
        print_points(&dir, options)?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
}

/// Runs `runs` client processes of `scenario` and keeps the one whose client CPU over all
/// its phases is the median, noting the range of all of them as a fact.
fn median_run(dir: &Path, scenario: Scenario, shape: &Shape, runs: usize) -> Result<Run, Error> {
    let mut all = (0..runs)
        .map(|_| run_client(dir, scenario, shape))
        .collect::<Result<Vec<_>, _>>()?;
    let total = |run: &Run| run.phases.iter().map(|p| p.cpu).sum::<f64>();
    all.sort_by(|a, b| total(a).total_cmp(&total(b)));
    let (low, high) = (total(&all[0]), total(&all[all.len() - 1]));
    let mut median = all.swap_remove(all.len() / 2);
    median.facts.push((
        "client CPU, all phases".to_owned(),
        format!(
            "{:.2} s, the median of {runs} runs ({low:.2}–{high:.2} s)",
            total(&median)
        ),
    ));
    Ok(median)
}

/// Writes the policy and runs one client process on it.
fn run_client(dir: &Path, scenario: Scenario, shape: &Shape) -> Result<Run, Error> {
    let policy = dir.join(format!(
        "policy-{}-{}-{}.yaml",
        shape.accounts, shape.shared_triggers, shape.overrides
    ));
    std::fs::write(&policy, policy_text(shape))?;
    let output = Command::new(std::env::current_exe()?)
        .args(shape.args())
        .args(["--role", "client", "--scenario", scenario.name()])
        .arg("--policy")
        .arg(&policy)
        .arg("--dir")
        .arg(dir)
        .stderr(Stdio::inherit())
        .output()?;
    if !output.status.success() {
        return Err(format!("the {} run failed: {}", scenario.name(), output.status).into());
    }
    let mut run = Run::default();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let words: Vec<&str> = line.split('\t').collect();
        match words.as_slice() {
            ["phase", name, numbers @ ..] if numbers.len() == 5 => {
                let n: Vec<f64> = numbers
                    .iter()
                    .map(|n| n.parse().unwrap_or(f64::NAN))
                    .collect();
                run.phases.push(Phase {
                    name: (*name).to_owned(),
                    wall: n[0],
                    cpu: n[1],
                    peak_mb: n[2],
                    sim_cpu: n[3],
                    sim_peak_mb: n[4],
                });
            }
            ["fact", key, value] => run.facts.push(((*key).to_owned(), (*value).to_owned())),
            _ => {}
        }
    }
    Ok(run)
}

fn print_run(scenario: Scenario, shape: &Shape, run: &Run) {
    println!(
        "\n## {}: {} accounts × {} shared triggers, {} override(s) per account, {:.0} % changed",
        scenario.name(),
        shape.accounts,
        shape.shared_triggers,
        shape.overrides,
        shape.changed * 100.0
    );
    for (key, value) in &run.facts {
        println!("{key}: {value}");
    }
    println!(
        "| phase | wall s | client CPU s | client peak RSS MB | simulator CPU s | simulator peak RSS MB |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for p in &run.phases {
        println!(
            "| {} | {:.3} | {:.2} | {:.0} | {:.2} | {:.0} |",
            p.name, p.wall, p.cpu, p.peak_mb, p.sim_cpu, p.sim_peak_mb
        );
    }
}

/// The plan command's phases (`plan` prints the human view).
const PLAN_PHASES: &[&str] = &["load+validate", "read+plan", "render human"];

fn print_targets(runs: &[(Scenario, Shape, Run)]) {
    let find = |s: Scenario| runs.iter().find(|(scenario, _, _)| *scenario == s);
    let mut lines = Vec::new();
    let mut check = |what: String, value: f64, limit: f64, unit: &str| {
        let verdict = if value <= limit { "PASS" } else { "FAIL" };
        lines.push(format!(
            "{verdict} {what}: {value:.2} {unit} (target ≤ {limit} {unit})"
        ));
    };
    if let Some((_, shape, run)) = find(Scenario::Validate) {
        let what = format!("validate {} × {}", shape.accounts, shape.shared_triggers);
        check(
            format!("{what} CPU"),
            run.cpu_of(&["load+validate"]),
            0.3,
            "s",
        );
        check(
            format!("{what} peak RSS"),
            run.peak_after("load+validate"),
            150.0,
            "MB",
        );
    }
    if let Some((_, shape, run)) = find(Scenario::Converged) {
        let what = format!(
            "converged plan {} × {}",
            shape.accounts, shape.shared_triggers
        );
        check(
            format!("{what} client CPU"),
            run.cpu_of(PLAN_PHASES),
            1.5,
            "s",
        );
        check(
            format!("{what} client peak RSS"),
            run.peak_after("render human"),
            400.0,
            "MB",
        );
    }
    if let Some((_, shape, run)) = find(Scenario::Creates) {
        let what = format!(
            "all-creates plan {} × {}",
            shape.accounts, shape.shared_triggers
        );
        check(
            format!("{what} client peak RSS"),
            run.peak_after("save"),
            1024.0,
            "MB",
        );
        let saved = run
            .fact("saved plan bytes")
            .and_then(|b| b.parse::<f64>().ok())
            .unwrap_or(f64::NAN);
        check(format!("{what} saved plan"), saved / 1e6, 120.0, "MB");
    }
    if let Some((_, shape, run)) = find(Scenario::Apply) {
        let what = format!(
            "apply {} × {} creates",
            shape.accounts,
            run.fact("objects per account").unwrap_or("?")
        );
        let wall = run.phase("apply").map_or(f64::NAN, |p| p.wall);
        check(format!("{what} wall"), wall, 60.0, "s");
    }
    println!("\n## Targets");
    for line in lines {
        println!("{line}");
    }
    println!(
        "(the read benchmark's target, ratio ≤ 1.15 and ≤ 5 requests per account, is measured by \
         `cargo run --release --example read_benchmark`)"
    );
}

/// `converged` and `creates` at each account count: how cost grows with accounts.
fn print_points(dir: &Path, options: &Options) -> Result<(), Error> {
    println!(
        "\n## Growth with accounts ({} shared triggers)",
        options.shape.shared_triggers
    );
    println!(
        "| accounts | converged plan CPU s | converged peak RSS MB | creates plan CPU s | creates peak RSS MB | saved plan MB |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for &accounts in &options.points {
        let shape = Shape {
            accounts,
            ..options.shape.clone()
        };
        let converged = median_run(dir, Scenario::Converged, &shape, options.runs)?;
        let creates = median_run(dir, Scenario::Creates, &shape, options.runs)?;
        let saved = creates
            .fact("saved plan bytes")
            .and_then(|b| b.parse::<f64>().ok())
            .unwrap_or(f64::NAN);
        println!(
            "| {accounts} | {:.2} | {:.0} | {:.2} | {:.0} | {:.1} |",
            converged.cpu_of(PLAN_PHASES),
            converged.peak_after("render human"),
            creates.cpu_of(PLAN_PHASES),
            creates.peak_after("save"),
            saved / 1e6
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The client process

/// Measures phases of this process against the simulator process.
struct Meter {
    simulator: Option<u32>,
    last: Usage,
    last_sim: Usage,
}

impl Meter {
    fn new() -> Self {
        Self {
            simulator: None,
            last: usage("self").unwrap_or_default(),
            last_sim: Usage::default(),
        }
    }

    fn watch(&mut self, pid: u32) {
        self.simulator = Some(pid);
        self.last_sim = usage(&pid.to_string()).unwrap_or_default();
    }

    /// Runs one phase and prints what it cost.
    fn phase<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let value = f();
        let wall = started.elapsed();
        let now = usage("self").unwrap_or_default();
        let sim = self
            .simulator
            .and_then(|pid| usage(&pid.to_string()))
            .unwrap_or_default();
        let mb = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        println!(
            "phase\t{name}\t{:.3}\t{:.2}\t{:.1}\t{:.2}\t{:.1}",
            wall.as_secs_f64(),
            now.cpu.saturating_sub(self.last.cpu).as_secs_f64(),
            mb(now.peak_rss),
            sim.cpu.saturating_sub(self.last_sim.cpu).as_secs_f64(),
            mb(sim.peak_rss),
        );
        self.last = now;
        self.last_sim = sim;
        value
    }
}

fn fact(key: &str, value: impl std::fmt::Display) {
    println!("fact\t{key}\t{value}");
}

fn client(options: &Options) -> Result<(), Error> {
    let scenario = options.scenario.ok_or("the client runs one scenario")?;
    let path = options.policy.as_deref().ok_or("--policy is needed")?;
    let dir = options.dir.as_deref().ok_or("--dir is needed")?;
    let mut meter = Meter::new();
    let policy = meter.phase("load+validate", || load_policy(path))?;
    fact("policy file bytes", std::fs::metadata(path)?.len());
    if scenario == Scenario::Validate {
        return Ok(());
    }

    let simulator = start_simulator(options, scenario)?;
    meter.watch(simulator.child.id());
    // As `zdpolicy plan` and `apply` do against Zendesk: the client runs on one thread.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = Client::new(ClientConfig {
        base_url: BaseUrlTemplate::parse(&simulator.url_template)?,
        credentials: CredentialMode::given(SandboxCredentials),
        parallelism: options.shape.parallelism,
        ..ClientConfig::default()
    })?;
    let accounts = &policy.accounts;
    // As `zdpolicy plan` does: each account is planned as soon as it is read.
    let plan = meter.phase("read+plan", || {
        runtime.block_on(read_and_plan(&client, accounts, &|_| {}))
    });
    let failed = plan.accounts.iter().filter(|a| a.has_errors()).count();
    describe(&plan, failed);
    // As `zdpolicy plan` does: each view is written to its output as it is drawn (here a
    // sink that counts), never held whole.
    let human = meter.phase("render human", || {
        counted(|out| plan::render::text::write(&plan, false, out))
    })?;
    let json = meter.phase("render JSON", || {
        counted(|out| plan::render::json::write(&plan, out))
    })?;
    let markdown = meter.phase("render Markdown", || {
        plan::render::markdown::render(&plan).len()
    });
    fact(
        "rendered bytes (human, JSON, Markdown)",
        format!("{human}, {json}, {markdown}"),
    );
    let saved = dir.join(format!("plan-{}.json", scenario.name()));
    meter.phase("save", || {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&saved)?);
        plan::write_saved(&plan, &mut file)?;
        std::io::Write::flush(&mut file)
    })?;
    fact("saved plan bytes", std::fs::metadata(&saved)?.len());
    if scenario == Scenario::Apply {
        let stop = AtomicBool::new(false);
        let report = meter.phase("apply", || {
            runtime.block_on(apply(
                &client,
                &plan,
                accounts,
                ApplyOptions::default(),
                &stop,
            ))
        })?;
        fact("apply", report.summary());
        if !report.succeeded() {
            return Err(format!("the apply failed: {}", report.errors()).into());
        }
    }
    drop(plan);
    simulator.stop()?;
    if failed > 0 {
        return Err(format!("{failed} accounts have errors in their plans").into());
    }
    Ok(())
}

/// How many bytes `write` writes.
fn counted(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<u64> {
    struct Count(u64);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len() as u64;
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    write(&mut count)?;
    Ok(count.0)
}

fn describe(plan: &Plan, failed: usize) {
    let changes = || plan.accounts.iter().flat_map(|a| &a.changes);
    let objects = plan.accounts.first().map_or(0, |a| a.changes.len());
    fact("objects per account", objects);
    fact("changes", changes().filter(|c| c.is_pending()).count());
    fact("no-ops", changes().filter(|c| !c.is_pending()).count());
    fact("accounts with errors", failed);
}

/// The simulator's child process.
struct SimulatorProcess {
    child: Child,
    url_template: String,
}

impl SimulatorProcess {
    /// Closes its stdin, which tells it to stop, and waits for it.
    fn stop(mut self) -> Result<(), Error> {
        drop(self.child.stdin.take());
        let status = self.child.wait()?;
        if !status.success() {
            return Err(format!("the simulator failed: {status}").into());
        }
        Ok(())
    }
}

fn start_simulator(options: &Options, scenario: Scenario) -> Result<SimulatorProcess, Error> {
    let mut command = Command::new(std::env::current_exe()?);
    command
        .args(options.shape.args())
        .args(["--role", "serve", "--scenario", scenario.name()]);
    for (flag, value) in [("--policy", &options.policy), ("--dir", &options.dir)] {
        if let Some(value) = value {
            command.arg(flag).arg(value);
        }
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no simulator stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let url_template = line
        .trim()
        .strip_prefix("ready ")
        .ok_or_else(|| format!("the simulator did not start: {line:?}"))?
        .to_owned();
    Ok(SimulatorProcess {
        child,
        url_template,
    })
}

// ---------------------------------------------------------------------------------------
// The simulator process: the sandbox, seeded for the scenario

fn serve(options: &Options) -> Result<(), Error> {
    let scenario = options
        .scenario
        .ok_or("the simulator serves one scenario")?;
    let path = options.policy.as_deref().ok_or("--policy is needed")?;
    let dir = options.dir.as_deref().ok_or("--dir is needed")?;
    let policy = load_policy(path)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut accounts: Vec<SandboxAccount> = policy
        .accounts
        .iter()
        .map(SandboxAccount::for_policy)
        .collect();
    if scenario == Scenario::Converged {
        let new_account = runtime.block_on(new_account_state(&policy, dir))?;
        for (i, (sandbox, desired)) in accounts.iter_mut().zip(&policy.accounts).enumerate() {
            let account_plan = plan::plan_account(desired, &new_account);
            let live = plan::simulate::apply(&account_plan, &new_account)?;
            let mut seed = zdpolicy::export::seed::account_seed(&sandbox.subdomain, &live);
            if is_changed(i, options.shape.changed) {
                edit_last_trigger(&mut seed);
            }
            sandbox.seed = Some(serde_json::from_value::<AccountSeed>(seed)?);
        }
    }
    let state = dir.join(format!(
        "sandbox-{}-{}.json",
        scenario.name(),
        std::process::id()
    ));
    let sandbox = runtime.block_on(start_sandbox(&state, &accounts))?;
    println!("ready {}", sandbox.url_template());
    std::io::stdout().flush()?;
    // Serve until the client closes stdin.
    let mut rest = Vec::new();
    let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut rest);
    runtime.block_on(sandbox.stop())?;
    let _ = std::fs::remove_file(&state);
    Ok(())
}

async fn start_sandbox(state: &Path, accounts: &[SandboxAccount]) -> Result<Sandbox, Error> {
    let lock = LockOptions {
        command: "local_benchmark".into(),
        wait: Duration::ZERO,
    };
    Ok(Sandbox::start(state, accounts, &lock, |_| {}).await?)
}

/// What a new Zendesk account looks like, read from a sandbox account over HTTP.
async fn new_account_state(policy: &Policy, dir: &Path) -> Result<LiveState, Error> {
    let first = policy.accounts.first().ok_or("the policy has no account")?;
    let state = dir.join(format!("probe-{}.json", std::process::id()));
    let sandbox = start_sandbox(&state, &[SandboxAccount::for_policy(first)]).await?;
    let client = Client::new(ClientConfig {
        base_url: BaseUrlTemplate::parse(&sandbox.url_template())?,
        credentials: CredentialMode::given(SandboxCredentials),
        ..ClientConfig::default()
    })?;
    let read = read_accounts(&client, std::slice::from_ref(first), &|_| {}).await;
    sandbox.stop().await?;
    let _ = std::fs::remove_file(&state);
    let read = read.into_iter().next().ok_or("nothing read")?;
    Ok(read.result?)
}

/// Whether account `i` is one of the fraction `changed` spread evenly over the accounts.
fn is_changed(i: usize, changed: f64) -> bool {
    (i as f64 * changed).floor() != ((i + 1) as f64 * changed).floor()
}

/// Edits the title of the account's last trigger, as someone in Admin Center would.
fn edit_last_trigger(seed: &mut serde_json::Value) {
    if let Some(title) = seed
        .pointer_mut("/snapshot/triggers")
        .and_then(|t| t.as_array_mut())
        .and_then(|t| t.last_mut())
        .and_then(|t| t.get_mut("title"))
    {
        let edited = format!("{} (edited)", title.as_str().unwrap_or_default());
        *title = serde_json::Value::String(edited);
    }
}
