//! What a plan records of each reference it resolved (the policy's name and the account's
//! id), and how apply's stale check reads that object's name again in a fresh directory.

use serde::{Deserialize, Serialize};

use crate::directory::{Directory, ListKind};
use crate::policy::model::RefKind;

/// A reference as the plan resolved it: the policy's name and the account's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedReference {
    /// Where in the trigger, e.g. `conditions.all[0].field`, `actions[1].value`,
    /// `actions[2].value[0]`.
    pub at: String,
    /// What it names (`group`, `ticket_field`, `option`, …).
    pub kind: RefKind,
    /// The name, as written in the policy.
    pub name: String,
    /// What it resolved to, as text: the object's id (a ticket field's id is sent as
    /// `custom_fields_<id>`), or for an option its value, the tag triggers hold for it.
    pub id: String,
    /// For an option: the id of its custom field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_id: Option<String>,
}

impl ResolvedReference {
    /// The list the object is in.
    pub fn list(&self) -> ListKind {
        ListKind::of(self.kind)
    }

    /// The object's name in `directory` now: `Some(None)` when it is gone or inactive, `None`
    /// when the list was not read.
    pub fn now_in<'a>(&self, directory: &'a Directory) -> Option<Option<&'a str>> {
        match self.kind {
            RefKind::Option => {
                let field_id = self.field_id.as_deref()?;
                directory.list(ListKind::TicketFields)?;
                let field = directory.by_id(ListKind::TicketFields, field_id);
                Some(field.and_then(|f| {
                    f.options
                        .iter()
                        .find(|o| o.value == self.id)
                        .map(|o| o.name.as_str())
                }))
            }
            _ => {
                directory.list(self.list())?;
                Some(
                    directory
                        .by_id(self.list(), &self.id)
                        .filter(|e| e.active)
                        .map(|e| e.name.as_str()),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::references::tests::directory;

    #[test]
    fn a_renamed_or_deleted_object_is_seen_as_such() {
        let directory = directory();
        let reference = |id: &str| ResolvedReference {
            at: "actions[0].value".into(),
            kind: RefKind::Group,
            name: "Tier 2".into(),
            id: id.into(),
            field_id: None,
        };
        assert_eq!(reference("360001").now_in(&directory), Some(Some("Tier 2")));
        assert_eq!(reference("360009").now_in(&directory), Some(None));
        assert_eq!(
            reference("360004").now_in(&directory),
            Some(None),
            "inactive"
        );
        assert_eq!(reference("1").now_in(&Directory::default()), None);
    }
}
