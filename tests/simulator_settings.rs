//! Account settings (`PUT` merges) and Sunshine Conversations app settings (their own key)
//! over real HTTP, and the admin-only settings behind `/_sim`.

mod simulator_support;

use reqwest::Method;
use serde_json::json;
use simulator_support::{SUNSHINE_APP, SUNSHINE_KEY, SUNSHINE_SECRET, Sim, json};
use zdpolicy::simulator::{AdminSettings, RouteAs};
use zdpolicy::zendesk::wire::{AccountSettingsResponse, SunshineAppResponse};

#[tokio::test]
async fn account_settings_put_merges_sections() {
    let sim = Sim::start().await;
    let before: AccountSettingsResponse = sim
        .admin(Method::GET, "/api/v2/account/settings")
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("parses");
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
        .send()
        .await
        .expect("sent");
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

    let shown = json(
        sim.admin(Method::GET, "/api/v2/account/settings")
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(
        shown["settings"]["messaging_inactivity"]["end_session"],
        true
    );
    let globex = json(
        sim.globex(Method::GET, "/api/v2/account/settings")
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(
        globex["settings"]["routing"]["enabled"], false,
        "no omnichannel routing on globex"
    );

    let missing = sim
        .admin(Method::PUT, "/api/v2/account/settings")
        .json(&json!({"messaging_inactivity": {}}))
        .send()
        .await
        .expect("sent");
    assert_eq!(missing.status(), 400);
    sim.stop().await;
}

#[tokio::test]
async fn sunshine_app_settings_use_their_own_key() {
    let sim = Sim::start().await;
    let path = format!("/sc/v2/apps/{SUNSHINE_APP}");
    let with_key = |method: Method| {
        sim.request(method, "acme", &path)
            .basic_auth(SUNSHINE_KEY, Some(SUNSHINE_SECRET))
    };

    let app: SunshineAppResponse = with_key(Method::GET)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("parses");
    assert_eq!(app.app.id, SUNSHINE_APP);
    assert_eq!(app.app.settings.end_session_enabled, Some(false));
    assert_eq!(app.app.settings.multi_convo_enabled, Some(true));

    // Support API credentials do not open Sunshine Conversations.
    let support = sim.admin(Method::GET, &path).send().await.expect("sent");
    assert_eq!(support.status(), 401);
    assert_eq!(json(support).await["errors"][0]["code"], "unauthorized");

    let response = with_key(Method::PATCH)
        .json(&json!({"settings": {"endSessionEnabled": true, "disableConversationReopen": true}}))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let patched: SunshineAppResponse = response.json().await.expect("parses");
    assert_eq!(patched.app.settings.end_session_enabled, Some(true));
    assert_eq!(patched.app.settings.disable_conversation_reopen, Some(true));
    assert_eq!(
        patched.app.settings.extra, app.app.settings.extra,
        "other settings kept"
    );
    assert_eq!(patched.app.display_name, app.app.display_name);

    let irreversible = with_key(Method::PATCH)
        .json(&json!({"settings": {"multiConvoEnabled": false}}))
        .send()
        .await
        .expect("sent");
    assert_eq!(irreversible.status(), 400);
    let other_app = sim
        .request(Method::GET, "acme", "/sc/v2/apps/000000000000000000000000")
        .basic_auth(SUNSHINE_KEY, Some(SUNSHINE_SECRET))
        .send()
        .await
        .expect("sent");
    assert_eq!(other_app.status(), 404);
    let no_app = sim
        .request(Method::GET, "globex", &path)
        .basic_auth(SUNSHINE_KEY, Some(SUNSHINE_SECRET))
        .send()
        .await
        .expect("sent");
    assert_eq!(no_app.status(), 404);
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
    let shown = json(
        sim.sim(Method::GET, "/_sim/accounts/acme/admin")
            .send()
            .await
            .expect("sent"),
    )
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
        .sim(Method::PATCH, "/_sim/accounts/initech/admin")
        .json(&json!({}))
        .send()
        .await
        .expect("sent");
    assert_eq!(unknown.status(), 404);
    let typo = sim
        .sim(Method::PATCH, "/_sim/accounts/acme/admin")
        .json(&json!({"agents_can_end_session": false}))
        .send()
        .await
        .expect("sent");
    assert_eq!(typo.status(), 400);
    sim.stop().await;
}
