//! Fidelity: real-shaped Zendesk payloads (tests/fixtures/zendesk) survive the wire types and
//! the simulator unchanged in meaning, and the simulator answers in the same shapes.

mod simulator_support;

use std::path::PathBuf;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use simulator_support::{Sent, Sim, keys, trigger_body};
use zdpolicy::zendesk::model::{
    AccountSettingsResponse, BatchJobResponse, ErrorBody, OAuthTokenResponse, SunshineAppResponse,
    TriggerCategoriesPage, TriggerDefinitionsResponse, TriggerResponse, TriggersCursorPage,
    TriggersOffsetPage,
};

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/zendesk")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses a fixture into `T` and writes it back: the result must equal the fixture.
fn round_trip<T: DeserializeOwned + Serialize>(name: &str) -> T {
    let original = fixture(name);
    let parsed: T =
        serde_json::from_value(original.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let written = serde_json::to_value(&parsed).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(written, original, "{name} changed in a round trip");
    // Byte for byte too, once both are in the same key order: nothing was renamed or retyped.
    assert_eq!(
        written.to_string().len(),
        original.to_string().len(),
        "{name}"
    );
    parsed
}

#[test]
fn every_fixture_round_trips_through_the_wire_types() {
    let page: TriggersOffsetPage = round_trip("triggers_offset_page.json");
    let legacy = &page.triggers[1];
    assert_eq!(legacy.title, "[Assignment] [New] to Tier 1 ");
    assert_eq!(legacy.description, None, "absent stays absent");
    assert_eq!(page.triggers[0].description, Some(None), "null stays null");
    assert_eq!(legacy.conditions.all[0].value, Some(Value::Null));
    assert_eq!(legacy.conditions.all[1].value, Some(json!("")));
    assert_eq!(legacy.conditions.all[4].value, None);
    assert_eq!(legacy.default, None);
    assert_eq!(legacy.category_id, None);

    let modern: TriggerResponse = round_trip("trigger_modern.json");
    assert_eq!(modern.trigger.id, 18_200_000_000_017);
    assert_eq!(
        modern.trigger.category_id,
        Some(Some("18199999999901".to_owned()))
    );
    assert_eq!(
        keys(&Value::Object(modern.trigger.extra.clone())),
        ["brand_id", "restriction", "usage_7d"]
    );

    let last: TriggersCursorPage = round_trip("triggers_cursor_last_page.json");
    assert!(!last.pagination.meta.has_more && last.pagination.links.next.is_some());

    round_trip::<TriggerCategoriesPage>("trigger_categories_page.json");
    let definitions: TriggerDefinitionsResponse = round_trip("trigger_definitions.json");
    assert_eq!(
        definitions.definitions.conditions_all[1]
            .values
            .as_ref()
            .map(Vec::len),
        Some(2)
    );
    round_trip::<AccountSettingsResponse>("account_settings.json");
    let app: SunshineAppResponse = round_trip("sunshine_app.json");
    assert_eq!(app.app.settings.end_session_enabled, Some(true));
    round_trip::<OAuthTokenResponse>("oauth_token.json");
    round_trip::<BatchJobResponse>("batch_job_failed.json");
    for name in [
        "error_record_not_found.json",
        "error_record_invalid.json",
        "error_unauthorized.json",
        "error_trigger_category_not_empty.json",
    ] {
        round_trip::<ErrorBody>(name);
    }
}

/// The writable part of a recorded trigger, as a create request.
fn create_request(trigger: &Value) -> Value {
    let writable = [
        "title",
        "active",
        "position",
        "description",
        "conditions",
        "actions",
        "brand_id",
        "restriction",
    ];
    let object: Map<String, Value> = writable
        .iter()
        .filter_map(|k| trigger.get(*k).map(|v| ((*k).to_owned(), v.clone())))
        .collect();
    json!({ "trigger": object })
}

#[tokio::test]
async fn real_shaped_triggers_survive_the_simulator() {
    let sim = Sim::start().await;
    let mut recorded: Vec<Value> = fixture("triggers_offset_page.json")["triggers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    recorded.push(fixture("trigger_modern.json")["trigger"].clone());
    for original in recorded {
        let request = create_request(&original);
        let created = sim.create_trigger(request.clone()).await;
        let id = created["id"].as_u64().expect("id");
        let shown = sim.get_json(&format!("/api/v2/triggers/{id}")).await["trigger"].clone();
        for (key, value) in request["trigger"].as_object().into_iter().flatten() {
            assert_eq!(
                &shown[key.as_str()],
                value,
                "{key} of {}",
                original["title"]
            );
        }
        let parsed: TriggerResponse =
            serde_json::from_value(json!({"trigger": shown.clone()})).expect("parses");
        assert_eq!(
            serde_json::to_value(&parsed.trigger).expect("serialises"),
            shown
        );
    }
    sim.stop().await;
}

#[tokio::test]
async fn simulator_answers_have_the_recorded_shapes() {
    let sim = Sim::start().await;
    let mut recorded_trigger = fixture("trigger_modern.json")["trigger"].clone();
    for extra in ["brand_id", "restriction", "usage_7d"] {
        recorded_trigger.as_object_mut().map(|t| t.remove(extra));
    }
    let created = sim.create_trigger(trigger_body("Shape")).await;
    assert_eq!(
        keys(&created),
        keys(&recorded_trigger),
        "trigger keys as recorded"
    );

    let offset = sim.get_json("/api/v2/triggers").await;
    assert_eq!(keys(&offset), keys(&fixture("triggers_offset_page.json")));
    let cursor = sim.get_json("/api/v2/triggers?page[size]=100").await;
    let recorded_cursor = fixture("triggers_cursor_last_page.json");
    assert_eq!(keys(&cursor), keys(&recorded_cursor));
    assert_eq!(keys(&cursor["meta"]), keys(&recorded_cursor["meta"]));
    assert_eq!(cursor["meta"]["has_more"], false);
    assert!(
        cursor["links"]["next"].is_string(),
        "as recorded: next link on the last page"
    );

    let categories = sim
        .get_json("/api/v2/trigger_categories?include=rule_counts")
        .await;
    let recorded_categories = fixture("trigger_categories_page.json");
    assert_eq!(keys(&categories), keys(&recorded_categories));
    assert_eq!(
        keys(&categories["trigger_categories"][0]),
        keys(&recorded_categories["trigger_categories"][0])
    );

    let settings = sim.get_json("/api/v2/account/settings").await;
    let recorded_settings = fixture("account_settings.json");
    for section in ["messaging_inactivity", "routing"] {
        for key in keys(&settings["settings"][section]) {
            assert!(
                recorded_settings["settings"][section].get(&key).is_some(),
                "{section}.{key} is a Zendesk key"
            );
        }
    }

    let not_found = sim.get_json("/api/v2/triggers/1").await;
    assert_eq!(not_found, fixture("error_record_not_found.json"));
    let (_, unauthorised) = sim
        .request(Method::GET, "acme", "/api/v2/triggers")
        .sent_json()
        .await;
    assert_eq!(unauthorised, fixture("error_unauthorized.json"));
    sim.stop().await;
}
