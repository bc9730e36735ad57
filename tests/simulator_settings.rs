//! Account settings (`PUT` merges) and Sunshine Conversations app settings (their own key)
//! over real HTTP, and the admin-only settings behind `/_sim`.

mod simulator_support;

use reqwest::Method;
use serde_json::json;
use simulator_support::{SUNSHINE_APP, SUNSHINE_KEY, SUNSHINE_SECRET, Sent, Sim};
use zdpolicy::simulator::{AdminSettings, RouteAs};
use zdpolicy::zendesk::model::{AccountSettingsResponse, SunshineAppResponse};

#[tokio::test]
async fn account_settings_put_merges_sections() {
    let sim = Sim::start().await;
    let before: AccountSettingsResponse = sim
        .admin(Method::GET, "/api/v2/account/settings")
        .sent_as()
        .await;
    let inactivity = before
        .settings
        .messaging_inactivity
        .clone()
        .expect("messaging_inactivity");
    assert_eq!(inactivity.end_session, Some(false));
    assert_eq!(
        before.settings.routing.as_ref().and_then(|r| r.enabled),
        Some(true)
    );

    let response = sim
        .admin(Method::PUT, "/api/v2/account/settings.json")
        .json(&json!({"settings": {"messaging_inactivity": {"end_session": true}}}))
        .sent()
        .await;
    assert_eq!(response.status(), 200);
    let after: AccountSettingsResponse = response.json().await.expect("parses");
    let inactivity_after = after
        .settings
        .messaging_inactivity
        .clone()
        .expect("messaging_inactivity");
    assert_eq!(inactivity_after.end_session, Some(true));
    assert_eq!(
        inactivity_after.extra, inactivity.extra,
        "other keys of the section kept"
    );
    assert_eq!(
        after.settings.routing, before.settings.routing,
        "other sections kept"
    );

    let shown = sim.get_json("/api/v2/account/settings").await;
    assert_eq!(
        shown["settings"]["messaging_inactivity"]["end_session"],
        true
    );
    let (_, globex) = sim
        .globex(Method::GET, "/api/v2/account/settings")
        .sent_json()
        .await;
    assert_eq!(
        globex["settings"]["routing"]["enabled"], false,
        "no omnichannel routing on globex"
    );

    let missing = sim
        .admin(Method::PUT, "/api/v2/account/settings")
        .json(&json!({"messaging_inactivity": {}}))
        .sent()
        .await;
    assert_eq!(missing.status(), 400);
    sim.stop().await;
}

#[tokio::test]
async fn sunshine_app_settings_use_their_own_key() {
    let sim = Sim::start().await;
    let path = format!("/sc/v2/apps/{SUNSHINE_APP}");
    let with_key = |method: Method, account: &str, path: &str| {
        sim.request(method, account, path)
            .basic_auth(SUNSHINE_KEY, Some(SUNSHINE_SECRET))
    };

    let app: SunshineAppResponse = with_key(Method::GET, "acme", &path).sent_as().await;
    assert_eq!(app.app.id, SUNSHINE_APP);
    assert_eq!(app.app.settings.end_session_enabled, Some(false));
    assert_eq!(app.app.settings.multi_convo_enabled, Some(true));

    // Support API credentials do not open Sunshine Conversations.
    let (status, support) = sim.admin(Method::GET, &path).sent_json().await;
    assert_eq!(status, 401);
    assert_eq!(support["errors"][0]["code"], "unauthorized");

    let response = with_key(Method::PATCH, "acme", &path)
        .json(&json!({"settings": {"endSessionEnabled": true, "disableConversationReopen": true}}))
        .sent()
        .await;
    assert_eq!(response.status(), 200);
    let patched: SunshineAppResponse = response.json().await.expect("parses");
    assert_eq!(patched.app.settings.end_session_enabled, Some(true));
    assert_eq!(patched.app.settings.disable_conversation_reopen, Some(true));
    assert_eq!(
        patched.app.settings.extra, app.app.settings.extra,
        "other settings kept"
    );
    assert_eq!(patched.app.display_name, app.app.display_name);

    let irreversible = with_key(Method::PATCH, "acme", &path)
        .json(&json!({"settings": {"multiConvoEnabled": false}}))
        .sent()
        .await;
    assert_eq!(irreversible.status(), 400);
    let other_app = with_key(Method::GET, "acme", "/sc/v2/apps/000000000000000000000000")
        .sent_status()
        .await;
    assert_eq!(other_app, 404);
    let no_app = with_key(Method::GET, "globex", &path).sent_status().await;
    assert_eq!(no_app, 404);
    sim.stop().await;
}

#[tokio::test]
async fn admin_only_settings_change_in_process_and_over_http() {
    let sim = Sim::start().await;
    let handle = sim.handle();
    assert_eq!(
        handle.admin_settings("acme"),
        Some(AdminSettings::default())
    );
    handle
        .set_admin_settings(
            "acme",
            AdminSettings {
                agents_can_end_sessions: true,
                agent_ended_sessions_route_as: RouteAs::Email,
            },
        )
        .expect("known account");
    let (_, shown) = sim
        .sim(Method::GET, "/_sim/accounts/acme/admin")
        .sent_json()
        .await;
    assert_eq!(
        shown,
        json!({"agents_can_end_sessions": true, "agent_ended_sessions_route_as": "email"})
    );
    assert!(
        handle
            .set_admin_settings("initech", AdminSettings::default())
            .is_err()
    );
    let unknown = sim
        .sim_status(Method::PATCH, "/_sim/accounts/initech/admin", &json!({}))
        .await;
    assert_eq!(unknown, 404);
    let typo = sim
        .sim_status(
            Method::PATCH,
            "/_sim/accounts/acme/admin",
            &json!({"agents_can_end_session": false}),
        )
        .await;
    assert_eq!(typo, 400);
    sim.stop().await;
}

#[tokio::test]
async fn inactivity_puts_follow_zendesks_rules_and_name_ignored_keys() {
    let sim = Sim::start().await;
    let put = |body: serde_json::Value| {
        sim.admin(Method::PUT, "/api/v2/account/settings")
            .json(&body)
            .sent()
    };
    let response = put(json!({"settings": {"messaging_inactivity": {
        "timeout": 20, "default_localized_messages": [], "colour": "red"
    }}}))
    .await;
    assert_eq!(response.status(), 200);
    let warning = response
        .headers()
        .get("x-zendesk-api-warn")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("a warning header");
    let parsed = zdpolicy::zendesk::api_warn::ApiWarning::parse(&warning);
    assert_eq!(
        parsed.unpermitted_keys,
        [
            "settings.messaging_inactivity.default_localized_messages",
            "settings.messaging_inactivity.colour"
        ]
    );
    let shown = sim.get_json("/api/v2/account/settings").await;
    let inactivity = &shown["settings"]["messaging_inactivity"];
    assert_eq!(inactivity["timeout"], 20);
    assert!(inactivity.get("colour").is_none());
    assert_eq!(
        inactivity["default_localized_messages"][0]["locale"], "en-US",
        "read-only: kept as it was"
    );

    let clean = put(json!({"settings": {"messaging_inactivity": {"enabled": true}}})).await;
    assert!(clean.headers().get("x-zendesk-api-warn").is_none());

    let (status, body) = sim
        .admin(Method::PUT, "/api/v2/account/settings")
        .json(&json!({"settings": {"messaging_inactivity": {"reminders": [
            {"message": "Still there?"}, {"message": "Closing"}
        ]}}}))
        .sent_json()
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"], "RecordInvalid");
    assert_eq!(
        body["details"]["reminders"][0]["description"],
        "Reminder 2: timeout is required"
    );
    let after = sim.get_json("/api/v2/account/settings").await;
    assert_eq!(
        after["settings"]["messaging_inactivity"]["reminders"],
        json!([]),
        "a refused PUT changes nothing"
    );

    sim.handle()
        .set_ignored_settings("acme", vec!["messaging_inactivity.end_session".into()])
        .expect("known account");
    let ignored = put(json!({"settings": {"messaging_inactivity": {"end_session": true}}})).await;
    assert!(
        ignored
            .headers()
            .get("x-zendesk-api-warn")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("\"settings.messaging_inactivity.end_session\""))
    );
    let still = sim.get_json("/api/v2/account/settings").await;
    assert_eq!(
        still["settings"]["messaging_inactivity"]["end_session"],
        false
    );
    sim.stop().await;
}
