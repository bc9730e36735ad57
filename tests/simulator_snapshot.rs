//! Snapshot seeds in the simulator: a real account's triggers, categories and definitions are
//! served exactly as seeded (ids, positions, timestamps, keys the wire types do not name),
//! writes keep what they do not touch, and new ids follow the snapshot's.

use reqwest::Method;
use serde_json::{Value, json};
use zdpolicy::simulator::{AccountSeed, OAuthTokenSeed, Role, Simulator, SimulatorConfig};

const TOKEN: &str = "snapshot-test-token";

fn seed() -> AccountSeed {
    let mut seed: AccountSeed = serde_json::from_value(json!({
        "subdomain": "acme",
        "default_triggers": false,
        "snapshot": {
            "settings": {"messaging_inactivity": {"end_session": true}, "future_section": {"x": 1}},
            "trigger_categories": [{"id": "36000000000100", "name": "Ops", "position": 4}],
            "triggers": [{
                "url": "https://acme.zendesk.com/api/v2/triggers/36000000000999.json",
                "id": 36000000000999_u64, "title": "Escalate  ", "active": false, "position": 12,
                "created_at": "2019-01-01T00:00:00Z", "updated_at": "2020-02-02T02:02:02Z",
                "description": null, "category_id": "36000000000100", "future_flag": {"kept": true},
                "conditions": {"all": [{"field": "custom_fields_360001", "operator": "is", "value": "a", "note": 1}], "any": []},
                "actions": [{"field": "side_conversation_ticket", "value": ["s", "b", "group_id", "text/html"]}]
            }],
            "definitions": {
                "actions": [{"subject": "side_conversation_ticket", "title": "Side conversation", "type": "list"}],
                "conditions_all": [{"subject": "custom_fields_360001", "title": "Product", "type": "list",
                                     "values": [{"value": "a", "title": "A"}]}],
                "conditions_any": [],
                "custom_definition_key": true
            }
        }
    }))
    .expect("a snapshot seed");
    seed.credentials.oauth_tokens.push(OAuthTokenSeed {
        token: TOKEN.into(),
        role: Role::Admin,
        scopes: vec!["read".into(), "write".into()],
    });
    seed
}

async fn call(base: &str, method: Method, path: &str, body: Option<Value>) -> Value {
    let mut request = reqwest::Client::new()
        .request(method, format!("{base}/acme{path}"))
        .bearer_auth(TOKEN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snapshot_is_served_as_seeded_and_writes_keep_what_they_do_not_touch() {
    let sim = Simulator::start(SimulatorConfig {
        accounts: vec![seed()],
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap();
    let base = sim.base_url();
    let seeded = &seed().snapshot.unwrap();

    let shown = call(&base, Method::GET, "/api/v2/triggers/36000000000999", None).await;
    let mut expected = json!(seeded.triggers[0]);
    expected["url"] = json!(format!("{base}/acme/api/v2/triggers/36000000000999.json"));
    assert_eq!(
        shown["trigger"], expected,
        "every key as seeded, the url as served"
    );
    let definitions = call(&base, Method::GET, "/api/v2/triggers/definitions", None).await;
    assert_eq!(definitions["definitions"], json!(seeded.definitions));
    let settings = call(&base, Method::GET, "/api/v2/account/settings", None).await;
    assert_eq!(settings["settings"]["future_section"], json!({"x": 1}));

    // A write changes what it names and keeps the rest, unknown keys included.
    let updated = call(
        &base,
        Method::PUT,
        "/api/v2/triggers/36000000000999",
        Some(json!({"trigger": {"active": true}})),
    )
    .await;
    assert_eq!(updated["trigger"]["active"], json!(true));
    assert_eq!(updated["trigger"]["future_flag"], json!({"kept": true}));
    assert_eq!(
        updated["trigger"]["conditions"],
        json!(seeded.triggers[0].conditions)
    );
    assert_eq!(updated["trigger"]["position"], json!(12));

    // New objects get ids after the snapshot's largest.
    let created = call(
        &base,
        Method::POST,
        "/api/v2/triggers",
        Some(
            json!({"trigger": {"title": "New", "actions": [{"field": "set_tags", "value": "x"}]}}),
        ),
    )
    .await;
    assert!(created["trigger"]["id"].as_u64().unwrap() > 36000000000999);
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snapshot_holding_one_id_twice_is_refused() {
    let mut seed = seed();
    let snapshot = seed.snapshot.as_mut().unwrap();
    snapshot.triggers.push(snapshot.triggers[0].clone());
    let started = Simulator::start(SimulatorConfig {
        accounts: vec![seed],
        ..SimulatorConfig::ephemeral()
    })
    .await;
    let Err(error) = started else {
        panic!("a snapshot with a repeated id was served")
    };
    let error = error.to_string();
    assert!(error.contains("36000000000999 twice"), "{error}");
}
