//! Per-object targeting (`plan --target ADDRESS`, `apply --target ADDRESS`), as Terraform's
//! `-target`: a plan narrowed to the changes whose address a target matches.
//!
//! A target is an address pattern, `ACCOUNT[.KIND[.NAME]]`, each part a glob of its own
//! (`acme-prod.trigger.vip-*`, `*.setting.*`, `acme-eu`): the account part chooses accounts,
//! a missing part matches everything below it. Globs are matched part by part rather than on
//! the whole address, so which accounts a target can touch is known before any is read.
//!
//! Narrowing keeps what a targeted change needs to be applied: the creation of a category a
//! kept trigger is put in, and both Sunshine Conversations settings when one is kept (Zendesk
//! lets end users end sessions only while reopening is off, so the two are ordered together).
//! Pure: the same function narrows the reviewed plan and the plan apply makes again, so the
//! two can be compared change by change.

use std::collections::BTreeSet;

use globset::{Glob, GlobMatcher};
use thiserror::Error;

use super::address::{Address, ObjectKind};
use super::model::{AccountPlan, Change, Plan};
use super::operation::{CategoryRef, Operation, TriggerRef};

/// A target that cannot be a pattern of plan addresses.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TargetError {
    /// A part is not a valid glob.
    #[error("`{target}` is not a valid target: {reason}")]
    BadGlob {
        /// The target as given.
        target: String,
        /// Why.
        reason: String,
    },
    /// The kind part names no kind of object and is no glob.
    #[error(
        "`{target}` is not a valid target: `{kind}` is not a kind of object (category, category_order, csat, order, setting, trigger)"
    )]
    UnknownKind {
        /// The target as given.
        target: String,
        /// The kind part.
        kind: String,
    },
    /// An empty target, or one with an empty part.
    #[error(
        "`{0}` is not a valid target: write ACCOUNT[.KIND[.NAME]], e.g. acme-prod.trigger.vip-*"
    )]
    Empty(String),
}

/// One address pattern.
#[derive(Debug, Clone)]
struct Target {
    text: String,
    account: GlobMatcher,
    kind: Option<GlobMatcher>,
    name: Option<GlobMatcher>,
}

impl Target {
    fn parse(text: &str) -> Result<Self, TargetError> {
        let mut parts = text.splitn(3, '.');
        let account = parts.next().unwrap_or_default();
        let kind = parts.next();
        let name = parts.next();
        if [Some(account), kind, name]
            .iter()
            .flatten()
            .any(|p| p.is_empty())
        {
            return Err(TargetError::Empty(text.to_owned()));
        }
        if let Some(kind) = kind
            && !has_glob(kind)
            && ![
                "category",
                "category_order",
                "csat",
                "order",
                "setting",
                "trigger",
            ]
            .contains(&kind)
        {
            return Err(TargetError::UnknownKind {
                target: text.to_owned(),
                kind: kind.to_owned(),
            });
        }
        let glob = |part: &str| {
            Glob::new(part)
                .map(|g| g.compile_matcher())
                .map_err(|e| TargetError::BadGlob {
                    target: text.to_owned(),
                    reason: e.kind().to_string(),
                })
        };
        Ok(Self {
            text: text.to_owned(),
            account: glob(account)?,
            kind: kind.map(glob).transpose()?,
            name: name.map(glob).transpose()?,
        })
    }

    fn matches(&self, address: &Address) -> bool {
        self.account.is_match(address.account.as_str())
            && self
                .kind
                .as_ref()
                .is_none_or(|k| k.is_match(address.kind.as_str()))
            && self.name.as_ref().is_none_or(|n| n.is_match(&address.name))
    }
}

fn has_glob(part: &str) -> bool {
    part.contains(['*', '?', '[', '{'])
}

/// The targets of a run; none means every change.
#[derive(Debug, Clone, Default)]
pub struct Targets(Vec<Target>);

impl Targets {
    /// Parses targets as given (`--target`, or a saved plan's `targets`).
    ///
    /// # Errors
    /// The first target that is empty, has an empty part, an invalid glob, or a kind that is
    /// neither a kind of object nor a glob.
    pub fn parse<S: AsRef<str>>(texts: &[S]) -> Result<Self, TargetError> {
        texts
            .iter()
            .map(|t| Target::parse(t.as_ref()))
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// Whether there are no targets (everything is targeted).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The targets as given, sorted and without repeats: what a saved plan records.
    pub fn texts(&self) -> Vec<String> {
        let set: BTreeSet<&str> = self.0.iter().map(|t| t.text.as_str()).collect();
        set.into_iter().map(str::to_owned).collect()
    }

    /// Whether any target can match an address of this account.
    pub fn selects_account(&self, account: &str) -> bool {
        self.is_empty() || self.0.iter().any(|t| t.account.is_match(account))
    }

    /// Whether a target matches this address (always, without targets).
    pub fn matches(&self, address: &Address) -> bool {
        self.is_empty() || self.0.iter().any(|t| t.matches(address))
    }

    /// The targets that match no change of `plan`, as given.
    pub fn unmatched(&self, plan: &Plan) -> Vec<String> {
        let addresses: Vec<&Address> = plan
            .accounts
            .iter()
            .flat_map(|a| &a.changes)
            .map(|c| &c.address)
            .collect();
        self.0
            .iter()
            .filter(|t| !addresses.iter().any(|a| t.matches(a)))
            .map(|t| t.text.clone())
            .collect()
    }

    /// The plan narrowed to the targeted changes and what they need (see the module docs):
    /// accounts no target matches are left out, and so are the other accounts' untargeted
    /// changes and the diagnostics about them. `plan.targets` is left as it was.
    pub fn narrow(&self, mut plan: Plan) -> Plan {
        if self.is_empty() {
            return plan;
        }
        plan.accounts
            .retain(|a| self.selects_account(a.account.as_str()));
        for account in &mut plan.accounts {
            self.narrow_account(account);
        }
        plan
    }

    fn narrow_account(&self, account: &mut AccountPlan) {
        let mut kept: BTreeSet<Address> = account
            .changes
            .iter()
            .filter(|c| self.matches(&c.address))
            .map(|c| c.address.clone())
            .collect();
        let needed: Vec<Address> = account
            .changes
            .iter()
            .filter(|c| kept.contains(&c.address))
            .flat_map(needs)
            .collect();
        kept.extend(needed);
        account.changes.retain(|c| kept.contains(&c.address));
        account.diagnostics.retain(|d| {
            d.address
                .as_ref()
                .is_none_or(|a| kept.contains(a) || self.matches(a))
        });
    }
}

/// The other changes a change cannot be applied without.
fn needs(change: &Change) -> Vec<Address> {
    let address = &change.address;
    let mut needed = Vec::new();
    if let Some(Operation::CreateTrigger { trigger } | Operation::UpdateTrigger { trigger, .. }) =
        change.operation.as_deref()
        && let Some(CategoryRef::Planned { name }) = &trigger.category
    {
        needed.push(Address::new(&address.account, ObjectKind::Category, name));
    }
    // An order change sets the positions of triggers and categories this plan creates.
    if let Some(Operation::SetPositions {
        trigger_categories,
        triggers,
    }) = change.operation.as_deref()
    {
        for item in trigger_categories {
            if let CategoryRef::Planned { name } = &item.category {
                needed.push(Address::new(&address.account, ObjectKind::Category, name));
            }
        }
        for item in triggers {
            if let TriggerRef::Planned { key } = &item.trigger {
                needed.push(Address::new(&address.account, ObjectKind::Trigger, key));
            }
            if let Some(CategoryRef::Planned { name }) = &item.category {
                needed.push(Address::new(&address.account, ObjectKind::Category, name));
            }
        }
    }
    const SUNSHINE: [&str; 2] = [
        "end_users_can_end_sessions",
        "end_users_can_reopen_conversations",
    ];
    if address.kind == ObjectKind::Setting && SUNSHINE.contains(&address.name.as_str()) {
        needed.extend(
            SUNSHINE
                .iter()
                .map(|name| Address::new(&address.account, ObjectKind::Setting, *name)),
        );
    }
    needed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::model::AccountName;

    fn address(text: &str) -> Address {
        text.parse().expect("an address")
    }

    fn targets(texts: &[&str]) -> Targets {
        Targets::parse(texts).expect("valid targets")
    }

    #[test]
    fn parts_are_globbed_one_by_one() {
        let t = targets(&["acme-prod.trigger.vip-*"]);
        assert!(t.matches(&address("acme-prod.trigger.vip-messaging")));
        assert!(!t.matches(&address("acme-prod.trigger.other")));
        assert!(!t.matches(&address("acme-eu.trigger.vip-messaging")));
        assert!(!t.matches(&address("acme-prod.category.vip-x")));
        let account = targets(&["acme-*"]);
        assert!(account.matches(&address("acme-eu.setting.agents_can_end_sessions")));
        assert!(account.selects_account("acme-eu"));
        assert!(!account.selects_account("globex"));
        let kind = targets(&["*.csat"]);
        assert!(kind.matches(&address("globex.csat.survey_on_session_end")));
        // A category name may hold dots: the name part is the rest of the address.
        let dotted = targets(&["acme.category.v1.2*"]);
        assert!(dotted.matches(&address("acme.category.v1.2 escalations")));
    }

    #[test]
    fn no_targets_match_everything() {
        let none = Targets::default();
        assert!(none.is_empty());
        assert!(none.matches(&address("acme.trigger.x")));
        assert!(none.selects_account("anything"));
    }

    #[test]
    fn bad_targets_say_why() {
        for (text, message) in [
            (
                "",
                "`` is not a valid target: write ACCOUNT[.KIND[.NAME]], e.g. acme-prod.trigger.vip-*",
            ),
            (
                "acme..x",
                "`acme..x` is not a valid target: write ACCOUNT[.KIND[.NAME]], e.g. acme-prod.trigger.vip-*",
            ),
            (
                "acme.triggers.x",
                "`acme.triggers.x` is not a valid target: `triggers` is not a kind of object (category, category_order, csat, order, setting, trigger)",
            ),
        ] {
            let err = Targets::parse(&[text]).expect_err(text);
            assert_eq!(err.to_string(), message);
        }
        assert!(matches!(
            Targets::parse(&["acme.trigger.[x"]),
            Err(TargetError::BadGlob { .. })
        ));
    }

    #[test]
    fn texts_are_sorted_without_repeats() {
        let t = targets(&["b.trigger.x", "a", "b.trigger.x"]);
        assert_eq!(t.texts(), ["a", "b.trigger.x"]);
    }

    #[test]
    fn sunshine_settings_come_as_a_pair() {
        let account = AccountName::parse("acme").expect("a name");
        let change = Change::new(
            Address::new(&account, ObjectKind::Setting, "end_users_can_end_sessions"),
            super::super::model::ChangeAction::Update,
            None,
            None,
        );
        let needed = needs(&change);
        assert!(needed.contains(&address("acme.setting.end_users_can_reopen_conversations")));
    }
}
