//! The simulator's authentication, authorisation, OAuth token issue and rate limits over
//! real HTTP.

mod simulator_support;

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use simulator_support::{
    AGENT_EMAIL, AGENT_TOKEN, CLIENT_ID, CLIENT_SECRET, OAUTH_TOKEN, READ_ONLY_OAUTH_TOKEN, Sent,
    Sim, acme, trigger_body,
};
use zdpolicy::simulator::SimulatorConfig;

const COULD_NOT_AUTHENTICATE: &str = r#"{"error":"Couldn't authenticate you"}"#;

#[tokio::test]
async fn missing_or_wrong_credentials_get_401() {
    let sim = Sim::start().await;
    let attempts = [
        sim.request(Method::GET, "acme", "/api/v2/triggers"),
        sim.request(Method::GET, "acme", "/api/v2/triggers")
            .basic_auth("admin@acme.test/token", Some("wrong")),
        sim.request(Method::GET, "acme", "/api/v2/triggers")
            .basic_auth("admin@acme.test", Some("acme-admin-api-token")),
        sim.request(Method::GET, "acme", "/api/v2/triggers")
            .bearer_auth("not-a-token"),
        // Credentials of another account do not open this one.
        sim.request(Method::GET, "acme", "/api/v2/triggers")
            .basic_auth("admin@globex.test/token", Some("globex-admin-api-token")),
    ];
    for attempt in attempts {
        let response = attempt.sent().await;
        assert_eq!(response.status(), 401);
        assert_eq!(
            response.headers()["content-type"],
            "application/json; charset=utf-8"
        );
        assert_eq!(response.text().await.expect("body"), COULD_NOT_AUTHENTICATE);
    }
    let unknown = sim
        .request(Method::GET, "initech", "/api/v2/triggers")
        .sent()
        .await;
    assert_eq!(unknown.status(), 404);
    sim.stop().await;
}

#[tokio::test]
async fn agents_read_but_get_403_on_writes() {
    let sim = Sim::start().await;
    let agent = |method: Method, path: &str| {
        sim.request(method, "acme", path)
            .basic_auth(format!("{AGENT_EMAIL}/token"), Some(AGENT_TOKEN))
    };
    assert_eq!(
        agent(Method::GET, "/api/v2/triggers").sent_status().await,
        200
    );
    assert_eq!(
        agent(Method::GET, "/api/v2/account/settings")
            .sent_status()
            .await,
        200
    );
    let (status, forbidden) = agent(Method::POST, "/api/v2/triggers")
        .json(&trigger_body("x"))
        .sent_json()
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        forbidden,
        json!({"error": "Forbidden", "description": "You do not have access to this page. Please contact the account owner of this help desk for further help."})
    );
    let settings = agent(Method::PUT, "/api/v2/account/settings")
        .json(&json!({"settings": {}}))
        .sent()
        .await;
    assert_eq!(settings.status(), 403);
    sim.stop().await;
}

#[tokio::test]
async fn bearer_tokens_are_limited_by_their_scopes() {
    let sim = Sim::start().await;
    let bearer = |token: &str, method: Method, path: &str| {
        sim.request(method, "acme", path).bearer_auth(token)
    };
    assert_eq!(
        bearer(OAUTH_TOKEN, Method::GET, "/api/v2/triggers")
            .sent_status()
            .await,
        200
    );
    let created = bearer(OAUTH_TOKEN, Method::POST, "/api/v2/triggers")
        .json(&trigger_body("OAuth"))
        .sent()
        .await;
    assert_eq!(created.status(), 201);

    // `triggers:read` reads triggers and categories, nothing else, and writes nothing.
    assert_eq!(
        bearer(READ_ONLY_OAUTH_TOKEN, Method::GET, "/api/v2/triggers")
            .sent_status()
            .await,
        200
    );
    assert_eq!(
        bearer(
            READ_ONLY_OAUTH_TOKEN,
            Method::GET,
            "/api/v2/trigger_categories"
        )
        .sent_status()
        .await,
        200
    );
    let write = bearer(READ_ONLY_OAUTH_TOKEN, Method::POST, "/api/v2/triggers")
        .json(&trigger_body("x"))
        .sent()
        .await;
    assert_eq!(write.status(), 403);
    let settings = bearer(
        READ_ONLY_OAUTH_TOKEN,
        Method::GET,
        "/api/v2/account/settings",
    )
    .sent()
    .await;
    assert_eq!(settings.status(), 403);
    sim.stop().await;
}

#[tokio::test]
async fn client_credentials_tokens_work_until_they_expire() {
    let sim = Sim::start().await;
    let (status, body) = sim
        .request(Method::POST, "acme", "/oauth/tokens")
        .json(&json!({"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                      "scope": "triggers:read triggers:write", "expires_in": 300}))
        .sent_json()
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 300);
    assert_eq!(body["scope"], "triggers:read triggers:write");
    let token = body["access_token"].as_str().expect("token").to_owned();
    assert_eq!(token.len(), 40);

    let use_token = || {
        sim.request(Method::GET, "acme", "/api/v2/triggers")
            .bearer_auth(&token)
            .sent()
    };
    assert_eq!(use_token().await.status(), 200);
    // Whole seconds: leave a second of margin on each side of the expiry.
    sim.handle().advance_clock(Duration::from_secs(298));
    assert_eq!(use_token().await.status(), 200);
    sim.handle().advance_clock(Duration::from_secs(3));
    let expired = use_token().await;
    assert_eq!(expired.status(), 401);
    assert_eq!(expired.text().await.expect("body"), COULD_NOT_AUTHENTICATE);

    // Form-encoded bodies work as well.
    let (status, form) = sim
        .request(Method::POST, "acme", "/oauth/tokens")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&scope=read"))
        .sent_json()
        .await;
    assert_eq!(status, 200);
    assert_eq!(form["expires_in"], 172_800);

    let refusals = [
        (
            json!({"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": "wrong"}),
            401,
            "invalid_client",
        ),
        (
            json!({"grant_type": "password", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}),
            400,
            "unsupported_grant_type",
        ),
        (
            json!({"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "expires_in": 60}),
            400,
            "invalid_request",
        ),
    ];
    for (body, status, error) in refusals {
        let (got, answer) = sim
            .request(Method::POST, "acme", "/oauth/tokens")
            .json(&body)
            .sent_json()
            .await;
        assert_eq!(got, status, "{body}");
        assert_eq!(answer["error"], error);
    }
    sim.stop().await;
}

#[tokio::test]
async fn rate_limits_follow_the_plan_and_answer_429_with_retry_after() {
    let sim = Sim::start().await;
    let acme = sim.admin(Method::GET, "/api/v2/triggers").sent().await;
    assert_eq!(acme.headers()["x-rate-limit"], "700", "Enterprise");
    assert_eq!(acme.headers()["x-rate-limit-remaining"], "699");
    let globex = sim.globex(Method::GET, "/api/v2/triggers").sent().await;
    assert_eq!(globex.headers()["x-rate-limit"], "200", "Team");

    sim.handle()
        .set_rate_limit("acme", Some(3))
        .expect("known account");
    for remaining in ["2", "1", "0"] {
        let response = sim.admin(Method::GET, "/api/v2/triggers").sent().await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-rate-limit"], "3");
        assert_eq!(response.headers()["x-rate-limit-remaining"], remaining);
        assert_eq!(response.headers()["rate-limit-remaining"], remaining);
    }
    let limited = sim.admin(Method::GET, "/api/v2/triggers").sent().await;
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(limited.headers()["x-rate-limit-remaining"], "0");
    assert!(
        limited.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/plain")
    );
    assert_eq!(
        limited.text().await.expect("body"),
        "Number of allowed API requests per minute exceeded"
    );
    // Other accounts have their own budget.
    assert_eq!(
        sim.globex(Method::GET, "/api/v2/triggers")
            .sent_status()
            .await,
        200
    );

    sim.handle().advance_clock(Duration::from_secs(retry_after));
    assert_eq!(sim.get_status("/api/v2/triggers").await, 200);
    assert_eq!(sim.handle().stats().account("acme").status("429"), 1);
    sim.stop().await;
}

#[tokio::test]
async fn short_windows_and_a_global_limit_for_tests() {
    let sim = Sim::with(SimulatorConfig {
        accounts: vec![acme()],
        rate_limit_per_minute: Some(2),
        rate_limit_window: Duration::from_secs(5),
        ..SimulatorConfig::ephemeral()
    })
    .await;
    let statuses = async || {
        let mut statuses = Vec::new();
        for _ in 0..3 {
            statuses.push(sim.get_status("/api/v2/triggers").await.as_u16());
        }
        statuses
    };
    assert_eq!(statuses().await, [200, 200, 429]);
    // The window is measured on the simulator's clock, so a test need not sleep through it.
    sim.handle().advance_clock(Duration::from_secs(5));
    assert_eq!(statuses().await, [200, 200, 429]);
    sim.stop().await;
}
