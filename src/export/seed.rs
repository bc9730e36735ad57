//! `snapshot`: a simulator seed written from accounts' live state, so `plan` and `apply` can
//! be rehearsed against a faithful copy of production (`--sandbox --sandbox-seed`), and a bug
//! report can carry the account it happened on. Pure: live state in, seed out.
//!
//! It holds exactly what `plan` reads (triggers, categories, definitions, account settings,
//! the Sunshine Conversations app) and nothing else: no credential is ever part of a live
//! state, and settings that only Admin Center shows cannot be read, so they are not in it.

use serde_json::{Value, json};

use crate::live::LiveState;

/// The header of a snapshot file: what it is, how to use it, and what it leaves out.
const HEADER: &str = "\
# A zdpolicy snapshot: a simulator seed copied from live Zendesk state, every trigger,
# category, definition and setting exactly as Zendesk answered. It holds no credentials.
# Rehearse against it with `zdpolicy plan --sandbox --sandbox-seed FILE` (or serve it with
# `zdpolicy simulator --seed FILE`, adding credentials to each account).
# Admin Center settings have no API and are not in it (agents_can_end_sessions,
# agent_ended_sessions_route_as): they are unknown, and the simulator starts them at its
# defaults; change them with `zdpolicy sandbox set`.
";

/// One account of the seed: its subdomain and the state it was read in. Categories are a
/// feature only some plans have, seen here by whether the account listed any; the other
/// features matter only for the defaults of new accounts, which a snapshot replaces.
pub fn account_seed(subdomain: &str, live: &LiveState) -> Value {
    let mut snapshot = json!({
        "settings": live.settings,
        "trigger_categories": live.categories,
        "triggers": live.triggers,
        "definitions": live.definitions,
    });
    if let Some(app) = &live.sunshine {
        snapshot["sunshine_app"] = json!(app);
    }
    json!({
        "subdomain": subdomain,
        "features": { "trigger_categories": !live.categories.is_empty() },
        "default_triggers": false,
        "snapshot": snapshot,
    })
}

/// The seed document for some accounts (`kind: simulator-seed`, so policy directories skip
/// it).
pub fn document(accounts: Vec<Value>) -> Value {
    json!({ "kind": crate::simulator::SEED_KIND, "accounts": accounts })
}

/// The seed as a file: JSON, or YAML with the header comment. Either reads back as the same
/// simulator seed (YAML strings are written so nothing is trimmed or re-typed).
pub fn to_text(document: &Value, as_json: bool) -> String {
    if as_json {
        let mut text = serde_json::to_string_pretty(document).unwrap_or_default();
        text.push('\n');
        return text;
    }
    format!(
        "{HEADER}{}",
        crate::output::yaml::to_yaml(document, &|_| None)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::SeedFile;

    fn live() -> LiveState {
        serde_json::from_value(json!({
            "triggers": [{
                "id": 36000000000001_u64, "title": "Spaces  ", "active": false, "position": 7,
                "description": null, "brand_id": 5,
                "conditions": {"all": [{"field": "group_id", "operator": "changed", "value": null}], "any": []},
                "actions": [{"field": "set_tags", "value": ""}]
            }],
            "categories": [{"id": "100", "name": "Notifications", "position": 0}],
            "definitions": {"actions": [], "conditions_all": [], "conditions_any": [], "custom": 1},
            "settings": {"active_features": {"x": true}},
            "sunshine": null
        }))
        .expect("live")
    }

    #[test]
    fn a_snapshot_reads_back_as_the_state_it_was_made_from() {
        let document = document(vec![account_seed("acme", &live())]);
        for as_json in [false, true] {
            let text = to_text(&document, as_json);
            let seed: SeedFile = if as_json {
                serde_json::from_str(&text).expect("json")
            } else {
                serde_saphyr::from_str(&text).expect("yaml")
            };
            let account = &seed.accounts[0];
            let snapshot = account.snapshot.as_ref().expect("snapshot");
            assert_eq!(json!(snapshot.triggers), json!(live().triggers));
            assert_eq!(snapshot.definitions, live().definitions);
            assert!(!account.default_triggers);
            assert!(account.credentials.is_empty());
        }
    }
}
