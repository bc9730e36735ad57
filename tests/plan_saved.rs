//! Saved plans: what `plan --out` writes is read back whole, holds no secrets, and a plan of
//! another format version is refused with a clear message.

mod plan_support;
mod saved_support;

use plan_support::*;
use saved_support::{body_name, change_mut, hash_of, own_body_mut, rehash};
use serde_json::{Value, json};
use zdpolicy::plan::render::json;
use zdpolicy::plan::{
    self, AccountInput, ChangeAction, ReadFailure, SavedPlanError, load_saved, to_saved,
};

fn scenario_with_a_failing_account() -> plan::Plan {
    let text = format!(
        "{SCENARIO_POLICY}    credentials: {{ oauth_token: env:ACME_PROD_OAUTH_TOKEN }}
  acme-stage:
    subdomain: acme-stage
    credentials: {{ email: admin@example.com, api_token: env:ACME_STAGE_API_TOKEN }}
"
    );
    let inputs = accounts(&text)
        .into_iter()
        .map(|desired| {
            let live = if desired.name.value.as_str() == "acme-stage" {
                Err(ReadFailure::from(std::io::Error::other("timed out")))
            } else {
                Ok(scenario_live())
            };
            AccountInput { desired, live }
        })
        .collect();
    plan::plan(inputs)
}

#[test]
fn a_saved_plan_reads_back_as_the_same_plan() {
    let plan = scenario_with_a_failing_account();
    let text = to_saved(&plan);
    let loaded = load_saved(&text).expect("loads");
    assert_eq!(loaded, plan);
    assert_eq!(to_saved(&loaded), text, "and writes the same bytes again");
}

#[test]
fn a_saved_plan_holds_what_apply_needs_and_no_secrets() {
    let plan = scenario_with_a_failing_account();
    for change in plan.accounts.iter().flat_map(|a| &a.changes) {
        let writes = matches!(
            change.action,
            ChangeAction::Create | ChangeAction::Update | ChangeAction::Delete
        );
        assert_eq!(change.operation.is_some(), writes, "{}", change.address);
    }
    let text = to_saved(&plan);
    for secret_name in [
        "ACME_PROD_OAUTH_TOKEN",
        "ACME_STAGE_API_TOKEN",
        "SC_KEY_ID",
        "SC_KEY_SECRET",
        "admin@example.com",
    ] {
        assert!(
            !text.contains(secret_name),
            "{secret_name} leaked into the saved plan"
        );
    }
}

#[test]
fn another_format_version_is_refused() {
    let plan = scenario_with_a_failing_account();
    let text = to_saved(&plan).replacen(
        "\"format_version\": \"3.0\"",
        "\"format_version\": \"4.0\"",
        1,
    );
    let err = load_saved(&text).expect_err("refused");
    assert!(matches!(
        err,
        SavedPlanError::IncompatibleFormatVersion { ref found, supported: "3.0" } if found == "4.0"
    ));
    assert!(err.to_string().contains("make the plan again"));
}

/// The JSON view (format 2.0, each trigger body in place) is for reading, not applying; a
/// plan saved by an older zdpolicy has the same format and is refused alike.
#[test]
fn the_json_view_is_not_a_saved_plan() {
    let err = load_saved(&json::render(&scenario_with_a_failing_account())).expect_err("refused");
    assert!(
        matches!(&err, SavedPlanError::JsonView { found } if found == "2.0"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("save the plan with `zdpolicy plan --out FILE`"),
        "{err}"
    );
}

#[test]
fn a_damaged_plan_is_refused() {
    let text = to_saved(&scenario_with_a_failing_account()).replace("\"update\"", "\"upsert\"");
    let err = load_saved(&text).expect_err("refused");
    assert!(matches!(err, SavedPlanError::Invalid(_)));
    assert!(err.to_string().contains("unknown action `upsert`"), "{err}");
}

/// The saved scenario plan as JSON, edited by `edit`.
fn edited(edit: impl Fn(&mut Value)) -> String {
    let mut plan: Value =
        serde_json::from_str(&to_saved(&scenario_with_a_failing_account())).unwrap();
    edit(&mut plan);
    plan.to_string()
}

type Edit = Box<dyn Fn(&mut Value)>;

/// An edit of the change at `address`.
fn at(address: &'static str, edit: impl Fn(&mut Value) + 'static) -> Edit {
    Box::new(move |plan| edit(change_mut(plan, address)))
}

/// An edit of the trigger body the change at `address` writes, named again by its new hash
/// (as a careful forger would), so only what the change shows can disagree with it.
fn in_body(address: &'static str, edit: impl Fn(&mut Value) + 'static) -> Edit {
    Box::new(move |plan| {
        edit(own_body_mut(plan, address));
        rehash(plan);
    })
}

// Regression (#11): `show` drew `after` and `fields` while apply sent `operation`, so an
// edited file could show one thing and do another. Such a file is not read at all.
#[test]
fn a_plan_whose_parts_disagree_is_refused_naming_the_change() {
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "acme-prod.trigger.sla-reminder",
            in_body("acme-prod.trigger.sla-reminder", |b| {
                b["title"] = "Something else".into();
            }),
            "`operation` writes another trigger than `after` shows",
        ),
        (
            "acme-prod.trigger.sla-reminder",
            at("acme-prod.trigger.sla-reminder", |c| {
                c["fields"][0]["after"] = "Something else".into();
            }),
            "field `title` shows other values than `before` and `after`",
        ),
        (
            "acme-prod.trigger.legacy",
            at("acme-prod.trigger.legacy", |c| {
                c["operation"]["id"] = 1002.into();
            }),
            "`operation` writes another object than `seen` names",
        ),
        (
            "acme-prod.csat.survey_on_session_end",
            in_body("acme-prod.csat.survey_on_session_end", |b| {
                b["title"] = "Renamed".into();
            }),
            "`operation` writes other conditions than `after` shows",
        ),
        (
            "acme-prod.setting.end_session_after_inactivity",
            at("acme-prod.setting.end_session_after_inactivity", |c| {
                c["operation"]["settings"]["messaging_inactivity"]["enabled"] = false.into();
            }),
            "`operation` writes other settings than `after` shows",
        ),
        (
            "acme-prod.setting.agents_can_end_sessions",
            at("acme-prod.setting.agents_can_end_sessions", |c| {
                c["actions"] = json!(["update"]);
                c["operation"] = json!({"request": "delete_trigger", "id": 1002});
            }),
            "`operation` is not a write of this kind of object",
        ),
        (
            "acme-prod.trigger.vip-messaging",
            at("acme-prod.trigger.vip-messaging", |c| {
                c["actions"] = json!(["no-op"]);
            }),
            "`actions` is `no-op`, but `operation` makes it `create`",
        ),
        // A create shows the body its operation writes; an `after` written in beside it
        // could only show something else.
        (
            "acme-prod.trigger.vip-messaging",
            at("acme-prod.trigger.vip-messaging", |c| {
                c["after"] = json!({"title": "Harmless"});
            }),
            "a trigger create has an `after` of its own; it shows what `operation` writes",
        ),
        (
            "acme-prod.trigger.vip-messaging",
            Box::new(|plan| {
                let name = body_name(plan, "acme-prod.trigger.vip-messaging");
                let body = plan["trigger_bodies"][&name].clone();
                let operation =
                    &mut change_mut(plan, "acme-prod.trigger.vip-messaging")["operation"];
                operation["trigger"] = body;
            }),
            "`operation` has both a `trigger` and a `trigger_body`",
        ),
        (
            "acme-prod.trigger.vip-messaging",
            Box::new(|plan| {
                let name = body_name(plan, "acme-prod.trigger.vip-messaging");
                let body = plan["trigger_bodies"][&name].clone();
                let operation = change_mut(plan, "acme-prod.trigger.vip-messaging")["operation"]
                    .as_object_mut()
                    .unwrap();
                operation.remove("trigger_body");
                operation.insert("trigger".into(), body);
                rehash(plan);
            }),
            "`operation` has no `trigger_body`: a saved plan names each trigger it writes from \
             `trigger_bodies`",
        ),
        (
            "acme-prod.trigger.legacy",
            at("acme-prod.trigger.legacy", |c| {
                c["operation"]["trigger_body"] = json!("0".repeat(64));
            }),
            "a `delete_trigger` operation names a `trigger_body`, but writes no trigger",
        ),
    ];
    for (address, edit, what) in cases {
        let err = load_saved(&edited(edit)).expect_err(what);
        assert!(
            matches!(&err, SavedPlanError::Inconsistent { address: a, what: w } if a == address && w == what),
            "{address}: {err}"
        );
    }
}

/// Three accounts that share two triggers through `defaults`, one of them overridden in one
/// account: every trigger is a create.
fn shared_plan() -> plan::Plan {
    let trigger = |indent: &str, key: &str, title: &str| {
        format!(
            "{indent}- key: {key}\n{indent}  title: {title}\n{indent}  conditions:\n\
             {indent}    all:\n\
             {indent}      - {{ field: current_tags, operator: includes, value: {key} }}\n\
             {indent}  actions:\n{indent}    - {{ field: priority, value: high }}\n"
        )
    };
    let mut text = format!(
        "version: 1\ndefaults:\n  triggers:\n{}{}accounts:\n",
        trigger("    ", "route", "Shared routing"),
        trigger("    ", "notify", "Shared notice"),
    );
    for name in ["one", "three", "two"] {
        text.push_str(&format!("  {name}:\n    subdomain: {name}\n"));
        if name == "two" {
            text.push_str("    triggers:\n");
            text.push_str(&trigger("      ", "notify", "Notice of two"));
        }
    }
    let inputs = accounts(&text)
        .into_iter()
        .map(|desired| AccountInput {
            desired,
            live: Ok(live(vec![csat_trigger(1)], true, true, true)),
        })
        .collect();
    plan::plan(inputs)
}

/// Issue #13: 1,000 accounts that create the same shared trigger carried its body 1,000 times
/// (twice each, in `after` and `operation`). The saved plan holds each body once, names it by
/// hash, reads back as the same plan and shows as the same views.
#[test]
fn a_saved_plan_holds_each_shared_trigger_body_once_and_reads_back_whole() {
    let plan = shared_plan();
    assert!(!plan.has_errors(), "{:#?}", plan.accounts[0].diagnostics);
    let creates = plan
        .accounts
        .iter()
        .flat_map(|a| &a.changes)
        .filter(|c| c.action == ChangeAction::Create)
        .count();
    assert_eq!(creates, 6);
    let text = to_saved(&plan);
    let document: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(document["format_version"], "3.0");
    let table = document["trigger_bodies"].as_object().unwrap();
    // Shared routing, shared notice, and the notice of `two`.
    assert_eq!(table.len(), 3, "{table:#?}");
    for (hash, body) in table {
        assert_eq!(&hash_of(body), hash);
    }
    for title in ["Shared routing", "Shared notice", "Notice of two"] {
        assert_eq!(text.matches(title).count(), 1, "{title} is written once");
    }
    let loaded = load_saved(&text).expect("loads");
    assert_eq!(loaded, plan);
    assert_eq!(to_saved(&loaded), text, "and writes the same bytes again");
    assert_eq!(json::render(&loaded), json::render(&plan));
    assert_eq!(
        plan::render::text::render(&loaded, false),
        plan::render::text::render(&plan, false)
    );
    assert_valid_plan_document(&document);
}

/// A table entry edited in place, a reference to an entry that is not there, and an entry no
/// change names are each refused, naming the entry (and the change that names it).
#[test]
fn a_tampered_table_of_trigger_bodies_is_refused() {
    let saved = || -> Value { serde_json::from_str(&to_saved(&shared_plan())).unwrap() };

    let mut plan = saved();
    let name = body_name(&mut plan, "two.trigger.route");
    plan["trigger_bodies"][&name]["title"] = json!("Shared routing, edited");
    let err = load_saved(&plan.to_string()).expect_err("an edited body");
    // The first change that names it is named (accounts in name order: `one` first).
    assert!(
        matches!(&err, SavedPlanError::BodyMismatch { address, hash }
            if address == "one.trigger.route" && *hash == name),
        "{err}"
    );
    assert!(
        err.to_string().contains("which does not match its hash"),
        "{err}"
    );

    let mut plan = saved();
    let missing = "f".repeat(64);
    change_mut(&mut plan, "three.trigger.notify")["operation"]["trigger_body"] = json!(missing);
    let err = load_saved(&plan.to_string()).expect_err("a dangling reference");
    assert!(
        matches!(&err, SavedPlanError::DanglingBody { address, hash }
            if address == "three.trigger.notify" && *hash == missing),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("three.trigger.notify names trigger body fff"),
        "{err}"
    );

    let mut plan = saved();
    let extra = json!({"title": "Unused", "conditions": {"all": [], "any": []}, "actions": []});
    let extra_hash = hash_of(&extra);
    plan["trigger_bodies"][&extra_hash] = extra;
    let err = load_saved(&plan.to_string()).expect_err("an unused body");
    assert!(
        matches!(&err, SavedPlanError::UnusedBody { hash } if *hash == extra_hash),
        "{err}"
    );

    // A forger who rehashes the body still meets the plan's own agreement checks or, at
    // apply, the plan made again; what the table holds is never taken on trust.
    let mut plan = saved();
    own_body_mut(&mut plan, "one.trigger.notify")["title"] = json!("Forged");
    rehash(&mut plan);
    let forged = load_saved(&plan.to_string()).expect("consistent in itself");
    assert_ne!(forged, shared_plan());
}

/// Regression (#19): a saved plan that releases a trigger (`released_triggers`) could never be
/// applied: its update sends neither title nor active, and the self-consistency check wanted
/// `after` to be only what the update sends, so every such file "contradicted itself".
#[test]
fn a_saved_release_plan_reads_back() {
    let desired = account(
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    released_triggers: [old]\n",
    );
    let live = live(
        vec![marked_trigger(7, "old", "Old", Some("Kept text"))],
        true,
        true,
        true,
    );
    let plan = plan::plan(vec![AccountInput {
        desired,
        live: Ok(live),
    }]);
    let release = plan.accounts[0]
        .changes
        .iter()
        .find(|c| c.address.to_string() == "acme.trigger.old")
        .expect("the release");
    assert_eq!(release.action, ChangeAction::Update);
    assert_eq!(
        release.after.as_deref().unwrap()["description"],
        "Kept text"
    );
    let back = load_saved(&to_saved(&plan)).expect("a release plan reads back");
    assert_eq!(back, plan);
}
