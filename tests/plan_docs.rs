//! docs/plan-document.md documents every diagnostic code, request and kind of address the plan
//! document can hold.

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
