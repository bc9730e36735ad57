//! Benchmark: read the live state of many accounts from the simulator with a fixed latency.
//!
//! Run: `cargo run --release --example read_benchmark -- [--accounts N] [--triggers T]
//! [--latency-ms L] [--parallelism P]` (defaults 1000, 150, 50, 64).
//!
//! Prints requests per account (R), wall time, the latency-bound ideal
//! `ceil(N × R / P) × latency` and the ratio to it, and the client's own CPU time. The client
//! runs on this thread (a current-thread runtime) and the simulator on other threads, so the
//! thread's CPU time is the client's alone.

mod bench_support;

use std::time::{Duration, Instant};

use serde_json::json;
use zdpolicy::policy::{load_sources, source::SourceMap};
use zdpolicy::read_plan::read_accounts;
use zdpolicy::simulator::{
    AccountSeed, FaultConfig, OAuthTokenSeed, Role, Simulator, SimulatorConfig, TriggerSeed,
};
use zdpolicy::zendesk::client::base_url::BaseUrlTemplate;
use zdpolicy::zendesk::client::{Client, ClientConfig};

// The same allocator as the zdpolicy binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Options {
    accounts: usize,
    triggers: usize,
    latency_ms: u64,
    parallelism: usize,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        accounts: 1000,
        triggers: 150,
        latency_ms: 50,
        parallelism: 64,
    };
    for (flag, value) in bench_support::flag_pairs(&[])? {
        let value = value.as_str();
        match flag.as_str() {
            "--accounts" => options.accounts = bench_support::number(&flag, value)?,
            "--triggers" => options.triggers = bench_support::number(&flag, value)?,
            "--latency-ms" => options.latency_ms = bench_support::number(&flag, value)?,
            "--parallelism" => {
                options.parallelism = bench_support::number::<usize>(&flag, value)?.max(1);
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(options)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = options()?;
    let server = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let config = SimulatorConfig {
        faults: FaultConfig {
            latency_ms: options.latency_ms,
            ..FaultConfig::default()
        },
        rate_limit_per_minute: Some(1_000_000),
        ..SimulatorConfig::ephemeral()
    };
    let sim = server.block_on(Simulator::start(config))?;
    let names: Vec<String> = (0..options.accounts)
        .map(|i| format!("bench{i:05}"))
        .collect();
    for name in &names {
        let mut seed = AccountSeed::new(name.clone());
        seed.default_triggers = false;
        seed.credentials.oauth_tokens.push(OAuthTokenSeed {
            token: "bench-token".into(),
            role: Role::Admin,
            scopes: vec!["read".into(), "write".into()],
        });
        for t in 0..options.triggers {
            let trigger = json!({
                "title": format!("Trigger {t}"),
                "conditions": {"all": [{"field": "status", "operator": "is", "value": "new"}], "any": []},
                "actions": [{"field": "priority", "value": "high"}]
            });
            seed.triggers.push(TriggerSeed {
                category: None,
                trigger: trigger.as_object().cloned().unwrap_or_default(),
            });
        }
        sim.handle().add_account(seed)?;
    }
    let dir = bench_support::scratch_dir()?;
    let token = dir.join("token");
    std::fs::write(&token, "bench-token")?;
    let mut text = String::from("version: 1\naccounts:\n");
    for name in &names {
        text.push_str(&format!(
            "  {name}:\n    subdomain: {name}\n    credentials: {{ oauth_token: \"file:{}\" }}\n",
            token.display()
        ));
    }
    let mut sources = SourceMap::new();
    sources.add("bench.yaml", text);
    let policy = load_sources("bench".into(), sources);
    let client = Client::new(ClientConfig {
        // The credentials are `file:`/`cmd:` references, which the test (not a policy author) allows.
        allow_credential_commands: true,
        base_url: BaseUrlTemplate::parse(&sim.url_template())?,
        parallelism: options.parallelism,
        ..ClientConfig::default()
    })?;
    sim.handle().reset_stats();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let cpu_before = bench_support::thread_cpu_time();
    let started = Instant::now();
    let reads = runtime.block_on(read_accounts(&client, &policy.accounts, &|_| {}));
    let wall = started.elapsed();
    let cpu = cpu_before
        .zip(bench_support::thread_cpu_time())
        .map(|(a, b)| b.saturating_sub(a));

    let failed = reads.iter().filter(|r| r.result.is_err()).count();
    let stats = sim.handle().stats();
    let requests: u64 = names.iter().map(|n| stats.account(n).requests).sum();
    let per_account = requests as f64 / options.accounts as f64;
    let rounds = (requests as f64 / options.parallelism as f64).ceil();
    let ideal = Duration::from_millis(options.latency_ms).mul_f64(rounds);
    println!(
        "accounts: {}  triggers/account: {}  latency: {} ms  parallelism: {}",
        options.accounts, options.triggers, options.latency_ms, options.parallelism
    );
    println!("failed accounts: {failed}");
    println!("requests per account: {per_account:.2}");
    println!("wall time: {:.3} s", wall.as_secs_f64());
    println!(
        "ideal (ceil(N x R / P) x latency): {:.3} s",
        ideal.as_secs_f64()
    );
    println!("ratio: {:.3}", wall.as_secs_f64() / ideal.as_secs_f64());
    match cpu {
        Some(cpu) => println!("client CPU time: {:.3} s", cpu.as_secs_f64()),
        None => println!("client CPU time: unavailable (needs Linux /proc)"),
    }
    server.block_on(sim.shutdown())?;
    let _ = std::fs::remove_dir_all(&dir);
    if failed > 0 {
        return Err(format!("{failed} accounts failed").into());
    }
    Ok(())
}
