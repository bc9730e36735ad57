//! Editing a saved plan's JSON as someone tampering with it would: a change, the trigger body
//! a change names, and the table of bodies named again by their hashes (what a careful forger
//! does so that the table still checks).
#![allow(dead_code)] // Each test binary uses a different part of this module.

use serde_json::{Map, Value};
use zdpolicy::plan::canonical::canonical_json;
use zdpolicy::plan::fingerprint::sha256_hex;

/// The change at `address` in a saved plan's JSON.
pub fn change_mut<'a>(plan: &'a mut Value, address: &str) -> &'a mut Value {
    plan["accounts"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .flat_map(|a| a["changes"].as_array_mut().unwrap())
        .find(|c| c["address"] == address)
        .unwrap_or_else(|| panic!("no change {address}"))
}

/// The name of the trigger body the change at `address` writes.
pub fn body_name(plan: &mut Value, address: &str) -> String {
    change_mut(plan, address)["operation"]["trigger_body"]
        .as_str()
        .unwrap_or_else(|| panic!("{address} names no trigger body"))
        .to_owned()
}

/// The trigger body the change at `address` writes, as its own copy (changes that shared it
/// keep theirs), to edit; [`rehash`] names it by its hash again.
pub fn own_body_mut<'a>(plan: &'a mut Value, address: &str) -> &'a mut Value {
    let shared = body_name(plan, address);
    let body = plan["trigger_bodies"][&shared].clone();
    let own = format!("copy for {address}");
    plan["trigger_bodies"][&own] = body;
    change_mut(plan, address)["operation"]["trigger_body"] = Value::String(own.clone());
    &mut plan["trigger_bodies"][&own]
}

/// The sha256 a saved plan names a trigger body by.
pub fn hash_of(body: &Value) -> String {
    sha256_hex(canonical_json(body).as_bytes())
}

/// Names every trigger body by its hash again, keeping only the bodies some change names.
pub fn rehash(plan: &mut Value) {
    let old = plan["trigger_bodies"].take();
    let mut table = Map::new();
    for account in plan["accounts"].as_array_mut().unwrap() {
        for change in account["changes"].as_array_mut().unwrap() {
            let Some(name) = change
                .pointer("/operation/trigger_body")
                .and_then(Value::as_str)
            else {
                continue;
            };
            let body = old[name].clone();
            let hash = hash_of(&body);
            change["operation"]["trigger_body"] = Value::String(hash.clone());
            table.insert(hash, body);
        }
    }
    plan["trigger_bodies"] = Value::Object(table);
}
