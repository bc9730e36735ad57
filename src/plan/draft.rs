//! The account plan under construction, shared by the planning steps of one account.

use serde_json::Value;

use super::address::{Address, ObjectKind};
use super::diagnostic::PlanDiagnostic;
use super::model::{Change, ChangeAction, FieldChange};
use crate::policy::model::AccountName;

/// Changes and findings collected for one account.
pub(crate) struct Draft<'a> {
    /// The account.
    pub account: &'a AccountName,
    /// The changes so far.
    pub changes: Vec<Change>,
    /// The findings so far.
    pub diagnostics: Vec<PlanDiagnostic>,
}

impl<'a> Draft<'a> {
    pub fn new(account: &'a AccountName) -> Self {
        Self {
            account,
            changes: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// The address of an object in this account.
    pub fn address(&self, kind: ObjectKind, name: &str) -> Address {
        Address::new(self.account, kind, name)
    }

    /// Records an error.
    pub fn error(&mut self, diagnostic: PlanDiagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// An update of a single-valued setting, or a no-op when the values agree.
pub(crate) fn scalar_change(address: Address, before: Value, after: Value) -> Change {
    if before == after {
        return Change::no_op(address);
    }
    let mut change = Change::new(
        address,
        ChangeAction::Update,
        Some(before.clone()),
        Some(after.clone()),
    );
    change.fields.push(FieldChange {
        field: "value".to_owned(),
        before,
        after,
    });
    change
}
