//! The policy hash: which resolved policy a plan was made from, so apply can refuse a saved
//! plan whose policy has changed since. It hashes a canonical, key-sorted form that includes
//! each account's name, so reordering keys changes nothing and moving settings between
//! accounts changes the hash.

use serde_json::json;
use sha2::{Digest, Sha256};

use super::canonical::canonical_json;
use super::fingerprint::hex;
use super::model::json as to_json;
use crate::policy::resolve::ResolvedAccount;

/// Lowercase hex sha256 of the canonical (key-sorted, compact) JSON of the resolved policy:
/// each account's name, subdomain, Sunshine Conversations app id, trigger id pins and merged
/// settings, in account-name order. Where a value was written (spans, layers) does not count; credentials
/// are left out (they name secrets, and changing them changes no plan).
///
/// The document is `{"accounts":[…],"hash_version":1}`; it is hashed an account at a time, so
/// a thousand accounts never exist as one JSON value (the bytes hashed are the same).
pub fn policy_hash<'a>(accounts: impl IntoIterator<Item = &'a ResolvedAccount>) -> String {
    let mut sorted: Vec<&ResolvedAccount> = accounts.into_iter().collect();
    sorted.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    let mut hasher = Sha256::new();
    hasher.update(b"{\"accounts\":[");
    for (i, account) in sorted.into_iter().enumerate() {
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
        if i > 0 {
            hasher.update(b",");
        }
        hasher.update(canonical_json(&value).as_bytes());
    }
    hasher.update(b"],\"hash_version\":1}");
    hex(&hasher.finalize())
}
