//! The JSON Schema of the policy format, generated from the policy types.

use schemars::generate::SchemaSettings;

use super::model::Document;

/// The policy JSON Schema (draft-07, which every editor's YAML plugin understands).
pub fn policy_schema() -> serde_json::Value {
    let generator = SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<Document>();
    schema.to_value()
}

/// The schema as the pretty-printed text checked in at `schemas/zdpolicy.schema.json`.
pub fn policy_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&policy_schema()).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_rejects_unknown_keys_everywhere() {
        let schema = policy_schema();
        assert_eq!(schema["additionalProperties"], serde_json::json!(false));
        let definitions = schema["definitions"].as_object().expect("definitions");
        for name in [
            "Layer",
            "Messaging",
            "Csat",
            "Safety",
            "TriggerSpec",
            "Condition",
            "Action",
            "Account",
        ] {
            let def = &definitions[name];
            assert_eq!(
                def["additionalProperties"],
                serde_json::json!(false),
                "{name}: {def}"
            );
        }
    }
}
