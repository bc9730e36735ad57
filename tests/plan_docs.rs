//! docs/plan-document.md documents every diagnostic code, request and kind of address the plan
//! document can hold, its complete JSON examples fit the plan schema, and the diagnostics page's
//! example has the keys `validate --format json` writes.

use zdpolicy::plan::DiagnosticCode;

#[test]
fn the_plan_document_reference_is_complete() {
    let docs = std::fs::read_to_string("docs/plan-document.md").expect("docs/plan-document.md");
    let mut missing = Vec::new();
    for code in DiagnosticCode::ALL {
        let json = serde_json::to_value(code).expect("code");
        assert_eq!(json.as_str(), Some(code.as_str()), "serde and as_str agree");
        if !docs.contains(&format!("`{}`", code.as_str())) {
            missing.push(code.as_str().to_owned());
        }
    }
    for word in [
        "create_category",
        "create_trigger",
        "update_trigger",
        "delete_trigger",
        "update_account_settings",
        "update_sunshine_app",
        "set_positions",
        "positions",
        "ACCOUNT.order.CATEGORY",
        "ACCOUNT.category_order.trigger_categories",
        "[\"no-op\"]",
        "account_settings",
        "sunshine_app",
        "ACCOUNT.category.NAME",
        "ACCOUNT.csat.survey_on_session_end",
    ] {
        if !docs.contains(word) {
            missing.push(word.to_owned());
        }
    }
    assert!(missing.is_empty(), "undocumented: {missing:?}");
}

/// The plan schema's diagnostic codes are exactly the planner's.
#[test]
fn the_plan_schema_lists_every_diagnostic_code() {
    let text = std::fs::read_to_string("schemas/plan.schema.json").expect("plan schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let listed: std::collections::BTreeSet<&str> =
        schema["definitions"]["diagnostic"]["properties"]["code"]["enum"]
            .as_array()
            .expect("an enum of codes")
            .iter()
            .map(|c| c.as_str().expect("a code"))
            .collect();
    let codes: std::collections::BTreeSet<&str> =
        DiagnosticCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, codes);
}

/// The ```` ```json ```` blocks of a page that are whole JSON values (the others elide parts
/// with `…`).
fn json_examples(page: &str) -> Vec<serde_json::Value> {
    page.split("```json\n")
        .skip(1)
        .filter_map(|block| block.split_once("```").map(|(json, _)| json))
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect()
}

/// The plan schema, checking against one of its definitions instead of the whole document.
fn definition(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string("schemas/plan.schema.json").expect("plan schema");
    let mut schema: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let object = schema.as_object_mut().expect("an object");
    for key in ["type", "properties", "required", "additionalProperties"] {
        object.remove(key);
    }
    object.insert("$ref".into(), format!("#/definitions/{name}").into());
    jsonschema::validator_for(&schema).expect("a schema")
}

/// The reference's complete examples of a manual step and a plan diagnostic are valid parts of
/// a plan document, and the diagnostics page's example has exactly the keys `validate --format
/// json` writes.
#[test]
fn the_json_examples_are_real_shapes() {
    let plan_doc = std::fs::read_to_string("docs/plan-document.md").expect("plan document");
    let examples = json_examples(&plan_doc);
    let manual = examples
        .iter()
        .find(|e| e.get("live_value").is_some())
        .expect("the manual-step example");
    assert!(definition("manual").is_valid(manual), "{manual}");
    let diagnostic = examples
        .iter()
        .find(|e| e.get("severity").is_some())
        .expect("the plan diagnostic example");
    assert!(
        definition("diagnostic").is_valid(diagnostic),
        "{diagnostic}"
    );

    let diagnostics_doc = std::fs::read_to_string("docs/diagnostics.md").expect("diagnostics");
    let examples = json_examples(&diagnostics_doc);
    let [example] = examples.as_slice() else {
        panic!("docs/diagnostics.md shows one whole JSON diagnostic");
    };
    let output = assert_cmd::Command::cargo_bin("zdpolicy")
        .expect("the binary")
        .args([
            "validate",
            "--format",
            "json",
            "tests/fixtures/invalid/three-errors.yaml",
        ])
        .output()
        .expect("runs");
    let real: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON array");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v.as_object().expect("an object").keys().cloned().collect()
    };
    assert_eq!(keys(example), keys(&real[0]));
}
