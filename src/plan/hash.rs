//! The policy hash: which resolved policy a plan was made from, so apply can refuse a saved
//! plan whose policy has changed since. It hashes a canonical, key-sorted form that includes
//! each account's name, so reordering keys changes nothing and moving settings between
//! accounts changes the hash.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::canonical::{write_canonical, write_key};
use super::fingerprint::hex;
use super::model::json as to_json;
use crate::policy::model::{Layer, TriggerSpec};
use crate::policy::resolve::ResolvedAccount;

/// Lowercase hex sha256 of the canonical (key-sorted, compact) JSON of the resolved policy:
/// each account's name, subdomain, Sunshine Conversations app id, trigger id pins and merged
/// settings, in account-name order. Where a value was written (spans, layers) does not count; credentials
/// are left out (they name secrets, and changing them changes no plan).
///
/// The document is `{"accounts":[…],"hash_version":1}`; it is hashed an account at a time, so
/// a thousand accounts never exist as one JSON value (the bytes hashed are the same). A
/// trigger that accounts share (one `Arc`, from `defaults` or a group) is written to canonical
/// JSON once and its bytes reused for every account that holds it.
pub fn policy_hash<'a>(accounts: impl IntoIterator<Item = &'a ResolvedAccount>) -> String {
    let mut sorted: Vec<&ResolvedAccount> = accounts.into_iter().collect();
    sorted.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    let mut hasher = Sha256::new();
    let mut triggers = TriggerTexts::default();
    let mut text = Vec::new();
    hasher.update(b"{\"accounts\":[");
    for (i, account) in sorted.into_iter().enumerate() {
        text.clear();
        if i > 0 {
            text.push(b',');
        }
        write_account(account, &mut triggers, &mut text);
        hasher.update(&text);
    }
    hasher.update(b"],\"hash_version\":1}");
    hex(&hasher.finalize())
}

/// The canonical JSON of the account's part of the document:
/// `{"account":…,"settings":…,"subdomain":…,"sunshine_app_id":…[,"trigger_ids":…]}`.
fn write_account(account: &ResolvedAccount, triggers: &mut TriggerTexts, out: &mut Vec<u8>) {
    let mut rest = json!({
        "account": account.name.value.as_str(),
        "subdomain": account.subdomain.value.as_str(),
        "sunshine_app_id": account
            .sunshine_conversations
            .as_ref()
            .map(|s| s.app_id.value.as_str()),
    });
    // Pins decide which trigger a change writes. Left out when there are none, so
    // policies without pins keep the hash they had.
    if !account.trigger_ids.is_empty() {
        rest["trigger_ids"] = to_json(&account.trigger_ids);
    }
    let Value::Object(rest) = rest else {
        return;
    };
    write_object_with(&rest, Some("settings"), out, |out| {
        write_settings(&account.settings, triggers, out);
    });
}

/// The canonical JSON of `to_json(settings)`, its triggers taken from `triggers`.
fn write_settings(settings: &Layer, triggers: &mut TriggerTexts, out: &mut Vec<u8>) {
    // Everything but the triggers is small; the triggers (`skip_serializing_if` empty) are
    // written in their sorted place from their cached text.
    let rest = to_json(&Layer {
        triggers: Vec::new(),
        ..settings.clone()
    });
    let empty = serde_json::Map::new();
    let rest = rest.as_object().unwrap_or(&empty);
    let deferred = (!settings.triggers.is_empty()).then_some("triggers");
    write_object_with(rest, deferred, out, |out| {
        out.push(b'[');
        for (j, spec) in settings.triggers.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            out.extend_from_slice(triggers.text(spec));
        }
        out.push(b']');
    });
}

/// The canonical JSON object of `rest` and one more key, `deferred`, whose value
/// `write_deferred` writes in its sorted place: the large part of a document (an account's
/// settings, their triggers) is written from cached text instead of becoming a JSON value.
fn write_object_with(
    rest: &serde_json::Map<String, Value>,
    deferred: Option<&str>,
    out: &mut Vec<u8>,
    write_deferred: impl FnOnce(&mut Vec<u8>),
) {
    let mut entries: Vec<(&str, Option<&Value>)> =
        rest.iter().map(|(k, v)| (k.as_str(), Some(v))).collect();
    // `None`: the deferred key.
    entries.extend(deferred.map(|key| (key, None)));
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut write_deferred = Some(write_deferred);
    out.push(b'{');
    for (i, (key, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_key(key, out);
        match value {
            Some(value) => write_canonical(value, out),
            None => {
                if let Some(write) = write_deferred.take() {
                    write(out);
                }
            }
        }
    }
    out.push(b'}');
}

/// The canonical JSON of each trigger written so far, by the address of its shared value.
///
/// Keys are `Arc` addresses, valid because every account (and so every `Arc`) is borrowed
/// for as long as one [`policy_hash`] call, which owns this cache.
#[derive(Default)]
struct TriggerTexts {
    texts: HashMap<*const TriggerSpec, Vec<u8>>,
}

impl TriggerTexts {
    fn text(&mut self, spec: &Arc<TriggerSpec>) -> &[u8] {
        self.texts.entry(Arc::as_ptr(spec)).or_insert_with(|| {
            let mut text = Vec::new();
            write_canonical(&to_json(&**spec), &mut text);
            text
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::canonical::canonical_json;
    use crate::policy::load_sources;
    use crate::policy::source::SourceMap;

    /// The hash as first defined: each account's whole document as one JSON value.
    fn hash_of_whole_values(accounts: &[ResolvedAccount]) -> String {
        let mut sorted: Vec<&ResolvedAccount> = accounts.iter().collect();
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

    fn accounts(text: &str) -> Vec<ResolvedAccount> {
        let mut sources = SourceMap::new();
        sources.add("policy.yaml", text.to_owned());
        let policy = load_sources("test".into(), sources);
        assert!(
            !policy
                .diagnostics
                .iter()
                .any(crate::policy::diagnostic::Diagnostic::is_error),
            "{:?}",
            policy.diagnostics
        );
        policy.accounts
    }

    const SHARED: &str = "version: 1
defaults:
  csat:
    survey_on_session_end: true
  triggers:
    - key: shared-a
      title: Shared A
      description: \"quoted \\\" and é\"
      conditions:
        all:
          - { field: status, operator: is, value: new }
      actions:
        - { field: priority, value: high }
    - key: shared-b
      title: Shared B
      active: false
      conditions:
        any:
          - { field: via_id, operator: is, value: 75 }
      actions:
        - { field: set_tags, value: [a, b] }
accounts:
  zeta:
    subdomain: zeta
    triggers:
      - key: shared-b
        title: Zeta's own B
        conditions:
          any:
            - { field: via_id, operator: is, value: 76 }
        actions:
          - { field: set_tags, value: b }
  alpha:
    subdomain: alpha
    trigger_ids:
      shared-a: 36000000000001
    sunshine_conversations:
      app_id: app-1
      key_id: \"env:KEY_ID\"
      key_secret: \"env:KEY_SECRET\"
  mid:
    subdomain: mid
";

    #[test]
    fn the_hash_is_the_hash_of_the_whole_values_with_shared_triggers_written_once() {
        let accounts = accounts(SHARED);
        assert!(Arc::ptr_eq(
            &accounts[1].triggers()[0],
            &accounts[2].triggers()[0]
        ));
        assert_eq!(policy_hash(&accounts), hash_of_whole_values(&accounts));
    }

    #[test]
    fn accounts_without_triggers_hash_as_before() {
        let accounts = accounts(
            "version: 1\naccounts:\n  solo:\n    subdomain: solo\n    csat:\n      survey_on_session_end: false\n",
        );
        assert!(accounts[0].triggers().is_empty());
        assert_eq!(policy_hash(&accounts), hash_of_whole_values(&accounts));
    }
}
