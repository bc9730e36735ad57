//! The simulator's trigger endpoints over real HTTP: pagination, CRUD, update semantics,
//! bulk endpoints, filters, definitions, and Zendesk's error shapes.

mod simulator_support;

use reqwest::Method;
use serde_json::{Value, json};
use simulator_support::{Sent, Sim, json, keys, trigger_body};
use zdpolicy::zendesk::model::{Trigger, TriggerDefinitionsResponse, TriggerResponse};

const CSAT_TITLE: &str = "Request customer satisfaction rating (messaging)";

#[tokio::test]
async fn new_accounts_have_zendesks_default_triggers_including_messaging_csat() {
    let sim = Sim::start().await;
    let page = sim.get_json("/api/v2/triggers").await;
    let triggers = page["triggers"].as_array().expect("triggers");
    assert_eq!(page["count"], 8);
    for trigger in triggers {
        assert!(
            trigger["id"].as_u64().expect("numeric id") > u64::from(u32::MAX),
            "ids are 13-digit numbers"
        );
        assert!(
            trigger["category_id"].is_string(),
            "category ids are strings"
        );
    }
    let csat = triggers
        .iter()
        .find(|t| t["title"] == CSAT_TITLE)
        .expect("default messaging CSAT trigger");
    let all = csat["conditions"]["all"].as_array().expect("all");
    assert!(all.contains(&json!({"field": "status", "operator": "value", "value": "solved"})));
    assert!(all.contains(&json!({"field": "via_id", "operator": "is", "value": "75"})));
    assert_eq!(
        all.len(),
        3,
        "status solved, channel messaging, survey not yet sent"
    );
    assert_eq!(csat["conditions"]["any"], json!([]));
    assert_eq!(csat["actions"].as_array().map(Vec::len), Some(1));

    let (_, globex) = sim
        .globex(Method::GET, "/api/v2/triggers")
        .sent_json()
        .await;
    assert_eq!(
        globex["count"], 7,
        "no messaging CSAT trigger without messaging and customizable CSAT"
    );
    assert!(
        globex["triggers"][0]["category_id"].is_null(),
        "no categories on globex"
    );
    sim.stop().await;
}

#[tokio::test]
async fn offset_pagination_links_pages_and_counts() {
    let sim = Sim::start().await;
    let mut url = Some(sim.url("acme", "/api/v2/triggers.json?per_page=3"));
    let mut seen = Vec::new();
    let mut pages = 0;
    while let Some(next) = url {
        let page = sim.follow(&next).await;
        assert_eq!(
            keys(&page),
            ["count", "next_page", "previous_page", "triggers"]
        );
        assert_eq!(page["count"], 8);
        assert_eq!(page["previous_page"].is_null(), pages == 0);
        seen.extend(
            page["triggers"]
                .as_array()
                .expect("triggers")
                .iter()
                .map(|t| t["id"].clone()),
        );
        url = page["next_page"].as_str().map(str::to_owned);
        pages += 1;
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 8);
    seen.dedup();
    assert_eq!(seen.len(), 8, "no trigger twice");
    sim.stop().await;
}

#[tokio::test]
async fn cursor_pagination_loops_on_has_more_and_keeps_links_next_on_the_last_page() {
    let sim = Sim::start().await;
    let first = sim.get_json("/api/v2/triggers?page[size]=3").await;
    assert_eq!(keys(&first), ["links", "meta", "triggers"]);
    assert_eq!(
        keys(&first["meta"]),
        ["after_cursor", "before_cursor", "has_more"]
    );
    assert_eq!(keys(&first["links"]), ["next", "prev"]);
    let mut page = first;
    let mut titles = Vec::new();
    loop {
        titles.extend(
            page["triggers"]
                .as_array()
                .expect("triggers")
                .iter()
                .map(|t| t["title"].clone()),
        );
        if page["meta"]["has_more"] == json!(false) {
            break;
        }
        let next = page["links"]["next"]
            .as_str()
            .expect("next link")
            .to_owned();
        page = sim.follow(&next).await;
    }
    assert_eq!(titles.len(), 8);
    // Real Zendesk: the last page has has_more false and still a links.next (zenpy 2024).
    let next = page["links"]["next"]
        .as_str()
        .expect("links.next on the last page")
        .to_owned();
    let beyond = sim.follow(&next).await;
    assert_eq!(beyond["triggers"], json!([]));
    assert_eq!(
        beyond["meta"],
        json!({"has_more": false, "after_cursor": null, "before_cursor": null})
    );
    assert_eq!(beyond["links"], json!({"next": null, "prev": null}));

    let too_big = sim.get_status("/api/v2/triggers?page[size]=101").await;
    assert_eq!(too_big, 400);
    let (status, bad_cursor) = sim
        .admin(
            Method::GET,
            "/api/v2/triggers?page[size]=2&page[after]=bm90LWEtY3Vyc29y",
        )
        .sent_json()
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        bad_cursor,
        json!({"errors": [{"code": "InvalidPaginationParameter", "title": "page[after] is not valid"}]})
    );
    sim.stop().await;
}

#[tokio::test]
async fn create_show_update_delete_with_zendesks_shapes() {
    let sim = Sim::start().await;
    let created = sim.create_trigger(trigger_body("Tag VIP tickets ")).await;
    assert_eq!(
        keys(&created),
        [
            "actions",
            "active",
            "category_id",
            "conditions",
            "created_at",
            "default",
            "description",
            "id",
            "position",
            "raw_title",
            "title",
            "updated_at",
            "url"
        ]
    );
    assert_eq!(
        created["title"], "Tag VIP tickets ",
        "titles are never trimmed"
    );
    assert_eq!(created["raw_title"], created["title"]);
    assert_eq!(created["active"], true);
    assert_eq!(created["description"], Value::Null);
    assert_eq!(created["default"], false);
    let id = created["id"].as_u64().expect("id");
    let url = created["url"].as_str().expect("url");
    assert!(
        url.ends_with(&format!("/acme/api/v2/triggers/{id}.json")),
        "{url}"
    );

    let shown = sim.get_json(&format!("/api/v2/triggers/{id}.json")).await;
    assert_eq!(shown["trigger"], created, "show with .json suffix");

    let update = json!({"trigger": {
        "title": "Tag VIP tickets",
        "conditions": {"all": [], "any": [{"field": "current_tags", "operator": "includes", "value": "vip"}]},
        "actions": [{"field": "priority", "value": "high"}]
    }});
    let (status, updated) = sim
        .send_json(Method::PUT, &format!("/api/v2/triggers/{id}"), &update)
        .await;
    assert_eq!(status, 200);
    let updated = updated["trigger"].clone();
    assert_eq!(
        updated["conditions"], update["trigger"]["conditions"],
        "conditions replaced"
    );
    assert_eq!(
        updated["actions"], update["trigger"]["actions"],
        "actions replaced"
    );
    assert_ne!(
        updated["updated_at"], created["updated_at"],
        "updated_at changes on every write"
    );
    assert_eq!(updated["created_at"], created["created_at"]);

    // Sending conditions alone clears the actions too (Zendesk's documented PUT semantics).
    let conditions_only = json!({"trigger": {"conditions": {"all": [{"field": "status", "operator": "is", "value": "new"}]}}});
    let (status, error) = sim
        .send_json(
            Method::PUT,
            &format!("/api/v2/triggers/{id}"),
            &conditions_only,
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        error,
        json!({"error": "RecordInvalid", "description": "Record validation errors",
               "details": {"actions": [{"description": "Actions cannot be blank", "error": "BlankError"}]}})
    );

    let response = sim
        .admin(Method::DELETE, &format!("/api/v2/triggers/{id}"))
        .sent()
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(response.text().await.expect("body"), "");
    let (status, gone) = sim
        .admin(Method::GET, &format!("/api/v2/triggers/{id}"))
        .sent_json()
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        gone,
        json!({"error": "RecordNotFound", "description": "Not found"})
    );
    let again = sim
        .admin(Method::DELETE, &format!("/api/v2/triggers/{id}.json"))
        .sent()
        .await;
    assert_eq!(again.status(), 404);
    sim.stop().await;
}

#[tokio::test]
async fn unknown_fields_round_trip_and_ignored_keys_are_reported() {
    let sim = Sim::start().await;
    let mut body = trigger_body("Restricted trigger");
    body["trigger"]["brand_id"] = json!(360_001_234_567_u64);
    body["trigger"]["restriction"] = json!({"type": "Group", "ids": [10, 11]});
    body["trigger"]["id"] = json!(1);
    body["trigger"]["frobnicate"] = json!(true);
    let response = sim
        .admin(Method::POST, "/api/v2/triggers")
        .json(&body)
        .sent()
        .await;
    assert_eq!(response.status(), 201);
    let warn = response.headers()["x-zendesk-api-warn"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(
        warn,
        "{:allowed_parameters=>{:controller=>\"triggers\", :action=>\"create\", :unpermitted_keys=>[\"trigger.id\", \"trigger.frobnicate\"], :invalid_values=>[]}}"
    );
    let id = json(response).await["trigger"]["id"].as_u64().expect("id");
    assert_ne!(id, 1, "read-only id ignored");

    let shown: Value = sim.get_json(&format!("/api/v2/triggers/{id}")).await;
    let parsed: TriggerResponse = serde_json::from_value(shown.clone()).expect("wire type parses");
    assert_eq!(parsed.trigger.extra["brand_id"], json!(360_001_234_567_u64));
    assert_eq!(
        parsed.trigger.extra["restriction"],
        json!({"type": "Group", "ids": [10, 11]})
    );
    assert!(!parsed.trigger.extra.contains_key("frobnicate"));
    assert_eq!(
        serde_json::to_value(&parsed).expect("serialises"),
        shown,
        "every field survives"
    );

    // PUT the parsed trigger back: unknown attributes survive an update too.
    let trigger: Trigger = parsed.trigger;
    let (_, updated) = sim
        .send_json(
            Method::PUT,
            &format!("/api/v2/triggers/{id}"),
            &json!({"trigger": {"title": trigger.title, "conditions": trigger.conditions, "actions": trigger.actions}}),
        )
        .await;
    assert_eq!(updated["trigger"]["brand_id"], json!(360_001_234_567_u64));
    sim.stop().await;
}

#[tokio::test]
async fn invalid_triggers_get_zendesks_error_shapes() {
    let sim = Sim::start().await;
    let cases = [
        (
            json!({"trigger": {"actions": [{"field": "status", "value": "open"}]}}),
            422,
            json!({"title": [{"description": "Title cannot be blank", "error": "BlankError"}]}),
        ),
        (
            json!({"trigger": {"title": "No actions", "conditions": {"all": []}}}),
            422,
            json!({"actions": [{"description": "Actions cannot be blank", "error": "BlankError"}]}),
        ),
        (
            json!({"trigger": {"title": "t", "actions": [{"field": "status", "value": "open"}],
                   "conditions": {"all": [{"field": "status", "operator": "equals", "value": "open"}]}}}),
            422,
            json!({"base": [{"description": "Invalid operator 'equals' in 'status / equals / open'"}]}),
        ),
    ];
    for (body, status, details) in cases {
        let (got, error) = sim.send_json(Method::POST, "/api/v2/triggers", &body).await;
        assert_eq!(got, status, "{body}");
        assert_eq!(error["error"], "RecordInvalid");
        assert_eq!(error["description"], "Record validation errors");
        assert_eq!(error["details"], details);
    }
    let (status, error) = sim
        .send_json(
            Method::POST,
            "/api/v2/triggers",
            &json!({"title": "no root"}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(error["error"], "ParameterMissing");
    let response = sim
        .admin(Method::POST, "/api/v2/triggers")
        .header("content-type", "application/json")
        .body("{not json")
        .sent()
        .await;
    assert_eq!(response.status(), 400);
    sim.stop().await;
}

#[tokio::test]
async fn legacy_top_level_all_is_accepted_as_conditions() {
    let sim = Sim::start().await;
    let created = sim
        .create_trigger(json!({"trigger": {
            "title": "Legacy", "actions": [{"field": "status", "value": "open"}],
            "all": [{"field": "update_type", "operator": "is", "value": "Create"}]
        }}))
        .await;
    assert_eq!(
        created["conditions"],
        json!({"all": [{"field": "update_type", "operator": "is", "value": "Create"}], "any": []})
    );
    sim.stop().await;
}

#[tokio::test]
async fn active_and_category_filters() {
    let sim = Sim::start().await;
    let inactive = sim.get_json("/api/v2/triggers?active=false").await;
    assert_eq!(inactive["count"], 2);
    let active = sim.get_json("/api/v2/triggers/active").await;
    assert_eq!(active["count"], 6);

    let (_, category) = sim
        .send_json(
            Method::POST,
            "/api/v2/trigger_categories",
            &json!({"trigger_category": {"name": "Routing"}}),
        )
        .await;
    let category = category["trigger_category"]["id"]
        .as_str()
        .expect("category id")
        .to_owned();
    let mut body = trigger_body("Route VIPs");
    body["trigger"]["category_id"] = json!(category);
    sim.create_trigger(body).await;

    let filtered = sim
        .get_json(&format!("/api/v2/triggers?category_id={category}"))
        .await;
    assert_eq!(filtered["count"], 1);
    assert_eq!(filtered["triggers"][0]["title"], "Route VIPs");
    // `category_id` is ignored on /triggers/active, as reported of Zendesk.
    let active = sim
        .get_json(&format!("/api/v2/triggers/active?category_id={category}"))
        .await;
    assert_eq!(active["count"], 7);
    // Lists come grouped by category, in category order.
    let all = sim.get_json("/api/v2/triggers").await;
    assert_eq!(all["triggers"][8]["title"], "Route VIPs");

    let search = sim
        .get_json("/api/v2/triggers/search?query=SATISFACTION")
        .await;
    assert_eq!(search["count"], 1);
    assert_eq!(search["triggers"][0]["title"], CSAT_TITLE);
    sim.stop().await;
}

#[tokio::test]
async fn update_many_and_destroy_many_apply_all_or_nothing() {
    let sim = Sim::start().await;
    let a = sim.create_trigger(trigger_body("A")).await["id"]
        .as_u64()
        .expect("id");
    let b = sim.create_trigger(trigger_body("B")).await["id"]
        .as_u64()
        .expect("id");

    let (status, updated) = sim
        .send_json(
            Method::PUT,
            "/api/v2/triggers/update_many",
            &json!({"triggers": [{"id": a, "position": 42, "title": "ignored"}, {"id": b, "active": false}]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(updated["count"], 2);
    assert_eq!(updated["triggers"][0]["position"], 42);
    assert_eq!(
        updated["triggers"][0]["title"], "A",
        "other keys are ignored"
    );
    assert_eq!(updated["triggers"][1]["active"], false);

    let response = sim
        .admin(Method::PUT, "/api/v2/triggers/update_many.json")
        .json(&json!({"triggers": [{"id": a, "position": 1}, {"id": 1, "position": 2}]}))
        .sent()
        .await;
    assert_eq!(response.status(), 404);
    let a_now = sim.get_json(&format!("/api/v2/triggers/{a}")).await;
    assert_eq!(
        a_now["trigger"]["position"], 42,
        "nothing applied when one id is unknown"
    );

    let response = sim
        .admin(
            Method::DELETE,
            &format!("/api/v2/triggers/destroy_many?ids={a},1"),
        )
        .sent()
        .await;
    assert_eq!(response.status(), 404);
    let response = sim
        .admin(
            Method::DELETE,
            &format!("/api/v2/triggers/destroy_many?ids={a},{b}"),
        )
        .sent()
        .await;
    assert_eq!(response.status(), 204);
    for id in [a, b] {
        let response = sim.get_status(&format!("/api/v2/triggers/{id}")).await;
        assert_eq!(response, 404);
    }
    sim.stop().await;
}

/// Finds "Messaging session ended reason" by title, as clients must (its API name is not
/// documented), and returns its subject and the value titled "Ended by agent".
fn session_ended_condition(definitions: &TriggerDefinitionsResponse) -> Option<(String, Value)> {
    let definition = definitions
        .definitions
        .conditions_any
        .iter()
        .find(|d| d.title == "Messaging session ended reason")?;
    let value = definition
        .values
        .as_ref()?
        .iter()
        .find(|v| v.title == "Ended by agent")?;
    Some((definition.subject.clone(), value.value.clone()))
}

#[tokio::test]
async fn session_ended_reason_is_defined_only_while_agents_can_end_sessions() {
    let sim = Sim::start().await;
    let get_definitions = || async {
        let body = sim.get_json("/api/v2/triggers/definitions").await;
        serde_json::from_value::<TriggerDefinitionsResponse>(body).expect("definitions parse")
    };
    let definitions = get_definitions().await;
    assert!(
        definitions
            .definitions
            .actions
            .iter()
            .any(|d| d.subject == "status")
    );
    let (subject, ended_by_agent) = session_ended_condition(&definitions).expect("on by default");
    let status = definitions
        .definitions
        .conditions_all
        .iter()
        .find(|d| d.subject == "status")
        .expect("status");
    let changed_to = status
        .operators
        .as_ref()
        .expect("operators")
        .iter()
        .find(|o| o.value == "value")
        .expect("value operator");
    assert_eq!(changed_to.title, "Changed to");

    // The recipe's edit: status moves to ANY, joined by "ended by agent".
    let csat_edit = json!({"trigger": {
        "title": "CSAT on session end",
        "conditions": {"all": [], "any": [
            {"field": "status", "operator": "value", "value": "solved"},
            {"field": subject, "operator": "value", "value": ended_by_agent}
        ]},
        "actions": [{"field": "status", "value": "solved"}]
    }});
    let response = sim
        .admin(Method::POST, "/api/v2/triggers")
        .json(&csat_edit)
        .sent()
        .await;
    assert_eq!(response.status(), 201);

    // An admin turns "Agents can end messaging sessions" off in Admin Center.
    let (_, settings) = sim
        .sim(Method::PATCH, "/_sim/accounts/acme/admin")
        .json(&json!({"agents_can_end_sessions": false}))
        .sent_json()
        .await;
    assert_eq!(
        settings,
        json!({"agents_can_end_sessions": false, "agent_ended_sessions_route_as": "messaging"})
    );
    assert!(session_ended_condition(&get_definitions().await).is_none());
    let response = sim
        .admin(Method::POST, "/api/v2/triggers")
        .json(&csat_edit)
        .sent()
        .await;
    assert_eq!(
        response.status(),
        422,
        "the condition is not available any more"
    );

    let (_, globex) = sim
        .globex(Method::GET, "/api/v2/triggers/definitions")
        .sent_json()
        .await;
    let globex: TriggerDefinitionsResponse = serde_json::from_value(globex).expect("parses");
    assert!(
        session_ended_condition(&globex).is_none(),
        "no messaging on globex"
    );
    sim.stop().await;
}
