//! The simulator's browser sign-in over real HTTP: the authorization page, the
//! authorization-code grant with PKCE, refresh-token rotation, expiry, revocation and
//! `/api/v2/users/me`, as `zdpolicy login` meets them.

mod simulator_support;

use std::time::Duration;

use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};
use simulator_support::{Sent, Sim, acme};
use zdpolicy::simulator::{SignInSeed, SimulatorConfig};
use zdpolicy::zendesk::signin::pkce;

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const REDIRECT: &str = "http://127.0.0.1:45678/callback";

/// Opens the authorization page as a browser would (without following the redirect) and
/// returns the redirect's query parameters.
async fn authorize(sim: &Sim, params: &[(&str, &str)]) -> (StatusCode, Vec<(String, String)>) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client builds");
    let response = http
        .get(sim.url("acme", "/oauth/authorizations/new"))
        .query(params)
        .send()
        .await
        .expect("authorization page answers");
    let status = response.status();
    let Some(location) = response.headers().get("location") else {
        return (status, Vec::new());
    };
    let location = Url::parse(location.to_str().expect("ASCII location")).expect("a URL");
    assert!(
        location.as_str().starts_with(REDIRECT),
        "redirected to the client's URL: {location}"
    );
    let pairs = location.query_pairs().into_owned().collect();
    (status, pairs)
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn good_request() -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".into()),
        ("client_id", "zdpolicy".into()),
        ("redirect_uri", REDIRECT.into()),
        ("scope", "read write".into()),
        ("state", "st4te".into()),
        ("code_challenge", pkce::challenge(VERIFIER)),
        ("code_challenge_method", "S256".into()),
    ]
}

async fn code(sim: &Sim) -> String {
    let request = good_request();
    let params: Vec<(&str, &str)> = request.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, pairs) = authorize(sim, &params).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(param(&pairs, "state"), Some("st4te"));
    param(&pairs, "code").expect("a code").to_owned()
}

async fn token(sim: &Sim, body: Value) -> (StatusCode, Value) {
    sim.request(Method::POST, "acme", "/oauth/tokens")
        .json(&body)
        .sent_json()
        .await
}

async fn exchange(sim: &Sim, code: &str) -> (StatusCode, Value) {
    token(
        sim,
        json!({"grant_type": "authorization_code", "client_id": "zdpolicy", "code": code,
               "redirect_uri": REDIRECT, "code_verifier": VERIFIER}),
    )
    .await
}

async fn refresh(sim: &Sim, refresh_token: &str) -> (StatusCode, Value) {
    token(
        sim,
        json!({"grant_type": "refresh_token", "client_id": "zdpolicy", "refresh_token": refresh_token}),
    )
    .await
}

async fn me_status(sim: &Sim, access: &str) -> StatusCode {
    sim.request(Method::GET, "acme", "/api/v2/users/me")
        .bearer_auth(access)
        .sent_status()
        .await
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().expect(key).to_owned()
}

#[tokio::test]
async fn code_exchange_with_pkce_gives_a_pair_and_the_person() {
    let sim = Sim::start().await;
    let code = code(&sim).await;
    let (status, pair) = exchange(&sim, &code).await;
    assert_eq!(status, 200, "{pair}");
    assert_eq!(pair["token_type"], "bearer");
    assert_eq!(pair["scope"], "read write");
    assert_eq!(pair["expires_in"], 1800);
    assert_eq!(pair["refresh_token_expires_in"], 2_592_000);
    let access = text(&pair, "access_token");
    let (status, me) = sim
        .request(Method::GET, "acme", "/api/v2/users/me.json")
        .bearer_auth(&access)
        .sent_json()
        .await;
    assert_eq!(status, 200);
    assert_eq!(me["user"]["email"], "admin@example.com");
    assert_eq!(me["user"]["role"], "admin");
    assert_eq!(me["user"]["id"], 10_000_000_001_u64);
    // The token works on the Support API like any OAuth token.
    let triggers = sim
        .request(Method::GET, "acme", "/api/v2/triggers")
        .bearer_auth(&access)
        .sent_status()
        .await;
    assert_eq!(triggers, 200);
    // A code works once.
    let (status, again) = exchange(&sim, &code).await;
    assert_eq!(
        (status.as_u16(), &again["error"]),
        (400, &json!("invalid_grant"))
    );
    sim.stop().await;
}

#[tokio::test]
async fn a_wrong_verifier_or_redirect_is_refused_and_uses_the_code_up() {
    let sim = Sim::start().await;
    let code1 = code(&sim).await;
    let (status, body) = token(
        &sim,
        json!({"grant_type": "authorization_code", "client_id": "zdpolicy", "code": code1,
               "redirect_uri": REDIRECT, "code_verifier": "x".repeat(43)}),
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["error"]),
        (400, &json!("invalid_grant"))
    );
    assert_eq!(exchange(&sim, &code1).await.0, 400, "no second try");
    let code2 = code(&sim).await;
    let (status, _) = token(
        &sim,
        json!({"grant_type": "authorization_code", "client_id": "zdpolicy", "code": code2,
               "redirect_uri": "http://127.0.0.1:1/callback", "code_verifier": VERIFIER}),
    )
    .await;
    assert_eq!(status, 400);
    sim.stop().await;
}

#[tokio::test]
async fn the_authorization_page_checks_the_client_and_pkce() {
    let sim = Sim::start().await;
    let base = good_request();
    let with = |key: &str, value: &str| -> Vec<(String, String)> {
        base.iter()
            .map(|(k, v)| {
                let v = if *k == key {
                    value.to_owned()
                } else {
                    v.clone()
                };
                ((*k).to_owned(), v)
            })
            .collect()
    };
    let send = async |params: Vec<(String, String)>| {
        let params: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        authorize(&sim, &params).await
    };
    // Unknown client or unregistered redirect URL: answered on the page, never redirected.
    for (key, value) in [
        ("client_id", "other"),
        ("redirect_uri", "http://127.0.0.1:9/elsewhere"),
    ] {
        let (status, pairs) = send(with(key, value)).await;
        assert_eq!(status, 400, "{key}");
        assert!(pairs.is_empty());
    }
    let (status, pairs) = send(with("code_challenge_method", "plain")).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(param(&pairs, "error"), Some("invalid_request"));
    assert_eq!(param(&pairs, "state"), Some("st4te"));
    let (_, pairs) = send(with("response_type", "token")).await;
    assert_eq!(param(&pairs, "error"), Some("unsupported_response_type"));
    sim.stop().await;
}

#[tokio::test]
async fn a_person_who_denies_sends_access_denied_back() {
    let mut seed = acme();
    seed.credentials.sign_in = Some(SignInSeed {
        approve: false,
        ..SignInSeed::default()
    });
    let sim = Sim::with(SimulatorConfig {
        accounts: vec![seed],
        ..SimulatorConfig::ephemeral()
    })
    .await;
    let request = good_request();
    let params: Vec<(&str, &str)> = request.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, pairs) = authorize(&sim, &params).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(param(&pairs, "error"), Some("access_denied"));
    assert_eq!(param(&pairs, "code"), None);
    sim.stop().await;
}

#[tokio::test]
async fn configured_scopes_are_what_the_person_grants() {
    let mut seed = acme();
    seed.credentials.sign_in = Some(SignInSeed {
        scopes: Some(vec!["triggers:read".into()]),
        ..SignInSeed::default()
    });
    let sim = Sim::with(SimulatorConfig {
        accounts: vec![seed],
        ..SimulatorConfig::ephemeral()
    })
    .await;
    let code = code(&sim).await;
    let (_, pair) = exchange(&sim, &code).await;
    assert_eq!(pair["scope"], "triggers:read");
    let access = text(&pair, "access_token");
    assert_eq!(me_status(&sim, &access).await, 403, "users/me needs read");
    sim.stop().await;
}

#[tokio::test]
async fn refresh_rotates_and_expired_tokens_are_refused() {
    let sim = Sim::start().await;
    let code = code(&sim).await;
    let (_, first) = exchange(&sim, &code).await;
    let (access1, refresh1) = (text(&first, "access_token"), text(&first, "refresh_token"));
    sim.handle().advance_clock(Duration::from_secs(1801));
    assert_eq!(me_status(&sim, &access1).await, 401, "expired");
    let (status, second) = refresh(&sim, &refresh1).await;
    assert_eq!(status, 200, "{second}");
    let (access2, refresh2) = (
        text(&second, "access_token"),
        text(&second, "refresh_token"),
    );
    assert_ne!(refresh2, refresh1, "rotated");
    assert_eq!(me_status(&sim, &access2).await, 200);
    // The old refresh token went with its pair.
    let (status, reused) = refresh(&sim, &refresh1).await;
    assert_eq!(
        (status.as_u16(), &reused["error"]),
        (400, &json!("invalid_grant"))
    );
    // A refresh token expires too.
    sim.handle().advance_clock(Duration::from_secs(2_592_001));
    assert_eq!(refresh(&sim, &refresh2).await.0, 400);
    sim.stop().await;
}

#[tokio::test]
async fn revoked_tokens_stop_working() {
    let sim = Sim::start().await;
    let (_, pair) = exchange(&sim, &code(&sim).await).await;
    let (access, refresh_token) = (text(&pair, "access_token"), text(&pair, "refresh_token"));
    let revoked = sim
        .request(Method::DELETE, "acme", "/api/v2/oauth/tokens/current.json")
        .bearer_auth(&access)
        .sent_status()
        .await;
    assert_eq!(revoked, 204);
    assert_eq!(me_status(&sim, &access).await, 401);
    assert_eq!(refresh(&sim, &refresh_token).await.0, 400);

    // An admin revoking every sign-in in Admin Center.
    let (_, pair) = exchange(&sim, &code(&sim).await).await;
    assert_eq!(sim.handle().live_sign_ins("acme"), 1);
    assert_eq!(
        sim.handle().revoke_sign_ins("acme").expect("known account"),
        1
    );
    assert_eq!(refresh(&sim, &text(&pair, "refresh_token")).await.0, 400);
    assert_eq!(sim.handle().live_sign_ins("acme"), 0);
    sim.stop().await;
}
