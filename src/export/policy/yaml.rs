//! The exported accounts as one policy document, and that document as YAML with a header
//! naming what could not be exported.

use serde_json::{Map, Value, json};

use super::ExportedAccount;
use crate::files::EXPORT_HEADER;

/// The whole exported policy document for some accounts.
pub fn document(accounts: &[ExportedAccount]) -> Value {
    let entries: Map<String, Value> = accounts
        .iter()
        .map(|a| (a.name.clone(), a.entry.clone()))
        .collect();
    json!({ "version": 1, "accounts": entries })
}

/// The document as YAML, with a header naming what could not be exported.
pub fn to_yaml(accounts: &[ExportedAccount], schema_path: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(schema) = schema_path {
        out.push_str(&format!("# yaml-language-server: $schema={schema}\n"));
    }
    out.push_str(EXPORT_HEADER);
    out.push_str(" Review before committing.\n");
    for account in accounts {
        for note in &account.notes {
            out.push_str(&format!("# {}: {note}\n", account.name));
        }
    }
    out.push_str(&crate::output::yaml::to_yaml(&document(accounts), &|_| {
        None
    }));
    out
}
