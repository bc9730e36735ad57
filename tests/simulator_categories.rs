//! The simulator's trigger-category endpoints over real HTTP: cursor lists, create, PATCH,
//! delete refused while active triggers remain, batch jobs, and the JSON:API error shape.

mod simulator_support;

use reqwest::Method;
use serde_json::json;
use simulator_support::{Sent, Sim, keys, trigger_body};
use zdpolicy::zendesk::model::{TriggerCategoriesPage, TriggerCategoryResponse};

async fn create_category(sim: &Sim, name: &str, position: i64) -> String {
    let response = sim
        .admin(Method::POST, "/api/v2/trigger_categories")
        .json(&json!({"trigger_category": {"name": name, "position": position}}))
        .sent()
        .await;
    assert_eq!(
        response.status(),
        200,
        "Zendesk answers 200, not 201, to a category create"
    );
    let body: TriggerCategoryResponse = response.json().await.expect("category parses");
    body.trigger_category.id
}

#[tokio::test]
async fn categories_list_in_cursor_form_even_without_page_size() {
    let sim = Sim::start().await;
    create_category(&sim, "Routing", 5).await;
    create_category(&sim, "Escalation", 2).await;
    let page = sim.get_json("/api/v2/trigger_categories").await;
    assert_eq!(keys(&page), ["links", "meta", "trigger_categories"]);
    let names: Vec<_> = page["trigger_categories"]
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert_eq!(
        names,
        [
            json!("Notifications"),
            json!("Escalation"),
            json!("Routing")
        ]
    );
    let first = &page["trigger_categories"][0];
    assert_eq!(
        keys(first),
        ["created_at", "id", "name", "position", "updated_at", "url"]
    );
    assert!(first["id"].is_string());

    let by_name = sim
        .get_json("/api/v2/trigger_categories?sort=-name&page[size]=2&include=rule_counts")
        .await;
    let parsed: TriggerCategoriesPage = serde_json::from_value(by_name).expect("page parses");
    assert_eq!(parsed.trigger_categories[0].name, "Routing");
    assert!(parsed.pagination.meta.has_more);
    let notifications = sim
        .get_json("/api/v2/trigger_categories?include=rule_counts")
        .await["trigger_categories"][0]
        .clone();
    assert_eq!(
        (
            notifications["active_count"].clone(),
            notifications["inactive_count"].clone()
        ),
        (json!(6), json!(2))
    );
    sim.stop().await;
}

#[tokio::test]
async fn show_patch_and_not_found() {
    let sim = Sim::start().await;
    let id = create_category(&sim, "Routing", 1).await;
    let response = sim
        .admin(Method::PATCH, &format!("/api/v2/trigger_categories/{id}"))
        .json(&json!({"trigger_category": {"name": "Routing rules", "position": 9}}))
        .sent()
        .await;
    assert_eq!(response.status(), 200);
    let shown = sim
        .get_json(&format!("/api/v2/trigger_categories/{id}.json"))
        .await;
    assert_eq!(shown["trigger_category"]["name"], "Routing rules");
    assert_eq!(shown["trigger_category"]["position"], 9);

    let (status, missing) = sim
        .admin(Method::GET, "/api/v2/trigger_categories/404404")
        .sent_json()
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        missing,
        json!({"errors": [{"code": "TriggerCategoryNotFound", "title": "Category can\u{2019}t be found. Check the ID and try again."}]})
    );
    let (status, blank) = sim
        .send_json(
            Method::POST,
            "/api/v2/trigger_categories",
            &json!({"trigger_category": {"name": " "}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        blank,
        json!({"errors": [{"code": "InvalidTriggerCategory", "title": "Name cannot be blank"}]})
    );
    sim.stop().await;
}

#[tokio::test]
async fn a_category_with_active_triggers_cannot_be_deleted() {
    let sim = Sim::start().await;
    let id = create_category(&sim, "Routing", 1).await;
    let mut body = trigger_body("Route VIPs");
    body["trigger"]["category_id"] = json!(id);
    let trigger = sim.create_trigger(body).await["id"].as_u64().expect("id");

    let (status, refused) = sim
        .admin(Method::DELETE, &format!("/api/v2/trigger_categories/{id}"))
        .sent_json()
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        refused,
        json!({"errors": [{"code": "TriggerCategoryNotEmpty", "title": "A category with active ticket triggers cannot be deleted."}]})
    );

    let deactivate = sim
        .admin(Method::PUT, "/api/v2/triggers/update_many")
        .json(&json!({"triggers": [{"id": trigger, "active": false}]}))
        .sent()
        .await;
    assert_eq!(deactivate.status(), 200);
    let deleted = sim
        .admin(Method::DELETE, &format!("/api/v2/trigger_categories/{id}"))
        .sent()
        .await;
    assert_eq!(deleted.status(), 204);
    let gone = sim
        .get_status(&format!("/api/v2/trigger_categories/{id}"))
        .await;
    assert_eq!(gone, 404);
    sim.stop().await;
}

#[tokio::test]
async fn batch_jobs_move_and_reorder_or_fail_whole() {
    let sim = Sim::start().await;
    let routing = create_category(&sim, "Routing", 1).await;
    let trigger = sim.create_trigger(trigger_body("Route VIPs")).await["id"]
        .as_u64()
        .expect("id");
    let job = json!({"job": {"action": "patch", "items": {
        "trigger_categories": [{"id": routing, "position": 0}],
        "triggers": [{"id": trigger.to_string(), "position": 3, "active": false, "category_id": routing}]
    }}});
    let (status, body) = sim
        .send_json(Method::POST, "/api/v2/trigger_categories/jobs", &job)
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "complete");
    assert_eq!(body["results"]["trigger_categories"][0]["position"], 0);
    let moved = &body["results"]["triggers"][0];
    assert_eq!(
        (
            moved["category_id"].clone(),
            moved["position"].clone(),
            moved["active"].clone()
        ),
        (json!(routing), json!(3), json!(false))
    );

    let bad = json!({"job": {"action": "patch", "items": {
        "trigger_categories": [{"id": routing, "position": 7}],
        "triggers": [{"id": trigger.to_string(), "category_id": "10001"}]
    }}});
    let (status, failed) = sim
        .send_json(Method::POST, "/api/v2/trigger_categories/jobs", &bad)
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        failed,
        json!({"status": "failed", "errors": [{"code": "InvalidTrigger", "title": "category_id is not valid", "trigger_id": trigger.to_string()}]})
    );
    // All or nothing: the valid category item of the failed job was not applied either.
    let category = sim
        .get_json(&format!("/api/v2/trigger_categories/{routing}"))
        .await;
    assert_eq!(category["trigger_category"]["position"], 0);
    sim.stop().await;
}

#[tokio::test]
async fn accounts_without_categories_get_403() {
    let sim = Sim::start().await;
    let (status, refused) = sim
        .globex(Method::GET, "/api/v2/trigger_categories")
        .sent_json()
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        refused,
        json!({"errors": [{"code": "TriggerCategoriesNotEnabled", "title": "Ticket trigger categories are not enabled for your account"}]})
    );
    sim.stop().await;
}

/// `PUT /api/v2/triggers/reorder` works only while an account has one category; with more it
/// answers `LimitOneCategory` and changes nothing, which is why zdpolicy orders through jobs.
#[tokio::test]
async fn reorder_is_refused_once_there_are_two_categories() {
    let sim = Sim::start().await;
    let ids = |list: &serde_json::Value| -> Vec<u64> {
        list["triggers"]
            .as_array()
            .expect("triggers")
            .iter()
            .map(|t| t["id"].as_u64().expect("id"))
            .collect()
    };
    sim.create_trigger(trigger_body("Alpha")).await;
    sim.create_trigger(trigger_body("Beta")).await;
    let listed = ids(&sim.get_json("/api/v2/triggers").await);
    let reversed: Vec<u64> = listed.iter().rev().copied().collect();
    let (status, _) = sim
        .send_json(
            Method::PUT,
            "/api/v2/triggers/reorder",
            &json!({"trigger_ids": reversed}),
        )
        .await;
    assert_eq!(status, 200, "one category: reorder is allowed");
    assert_eq!(ids(&sim.get_json("/api/v2/triggers").await), reversed);
    let (status, _) = sim
        .send_json(
            Method::PUT,
            "/api/v2/triggers/reorder",
            &json!({"trigger_ids": reversed[..1]}),
        )
        .await;
    assert_eq!(status, 404, "every trigger id is needed");

    create_category(&sim, "Routing", 1).await;
    let (status, refused) = sim
        .send_json(
            Method::PUT,
            "/api/v2/triggers/reorder",
            &json!({"trigger_ids": listed}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(refused["errors"][0]["code"], "LimitOneCategory");
    assert_eq!(ids(&sim.get_json("/api/v2/triggers").await), reversed);
    sim.stop().await;
}
