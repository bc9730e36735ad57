//! Addresses of planned objects: `ACCOUNT.KIND.NAME`, e.g. `acme-prod.trigger.vip-messaging`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::policy::model::AccountName;

/// The kinds of object a plan manages. Declared in alphabetical order so that sorting
/// addresses sorts by kind name too (and categories come before the triggers that use them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// A trigger category (`ACCOUNT.category.NAME`): created when a managed trigger names it.
    Category,
    /// The order of the trigger categories (`ACCOUNT.category_order.trigger_categories`),
    /// with `order: manage`.
    CategoryOrder,
    /// The messaging CSAT trigger's session-end conditions (`ACCOUNT.csat.survey_on_session_end`).
    Csat,
    /// The order of the triggers in one category (`ACCOUNT.order.CATEGORY`, or
    /// `ACCOUNT.order.triggers` for triggers in no category), with `order: manage`.
    Order,
    /// A messaging setting (`ACCOUNT.setting.NAME`).
    Setting,
    /// A managed trigger (`ACCOUNT.trigger.KEY`).
    Trigger,
}

impl ObjectKind {
    /// The kind as it appears in addresses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Category => "category",
            Self::CategoryOrder => "category_order",
            Self::Csat => "csat",
            Self::Order => "order",
            Self::Setting => "setting",
            Self::Trigger => "trigger",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [
            Self::Category,
            Self::CategoryOrder,
            Self::Csat,
            Self::Order,
            Self::Setting,
            Self::Trigger,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Where a change applies: an account, a kind of object and the object's name there.
///
/// Written `ACCOUNT.KIND.NAME`. Account names and kinds contain no dots; the name is everything
/// after the second dot (a category name may contain dots and spaces).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address {
    /// The account, as named in the policy.
    pub account: AccountName,
    /// The kind of object.
    pub kind: ObjectKind,
    /// The object's name: a setting name, a trigger key or a category name.
    pub name: String,
}

impl Address {
    /// An address in `account`.
    pub fn new(account: &AccountName, kind: ObjectKind, name: impl Into<String>) -> Self {
        Self {
            account: account.clone(),
            kind,
            name: name.into(),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.account, self.kind.as_str(), self.name)
    }
}

/// Why a string is not an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a plan address (expected ACCOUNT.KIND.NAME with KIND one of category, category_order, csat, order, setting, trigger)"
)]
pub struct AddressError(String);

impl FromStr for Address {
    type Err = AddressError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || AddressError(s.to_owned());
        let (account, rest) = s.split_once('.').ok_or_else(invalid)?;
        let (kind, name) = rest.split_once('.').ok_or_else(invalid)?;
        let account = AccountName::parse(account).map_err(|_| invalid())?;
        let kind = ObjectKind::parse(kind).ok_or_else(invalid)?;
        if name.is_empty() {
            return Err(invalid());
        }
        Ok(Self {
            account,
            kind,
            name: name.to_owned(),
        })
    }
}

impl Serialize for Address {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip_even_with_dots_in_the_name() {
        let text = "acme-prod.category.Tier 1. Escalations";
        let address: Address = text.parse().expect("parses");
        assert_eq!(address.kind, ObjectKind::Category);
        assert_eq!(address.name, "Tier 1. Escalations");
        assert_eq!(address.to_string(), text);
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for text in [
            "acme",
            "acme.trigger",
            "acme.trigger.",
            "acme.widget.x",
            "ac.me.trigger.x",
        ] {
            assert!(text.parse::<Address>().is_err(), "{text}");
        }
    }

    #[test]
    fn kinds_sort_alphabetically() {
        let mut kinds = [
            ObjectKind::Trigger,
            ObjectKind::Setting,
            ObjectKind::Order,
            ObjectKind::Csat,
            ObjectKind::CategoryOrder,
            ObjectKind::Category,
        ];
        kinds.sort();
        let names: Vec<_> = kinds.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "category",
                "category_order",
                "csat",
                "order",
                "setting",
                "trigger"
            ]
        );
    }
}
