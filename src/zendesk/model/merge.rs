//! Merging JSON objects key by key, as `PUT /api/v2/account/settings` and the Sunshine
//! Conversations `PATCH` do: the one model of it, used by the simulator to answer writes and
//! by the planner's simulation to predict them.

use serde_json::{Map, Value};

/// Merges `patch` into `target`: objects merge recursively, anything else replaces.
pub fn deep_merge(target: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (key, value) in patch {
        match (target.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(incoming)) => {
                deep_merge(existing, incoming);
            }
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merges_nested_objects_and_replaces_leaves() {
        let mut target = json!({"a": {"x": 1, "y": 2}, "b": [1]})
            .as_object()
            .cloned()
            .unwrap_or_default();
        let patch = json!({"a": {"y": 3}, "b": [2], "c": null})
            .as_object()
            .cloned()
            .unwrap_or_default();
        deep_merge(&mut target, &patch);
        assert_eq!(
            Value::Object(target),
            json!({"a": {"x": 1, "y": 3}, "b": [2], "c": null})
        );
    }
}
