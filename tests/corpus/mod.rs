//! A corpus of production-shaped Zendesk accounts, written by this project for its tests:
//! triggers in the shapes real accounts hold (learned from recorded payloads of real
//! accounts and Zendesk's API reference; nothing copied from them), as simulator seeds that
//! serve each object exactly as written here.
//!
//! A trigger is built from a [`Shape`]: one choice per quirk class (title, description,
//! payload keys, conditions, actions, position, category, active). The fixed corpus draws
//! shapes from a seeded generator, so it is the same on every run; the property tests draw
//! them from proptest.
#![allow(dead_code)] // Each test binary uses a different part of this module.

use proptest::prelude::*;
use serde_json::{Value, json};
use zdpolicy::simulator::{AccountSeed, OAuthTokenSeed, Role};

/// The OAuth token every corpus account accepts.
pub const TOKEN: &str = "corpus-oauth-token";

/// Trigger categories: positions with a gap and a tie, as real accounts have.
pub const CATEGORIES: &[(&str, &str, i64)] = &[
    ("36000000100001", "Notifications", 0),
    ("36000000100002", "Routing", 1),
    ("36000000100003", "SLA", 3),
    ("36000000100004", "Legacy rules", 3),
];

/// A custom dropdown field of the corpus accounts, and its options.
pub const CUSTOM_FIELD: &str = "custom_fields_360001234567";

/// One choice per quirk class. Each number picks a variant modulo the class's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Title: plain, spaces at an end or inside, a tab, right-to-left, emoji, or one of a few
    /// titles several triggers share.
    pub title: u8,
    /// Description: absent, `null`, `""`, trailing spaces, tabs, CRLF lines, zdpolicy's marker.
    pub description: u8,
    /// Payload keys: modern, an older payload (no `default`, `category_id`, `raw_title`), or
    /// keys the wire types do not name (`brand_id`, `restriction`).
    pub keys: u8,
    /// Conditions: `null`/`""`/absent values, legacy names and operators, 11 conditions,
    /// lists, custom fields, numbers as strings.
    pub conditions: u8,
    /// Actions: notifications with 2–4 item lists, Liquid and JSON bodies with tabs, schedules,
    /// custom fields, `null` values.
    pub actions: u8,
    /// Category (index into [`CATEGORIES`]).
    pub category: u8,
    /// Position step: the same as the previous trigger, the next one, or a gap.
    pub position: u8,
    /// Whether the trigger runs.
    pub active: bool,
}

/// Titles several triggers share, as a few in every hundred real triggers do.
pub const SHARED_TITLES: &[&str] = &[
    "Notify requester of received request",
    "Auto-assign to first responding agent",
];

fn title(shape: &Shape, n: usize) -> String {
    match shape.title % 10 {
        0 => format!("Notify requester of update {n}"),
        1 => format!("[Assignment] [New] to Insights {n} "),
        2 => format!("  Leading spaces {n}"),
        3 => format!("Double  spaced  title {n}"),
        4 => format!("Tab\tin title {n}"),
        5 => format!("תור VIP {n}"),
        6 => format!("طلب جديد {n}"),
        7 => format!("Émoji 🚀 café {n}"),
        8 => SHARED_TITLES[0].to_owned(),
        _ => SHARED_TITLES[1].to_owned(),
    }
}

fn description(shape: &Shape, n: usize) -> Option<Value> {
    Some(match shape.description % 8 {
        0 => return None,
        1 => Value::Null,
        2 => json!(""),
        3 => json!("Routes new tickets.  "),
        4 => json!("Owner:\tsupport  ops\t"),
        5 => json!("Line one\r\nLine two\r\n"),
        6 => json!(format!(
            "Escalation rule.  \nManaged by zdpolicy (key: corpus-{n}). Edits in Zendesk are overwritten."
        )),
        _ => json!(format!("Plain description {n}")),
    })
}

fn conditions(shape: &Shape) -> Value {
    match shape.conditions % 8 {
        0 => json!({"all": [
            {"field": "update_type", "operator": "is", "value": "Create"},
            {"field": "status", "operator": "is_not", "value": "solved"}
        ], "any": []}),
        1 => json!({"all": [
            {"field": "assignee_id", "operator": "changed", "value": null},
            {"field": "group_id", "operator": "changed", "value": ""},
            {"field": "status", "operator": "not_present"},
            {"field": "via_id", "operator": "is", "value": "4"}
        ], "any": []}),
        2 => json!({"all": [
            {"field": "assignee_id#all_agents", "operator": "is", "value": "current_user"},
            {"field": "requester_id#all_agents", "operator": "is_not", "value": ""},
            {"field": "status", "operator": "not_value_previous", "value": "solved"}
        ], "any": [
            {"field": "group_id#current_groups", "operator": "is", "value": "360000111111"}
        ]}),
        3 => json!({"all": [
            {"field": "update_type", "operator": "is", "value": "Change"},
            {"field": "status", "operator": "less_than", "value": "solved"},
            {"field": "priority", "operator": "greater_than", "value": "normal"},
            {"field": "via_id", "operator": "is_not", "value": "75"},
            {"field": "current_tags", "operator": "not_includes", "value": "spam  bot"},
            {"field": "assignee_id", "operator": "is", "value": ""},
            {"field": "group_id", "operator": "is_not", "value": "360000111111"},
            {"field": "comment_is_public", "operator": "is", "value": "requester_can_see_comment"},
            {"field": "requester_id", "operator": "is_not", "value": "current_user"},
            {"field": "ticket_form_id", "operator": "is", "value": "360000000001"},
            {"field": "satisfaction_score", "operator": "is", "value": "unoffered"}
        ], "any": []}),
        4 => json!({"all": [
            {"field": "custom_status_id", "operator": "includes", "value": ["1", "2"]}
        ], "any": [
            {"field": "priority", "operator": "is", "value": "high"},
            {"field": "priority", "operator": "is", "value": "urgent"}
        ]}),
        5 => json!({"all": [
            {"field": CUSTOM_FIELD, "operator": "is", "value": "opt_a"},
            {"field": "organization.custom_fields.tier", "operator": "is", "value": "gold "},
            {"field": "requester.custom_fields.vip", "operator": "is", "value": "true"}
        ], "any": []}),
        6 => json!({"all": [], "any": [
            {"field": "current_tags", "operator": "includes", "value": "vip gold"}
        ]}),
        _ => json!({"all": [
            {"field": "via_id", "operator": "is", "value": 4},
            {"field": "ticket_form_id", "operator": "is", "value": "360000000002"}
        ], "any": []}),
    }
}

fn actions(shape: &Shape) -> Value {
    match shape.actions % 8 {
        0 => json!([{"field": "notification_user", "value": [
            "requester_id", "Re: {{ticket.title}} ", "Hello,\r\n\r\n{{ticket.latest_comment}}\n"
        ]}]),
        1 => json!([{"field": "notification_webhook", "value": [
            "01HWEBHOOK7Q3Z9",
            "{\n\t\"id\": \"{{ticket.id}}\",\n\t\"text\": {{ticket.description | json}}\n}"
        ]}]),
        2 => json!([{"field": "side_conversation_ticket", "value": [
            "Escalation: {{ticket.title}}", "<p>See {{ticket.url}}</p>", "group_id", "text/html"
        ]}]),
        3 => json!([
            {"field": "set_schedule", "value": "360000012345"},
            {"field": "set_tags", "value": ""}
        ]),
        4 => json!([
            {"field": "priority", "value": "high"},
            {"field": "group_id", "value": "360000111111"},
            {"field": CUSTOM_FIELD, "value": "opt_b"}
        ]),
        5 => json!([
            {"field": "notification_group", "value": ["group_id", "[{{ticket.account}}] Assigned", "Ticket #{{ticket.id}}"]},
            {"field": "status", "value": null}
        ]),
        6 => json!([{"field": "assignee_id", "value": "current_user"}]),
        _ => json!([{"field": "remove_tags", "value": "spam  bot"}]),
    }
}

/// One trigger of the shape, with id `id` and number `n` (for unique titles and keys).
pub fn trigger(id: u64, n: usize, position: i64, shape: &Shape) -> Value {
    let title = title(shape, n);
    let (category_id, _, _) = CATEGORIES[usize::from(shape.category) % CATEGORIES.len()];
    let mut trigger = json!({
        "url": format!("https://corpus.zendesk.com/api/v2/triggers/{id}.json"),
        "id": id,
        "title": title,
        "active": shape.active,
        "updated_at": format!("2024-0{}-1{}T09:1{}:0{}Z", 1 + n % 9, n % 10, n % 10, n % 7),
        "created_at": "2019-05-02T11:22:33Z",
        "default": false,
        "actions": actions(shape),
        "conditions": conditions(shape),
        "position": position,
        "raw_title": title,
        "category_id": category_id,
    });
    if let Some(description) = description(shape, n) {
        trigger["description"] = description;
    }
    let object = trigger.as_object_mut().expect("an object");
    match shape.keys % 3 {
        0 => {}
        1 => {
            // An older payload: these keys did not exist yet.
            object.remove("default");
            object.remove("category_id");
            object.remove("raw_title");
        }
        _ => {
            object.insert("brand_id".into(), json!(360000022222_u64));
            object.insert(
                "restriction".into(),
                json!({"type": "Group", "id": 360000111111_u64, "ids": [360000111111_u64]}),
            );
        }
    }
    trigger
}

/// Zendesk's standard triggers (`default: true`), which export leaves out.
fn standard_triggers(first_id: u64) -> Vec<Value> {
    ["Notify requester and CCs of received request", "Notify assignee of assignment"]
        .iter()
        .enumerate()
        .map(|(i, title)| {
            json!({
                "id": first_id + i as u64, "title": title, "active": true, "position": i,
                "default": true, "description": null, "raw_title": title,
                "category_id": CATEGORIES[0].0,
                "conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Create"}], "any": []},
                "actions": [{"field": "notification_user", "value": ["requester_and_ccs", "Received", "{{ticket.id}}"]}],
                "created_at": "2019-05-02T11:22:33Z", "updated_at": "2019-05-02T11:22:33Z"
            })
        })
        .collect()
}

/// Triggers of these shapes, ids from `first_id` (13 or 14 digits), positions restarting per
/// category with ties and gaps, after Zendesk's standard triggers.
pub fn triggers(first_id: u64, shapes: &[Shape]) -> Vec<Value> {
    let mut positions = [0_i64; 4];
    let mut triggers = standard_triggers(first_id);
    for (n, shape) in shapes.iter().enumerate() {
        let category = usize::from(shape.category) % CATEGORIES.len();
        positions[category] += match shape.position % 3 {
            0 => 0,
            1 => 1,
            _ => 7,
        };
        let id = first_id + 10 + (n as u64) * 17;
        triggers.push(trigger(id, n, positions[category], shape));
    }
    triggers
}

/// The account's trigger definitions: every modern field the corpus uses, with operators and,
/// for dropdowns, values. The legacy names are not listed (real definitions no longer list
/// them, while old triggers still hold them).
pub fn definitions() -> Value {
    let ops = |list: &[&str]| -> Value {
        Value::Array(
            list.iter()
                .map(|op| {
                    let terminal =
                        ["changed", "not_changed", "present", "not_present"].contains(op);
                    json!({"value": op, "title": op, "terminal": terminal})
                })
                .collect(),
        )
    };
    let values = |list: &[&str]| -> Value {
        Value::Array(
            list.iter()
                .map(|v| json!({"value": v, "title": v, "enabled": true}))
                .collect(),
        )
    };
    let all_ops = [
        "is",
        "is_not",
        "less_than",
        "greater_than",
        "changed",
        "value",
        "value_previous",
        "not_changed",
        "not_value",
        "not_value_previous",
        "present",
        "not_present",
    ];
    let statuses = ["new", "open", "pending", "hold", "solved", "closed"];
    let priorities = ["low", "normal", "high", "urgent"];
    let conditions = json!([
        {"subject": "update_type", "title": "Ticket", "type": "list", "operators": ops(&["is"]), "values": values(&["Create", "Change"])},
        {"subject": "status", "title": "Status", "type": "list", "operators": ops(&all_ops), "values": values(&statuses)},
        {"subject": "priority", "title": "Priority", "type": "list", "operators": ops(&all_ops), "values": values(&priorities)},
        {"subject": "via_id", "title": "Channel", "type": "list", "operators": ops(&["is", "is_not"]), "values": values(&["0", "4", "5", "29", "75"])},
        {"subject": "assignee_id", "title": "Assignee", "type": "list", "operators": ops(&all_ops)},
        {"subject": "group_id", "title": "Group", "type": "list", "operators": ops(&all_ops)},
        {"subject": "requester_id", "title": "Requester", "type": "list", "operators": ops(&all_ops)},
        {"subject": "current_tags", "title": "Tags", "type": "text", "operators": ops(&["includes", "not_includes"])},
        {"subject": "comment_is_public", "title": "Comment", "type": "list", "operators": ops(&["is"])},
        {"subject": "ticket_form_id", "title": "Form", "type": "list", "operators": ops(&["is", "is_not"])},
        {"subject": "satisfaction_score", "title": "Satisfaction", "type": "list", "operators": ops(&["is", "is_not"]), "values": values(&["unoffered", "offered", "bad", "good"])},
        {"subject": "custom_status_id", "title": "Ticket status", "type": "list", "operators": ops(&["includes", "not_includes"]), "values": values(&["1", "2", "3"])},
        {"subject": CUSTOM_FIELD, "title": "Product", "type": "list", "operators": ops(&["is", "is_not", "present", "not_present"]), "values": values(&["opt_a", "opt_b"])},
        {"subject": "organization.custom_fields.tier", "title": "Organization tier", "type": "text", "operators": ops(&["is", "is_not", "includes_string"])},
        {"subject": "requester.custom_fields.vip", "title": "Requester VIP", "type": "checkbox", "operators": ops(&["is"])}
    ]);
    json!({
        "actions": [
            {"subject": "notification_user", "title": "Email user", "type": "list", "values": values(&["requester_id", "requester_and_ccs", "assignee_id", "current_user", "all_agents"])},
            {"subject": "notification_group", "title": "Email group", "type": "list", "values": values(&["group_id", "360000111111"])},
            {"subject": "notification_webhook", "title": "Notify active webhook", "type": "list"},
            {"subject": "side_conversation_ticket", "title": "Side conversation > Ticket", "type": "list"},
            {"subject": "set_schedule", "title": "Set schedule", "type": "list", "values": values(&["360000012345"])},
            {"subject": "set_tags", "title": "Set tags", "type": "text"},
            {"subject": "current_tags", "title": "Add tags", "type": "text"},
            {"subject": "remove_tags", "title": "Remove tags", "type": "text"},
            {"subject": "priority", "title": "Priority", "type": "list", "values": values(&priorities)},
            {"subject": "status", "title": "Status", "type": "list", "nullable": true, "values": values(&statuses[1..])},
            {"subject": "group_id", "title": "Group", "type": "list"},
            {"subject": "assignee_id", "title": "Assignee", "type": "list"},
            {"subject": CUSTOM_FIELD, "title": "Product", "type": "list", "values": values(&["opt_a", "opt_b"])}
        ],
        "conditions_all": conditions,
        "conditions_any": conditions
    })
}

/// A production-shaped account: categories, the triggers of `shapes`, definitions and
/// settings, served exactly; it accepts [`TOKEN`].
pub fn account(subdomain: &str, first_id: u64, shapes: &[Shape]) -> AccountSeed {
    let categories: Vec<Value> = CATEGORIES
        .iter()
        .map(|(id, name, position)| {
            json!({"id": id, "name": name, "position": position,
                   "created_at": "2021-03-04T05:06:07Z", "updated_at": "2021-03-04T05:06:07Z"})
        })
        .collect();
    let snapshot = json!({
        "settings": {
            "messaging_inactivity": {"enabled": true, "end_session": true, "timeout": 45, "reminders": [{"message": "Still there?  ", "timeout": 300}]},
            "routing": {"enabled": true, "autorouting_tag": "", "max_messaging_capacity": 3},
            "active_features": {"customer_satisfaction": true, "business_hours": true},
            "tickets": {"comments_public_by_default": true}
        },
        "trigger_categories": categories,
        "triggers": triggers(first_id, shapes),
        "definitions": definitions()
    });
    let mut seed: AccountSeed = serde_json::from_value(json!({
        "subdomain": subdomain,
        "default_triggers": false,
        "snapshot": snapshot
    }))
    .expect("a corpus seed");
    seed.credentials.oauth_tokens.push(OAuthTokenSeed {
        token: TOKEN.into(),
        role: Role::Admin,
        scopes: vec!["read".into(), "write".into()],
    });
    seed
}

/// `count` shapes drawn from a generator seeded with `seed`: the same corpus on every run.
/// The first shapes go through every variant of every class, so each quirk is present.
pub fn shapes(seed: u64, count: usize) -> Vec<Shape> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..count)
        .map(|i| {
            let pick = |rng: &mut fastrand::Rng, size: u8| {
                if i < 10 {
                    (i as u8) % size
                } else {
                    rng.u8(..size)
                }
            };
            Shape {
                title: pick(&mut rng, 10),
                description: pick(&mut rng, 8),
                keys: pick(&mut rng, 3),
                conditions: pick(&mut rng, 8),
                actions: pick(&mut rng, 8),
                category: pick(&mut rng, 4),
                position: pick(&mut rng, 3),
                active: rng.u8(..4) != 0,
            }
        })
        .collect()
}

/// Shapes for property tests: every class drawn independently.
pub fn shape() -> impl Strategy<Value = Shape> {
    (
        (0u8..10, 0u8..8, 0u8..3, 0u8..8),
        (0u8..8, 0u8..4, 0u8..3, any::<bool>()),
    )
        .prop_map(
            |((title, description, keys, conditions), (actions, category, position, active))| {
                Shape {
                    title,
                    description,
                    keys,
                    conditions,
                    actions,
                    category,
                    position,
                    active,
                }
            },
        )
}
