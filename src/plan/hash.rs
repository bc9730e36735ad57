//! The policy hash: which resolved policy a plan was made from, so apply can refuse a saved
//! plan whose policy has changed since. It hashes a canonical, key-sorted form that includes
//! each account's name, so reordering keys changes nothing and moving settings between
//! accounts changes the hash.

use serde_json::{Value, json};

use super::canonical::canonical_json;
use super::fingerprint::sha256_hex;
use super::model::json as to_json;
use crate::policy::resolve::ResolvedAccount;

/// Lowercase hex sha256 of the canonical (key-sorted, compact) JSON of the resolved policy:
/// each account's name, subdomain, Sunshine Conversations app id, trigger id pins and merged
/// settings, in account-name order. Where a value was written (spans, layers) does not count; credentials
/// are left out (they name secrets, and changing them changes no plan).
pub fn policy_hash(accounts: &[ResolvedAccount]) -> String {
    let mut sorted: Vec<&ResolvedAccount> = accounts.iter().collect();
    sorted.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    let accounts: Vec<Value> = sorted
        .into_iter()
        .map(|account| {
            let mut value = json!({
                "account": account.name.value.as_str(),
                "subdomain": account.subdomain.value.as_str(),
                "sunshine_app_id": account
                    .sunshine_conversations
                    .as_ref()
                    .map(|s| s.app_id.value.as_str()),
                "settings": to_json(&account.settings),
            });
            // Pins decide which trigger a change writes. Left out when there are none, so
            // policies without pins keep the hash they had.
            if !account.trigger_ids.is_empty() {
                value["trigger_ids"] = to_json(&account.trigger_ids);
            }
            value
        })
        .collect();
    let document = json!({"hash_version": 1, "accounts": accounts});
    sha256_hex(canonical_json(&document).as_bytes())
}
