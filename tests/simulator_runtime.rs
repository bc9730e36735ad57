//! The simulator as a process: seed and state files, restart, fault injection, the request
//! counters, and the `/_sim` routes, over real HTTP.

mod simulator_support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use simulator_support::{Sent, Sim, acme, json, trigger_body};
use zdpolicy::simulator::{
    FaultConfig, SimulatorArgs, SimulatorConfig, SimulatorError, Stats, load_seed_file,
};

fn example_seed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/simulator-seed.yaml")
}

#[tokio::test]
async fn the_example_seed_serves_two_accounts() {
    let seed = load_seed_file(&example_seed()).expect("example seed is valid");
    assert_eq!(seed.accounts.len(), 2);
    let sim = Sim::with(SimulatorConfig {
        seed: Some(example_seed()),
        ..SimulatorConfig::ephemeral()
    })
    .await;
    assert_eq!(sim.handle().accounts(), ["acme", "globex"]);
    let acme = sim
        .request(Method::GET, "acme", "/api/v2/triggers?page[size]=100")
        .bearer_auth("acme-oauth-token")
        .sent()
        .await;
    assert_eq!(acme.headers()["x-rate-limit"], "700");
    let acme = json(acme).await;
    let titles: Vec<_> = acme["triggers"]
        .as_array()
        .expect("list")
        .iter()
        .map(|t| t["title"].clone())
        .collect();
    assert!(titles.contains(&json!("Route VIP tickets to Tier 2")));
    assert!(titles.contains(&json!("Request customer satisfaction rating (messaging)")));
    let globex = sim
        .request(Method::GET, "globex", "/api/v2/triggers")
        .basic_auth("admin@globex.example/token", Some("globex-api-token"))
        .sent()
        .await;
    assert_eq!(globex.headers()["x-rate-limit"], "200");
    assert_eq!(
        sim.running.url_template(),
        format!("{}/{{subdomain}}", sim.running.base_url())
    );
    sim.stop().await;
}

#[tokio::test]
async fn bad_seed_and_state_files_are_reported_with_their_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let seed = dir.path().join("seed.yaml");
    std::fs::write(&seed, "accounts:\n  - subdomain: acme\n    plna: team\n").expect("write");
    let config = SimulatorConfig {
        seed: Some(seed.clone()),
        ..SimulatorConfig::ephemeral()
    };
    let error = zdpolicy::simulator::Simulator::start(config)
        .await
        .expect_err("typo refused");
    assert!(
        matches!(&error, SimulatorError::SeedInvalid { path, .. } if path == &seed),
        "{error}"
    );
    assert!(error.to_string().contains("plna"), "{error}");

    let missing = SimulatorConfig {
        seed: Some(dir.path().join("missing.yaml")),
        ..SimulatorConfig::ephemeral()
    };
    let error = zdpolicy::simulator::Simulator::start(missing)
        .await
        .expect_err("missing file");
    assert!(matches!(error, SimulatorError::SeedRead { .. }), "{error}");

    let state = dir.path().join("state.json");
    std::fs::write(&state, "not json").expect("write");
    let config = SimulatorConfig {
        state_file: Some(state),
        ..SimulatorConfig::ephemeral()
    };
    let error = zdpolicy::simulator::Simulator::start(config)
        .await
        .expect_err("bad state");
    assert!(
        matches!(error, SimulatorError::StateInvalid { .. }),
        "{error}"
    );

    let taken = Sim::start().await;
    let config = SimulatorConfig {
        listen: taken.running.local_addr(),
        ..SimulatorConfig::ephemeral()
    };
    let error = zdpolicy::simulator::Simulator::start(config)
        .await
        .expect_err("port taken");
    assert!(matches!(error, SimulatorError::Bind { .. }), "{error}");
    taken.stop().await;
}

#[tokio::test]
async fn the_state_file_keeps_accounts_across_restarts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state.json");
    let config = || SimulatorConfig {
        state_file: Some(state.clone()),
        accounts: vec![acme()],
        ..SimulatorConfig::ephemeral()
    };
    let sim = Sim::with(config()).await;
    let first = sim.create_trigger(trigger_body("Survives restarts")).await;
    sim.handle()
        .set_rate_limit("acme", Some(1234))
        .expect("known account");
    sim.stop().await;
    assert!(state.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        1,
        "no temporary files left"
    );

    let sim = Sim::with(config()).await;
    let id = first["id"].as_u64().expect("id");
    let response = sim
        .admin(Method::GET, &format!("/api/v2/triggers/{id}"))
        .sent()
        .await;
    assert_eq!(response.headers()["x-rate-limit"], "1234");
    let mut shown = json(response).await["trigger"].clone();
    let mut first = first;
    for trigger in [&mut shown, &mut first] {
        trigger.as_object_mut().map(|t| t.remove("url"));
    }
    assert_eq!(
        shown, first,
        "the state file wins over the seed for known accounts (url follows the new port)"
    );
    let second = sim.create_trigger(trigger_body("After restart")).await;
    assert!(second["id"].as_u64().expect("id") > id, "ids continue");
    sim.stop().await;
}

/// Statuses of `n` sequential requests (`0` for a dropped connection).
async fn statuses(sim: &Sim, n: usize) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..n {
        let status = match sim
            .admin(Method::GET, "/api/v2/triggers/definitions")
            .send()
            .await
        {
            Ok(response) => response.status().as_u16(),
            Err(error) => {
                assert!(
                    !error.is_timeout(),
                    "a dropped connection fails fast: {error}"
                );
                0
            }
        };
        statuses.push(status);
    }
    statuses
}

#[tokio::test]
async fn faults_are_deterministic_for_a_seed() {
    let faults = FaultConfig {
        error_rate: 0.3,
        drop_rate: 0.1,
        seed: 42,
        ..FaultConfig::default()
    };
    let run = async |faults: FaultConfig| {
        let sim = Sim::with(SimulatorConfig {
            accounts: vec![acme()],
            faults,
            ..SimulatorConfig::ephemeral()
        })
        .await;
        let seen = statuses(&sim, 40).await;
        let stats = sim.handle().stats();
        sim.stop().await;
        (seen, stats)
    };
    let (first, stats) = run(faults).await;
    let (second, _) = run(faults).await;
    assert_eq!(first, second, "same seed, same faults");
    assert!(first.contains(&200) && first.contains(&0), "{first:?}");
    assert!(first.iter().any(|s| *s == 500 || *s == 503), "{first:?}");
    let acme = stats.account("acme");
    assert_eq!(acme.requests, 40);
    assert_eq!(
        acme.status("dropped"),
        first.iter().filter(|s| **s == 0).count() as u64
    );
    let (other, _) = run(FaultConfig { seed: 43, ..faults }).await;
    assert_ne!(first, other, "another seed, other faults");
}

#[tokio::test]
async fn per_account_faults_latency_and_slow_bodies() {
    let sim = Sim::start().await;
    sim.handle().set_account_faults(
        "acme",
        Some(FaultConfig {
            error_rate: 1.0,
            retry_after_secs: 7,
            ..FaultConfig::default()
        }),
    );
    let mut saw_503 = false;
    for _ in 0..10 {
        let response = sim.admin(Method::GET, "/api/v2/triggers").sent().await;
        assert!(matches!(response.status().as_u16(), 500 | 503));
        if response.status() == 503 {
            assert_eq!(response.headers()["retry-after"], "7");
            saw_503 = true;
        }
    }
    assert!(saw_503);
    assert_eq!(
        sim.globex(Method::GET, "/api/v2/triggers")
            .sent_status()
            .await,
        200,
        "globex unaffected"
    );

    // Over HTTP: latency and a slow body on every account.
    sim.handle().set_account_faults("acme", None);
    let status = sim
        .sim_status(
            Method::PUT,
            "/_sim/faults",
            &json!({"latency_ms": 60, "slow_body_ms": 80}),
        )
        .await;
    assert_eq!(status, 200);
    let started = Instant::now();
    let body = sim.get_json("/api/v2/triggers").await;
    assert_eq!(body["count"], 8, "a slow body is still whole");
    assert!(
        started.elapsed() >= Duration::from_millis(140),
        "{:?}",
        started.elapsed()
    );
    sim.stop().await;
}

#[tokio::test]
async fn counters_and_the_request_log_show_what_a_client_did() {
    let sim = Sim::start().await;
    sim.sim(Method::DELETE, "/_sim/stats").sent().await;
    for _ in 0..3 {
        sim.admin(Method::GET, "/api/v2/triggers.json?page[size]=100")
            .sent()
            .await;
    }
    let created = sim.create_trigger(trigger_body("Counted")).await;
    let id = created["id"].as_u64().expect("id");
    sim.admin(Method::PUT, &format!("/api/v2/triggers/{id}.json"))
        .json(&trigger_body("Counted"))
        .sent()
        .await;
    sim.request(Method::GET, "acme", "/api/v2/triggers")
        .sent()
        .await;

    let stats: Stats = sim.sim(Method::GET, "/_sim/stats").sent_as().await;
    let acme = stats.account("acme");
    assert_eq!(acme.requests, 6);
    assert_eq!(acme.endpoint("GET /api/v2/triggers"), 4);
    assert_eq!(acme.endpoint("POST /api/v2/triggers"), 1);
    assert_eq!(acme.endpoint("PUT /api/v2/triggers/{id}"), 1);
    assert_eq!(acme.status("200"), 4);
    assert_eq!(acme.status("201"), 1);
    assert_eq!(acme.status("401"), 1);
    assert_eq!(stats.account("globex").requests, 0);
    assert_eq!(sim.handle().stats(), stats);

    let (_, log) = sim
        .sim(Method::GET, "/_sim/requests?account=acme")
        .sent_json()
        .await;
    let log = log["requests"].as_array().expect("log");
    assert_eq!(log.len(), 6);
    assert_eq!(log[0]["path"], "/api/v2/triggers.json?page[size]=100");
    assert_eq!(log[3]["method"], "POST");
    sim.stop().await;
}

#[tokio::test]
async fn sim_routes_add_accounts_and_move_the_clock() {
    let sim = Sim::with(SimulatorConfig::ephemeral()).await;
    assert_eq!(
        json(sim.sim(Method::GET, "/_sim/accounts").sent().await).await,
        json!({"accounts": []})
    );
    let seed = serde_json::to_value(acme()).expect("seed serialises");
    let added = sim.sim_status(Method::POST, "/_sim/accounts", &seed).await;
    assert_eq!(added, 201);
    let again = sim.sim_status(Method::POST, "/_sim/accounts", &seed).await;
    assert_eq!(again, 422, "subdomains are unique");
    assert_eq!(sim.get_status("/api/v2/triggers").await, 200);

    let before = sim.create_trigger(trigger_body("Before")).await;
    let status = sim
        .sim_status(
            Method::POST,
            "/_sim/clock",
            &json!({"advance_seconds": 86_400}),
        )
        .await;
    assert_eq!(status, 200);
    let after = sim.create_trigger(trigger_body("After")).await;
    let day = |t: &serde_json::Value| t["created_at"].as_str().expect("stamp")[..10].to_owned();
    assert_ne!(day(&before), day(&after), "the clock moved a day");

    let limited = sim
        .sim_status(
            Method::PUT,
            "/_sim/accounts/acme/rate_limit",
            &json!({"per_minute": 1}),
        )
        .await;
    assert_eq!(limited, 200);
    assert_eq!(sim.get_status("/api/v2/triggers").await, 200);
    assert_eq!(sim.get_status("/api/v2/triggers").await, 429);
    // Regression (#19): the documented reset, body `null`, answered 400.
    let reset = sim
        .sim_status(Method::PUT, "/_sim/accounts/acme/rate_limit", &json!(null))
        .await;
    assert_eq!(reset, 200);
    assert_eq!(
        sim.get_status("/api/v2/triggers").await,
        200,
        "the plan's limit"
    );
    let limited = sim
        .sim_status(
            Method::PUT,
            "/_sim/accounts/acme/rate_limit",
            &json!({"per_minute": 1}),
        )
        .await;
    assert_eq!(limited, 200);
    // Setting a limit starts a new window.
    assert_eq!(sim.get_status("/api/v2/triggers").await, 200);
    assert_eq!(sim.get_status("/api/v2/triggers").await, 429);
    let reset = sim
        .sim_status(
            Method::PUT,
            "/_sim/accounts/acme/rate_limit",
            &json!({"per_minute": null}),
        )
        .await;
    assert_eq!(reset, 200);
    assert_eq!(sim.get_status("/api/v2/triggers").await, 200);
    let unknown_path = sim.get_status("/api/v2/nothing_here").await;
    assert_eq!(unknown_path, 404);
    sim.stop().await;
}

#[test]
fn cli_flags_configure_faults_and_limits() {
    use clap::Parser;
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: SimulatorArgs,
    }
    let cli = Cli::try_parse_from([
        "zdpolicy-simulator",
        "--listen",
        "127.0.0.1:0",
        "--latency-ms",
        "5",
        "--jitter-ms",
        "3",
        "--error-rate",
        "0.1",
        "--drop-rate",
        "0.05",
        "--slow-body-ms",
        "20",
        "--fault-seed",
        "7",
        "--rate-limit-per-minute",
        "50",
        "--state",
        "state.json",
    ])
    .expect("flags parse");
    let config = cli.args.into_config().expect("a loopback address");
    assert_eq!(
        config.faults,
        FaultConfig {
            latency_ms: 5,
            jitter_ms: 3,
            error_rate: 0.1,
            drop_rate: 0.05,
            slow_body_ms: 20,
            seed: 7,
            ..FaultConfig::default()
        }
    );
    assert_eq!(config.rate_limit_per_minute, Some(50));
    assert_eq!(config.state_file, Some(PathBuf::from("state.json")));
}
