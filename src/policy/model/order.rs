//! Trigger order as policy: whether an account's execution order is managed, the order of its
//! trigger categories, and where each managed trigger goes among the triggers of its category.

use schemars::JsonSchema;
use serde::Serialize;

use super::located::Located;
use crate::policy::decode::{Decode, Decoder, MapReader, decode_choice};
use crate::policy::diagnostic::{Code, Diagnostic};
use crate::policy::yaml::{Node, Value};

/// Whether zdpolicy manages the order in which Zendesk runs an account's triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderMode {
    /// Leave positions as they are (the default): plans never move a trigger or category.
    #[default]
    Ignore,
    /// Plan the order of `trigger_categories` and of managed triggers (by `placement`) as
    /// moves, applied in one request per account.
    Manage,
}

impl Decode for OrderMode {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        decode_choice(
            node,
            decoder,
            "order mode",
            &[("ignore", Self::Ignore), ("manage", Self::Manage)],
        )
    }
}

/// Where a managed trigger runs in its category, relative to the triggers zdpolicy does not
/// manage there. Managed triggers with the same placement keep their order in the policy
/// (after layering: `defaults`' triggers, then each group's new ones, then the account's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// Before every unmanaged trigger of the category.
    First,
    /// After every unmanaged trigger of the category (the default).
    Last,
    /// Right after a trigger of the same category: the title of one zdpolicy does not
    /// manage, or the key of a managed one.
    After(#[schemars(length(min = 1))] Located<String>),
    /// Right before a trigger of the same category: an unmanaged one's title or a managed
    /// one's key.
    Before(#[schemars(length(min = 1))] Located<String>),
}

impl Placement {
    /// The anchor of `after`/`before`, if any.
    pub fn anchor(&self) -> Option<&Located<String>> {
        match self {
            Self::First | Self::Last => None,
            Self::After(anchor) | Self::Before(anchor) => Some(anchor),
        }
    }
}

const PLACEMENT_SHAPES: &str =
    "write `first`, `last`, `{ after: TITLE-OR-KEY }` or `{ before: TITLE-OR-KEY }`";

impl Decode for Placement {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        if let Value::String(_) = &node.value {
            let first = decode_choice(
                node,
                decoder,
                "placement",
                &[("first", true), ("last", false)],
            );
            return first.map(|first| if first { Self::First } else { Self::Last });
        }
        let mut reader = MapReader::new(node, "placement", decoder)?;
        let after: Option<Located<String>> = reader.optional("after", decoder);
        let before: Option<Located<String>> = reader.optional("before", decoder);
        let span = reader.span();
        let unknown = reader.has_unknown_keys();
        reader.finish(decoder);
        let placement = match (after, before) {
            (Some(anchor), None) => Self::After(anchor),
            (None, Some(anchor)) => Self::Before(anchor),
            _ if unknown => return None,
            (Some(_), Some(_)) => {
                decoder.report(
                    Diagnostic::error(
                        Code::InvalidValue,
                        span,
                        "a placement takes `after` or `before`, not both",
                    )
                    .with_help(PLACEMENT_SHAPES),
                );
                return None;
            }
            (None, None) => {
                decoder.report(
                    Diagnostic::error(Code::InvalidValue, span, "a placement names no anchor")
                        .with_help(PLACEMENT_SHAPES),
                );
                return None;
            }
        };
        if let Some(anchor) = placement.anchor()
            && anchor.value.is_empty()
        {
            decoder.report(Diagnostic::error(
                Code::InvalidValue,
                anchor.span,
                "a placement's anchor must not be empty",
            ));
            return None;
        }
        Some(placement)
    }
}

/// Reports category names listed twice or empty in `trigger_categories`.
pub(crate) fn check_category_list(names: &[Located<String>], decoder: &mut Decoder) {
    for (i, name) in names.iter().enumerate() {
        if name.value.trim().is_empty() {
            decoder.report(Diagnostic::error(
                Code::InvalidValue,
                name.span,
                "empty category name in trigger_categories",
            ));
            continue;
        }
        if let Some(first) = names[..i].iter().find(|n| n.value == name.value) {
            decoder.report(
                Diagnostic::error(
                    Code::InvalidValue,
                    name.span,
                    format!(
                        "category \"{}\" is listed twice in trigger_categories",
                        name.value
                    ),
                )
                .with_label("listed again here")
                .with_secondary(first.span, "first listed here")
                .with_help("each category has one place in the order; remove one of them"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::load::load_texts;
    use crate::policy::model::{OrderMode, Placement};

    fn load(account: &str) -> crate::policy::load::Policy {
        let text = format!("version: 1\naccounts:\n  acme:\n    subdomain: acme\n{account}");
        load_texts(&[("p.yaml", &text)])
    }

    const ACTIONS: &str = "actions: [ { field: status, value: open } ]";

    #[test]
    fn order_categories_and_placements_are_read() {
        let policy = load(&format!(
            "    order: manage\n    trigger_categories: [Routing, Notifications]\n    triggers:\n      \
             - {{ key: a, title: A, placement: first, {ACTIONS} }}\n      \
             - {{ key: b, title: B, placement: {{ after: Notify assignee }}, {ACTIONS} }}\n      \
             - {{ key: c, title: C, {ACTIONS} }}\n"
        ));
        assert!(policy.diagnostics.is_empty(), "{:?}", policy.diagnostics);
        let acme = &policy.accounts[0];
        assert_eq!(acme.order_mode(), OrderMode::Manage);
        let names: Vec<&str> = acme
            .trigger_categories()
            .iter()
            .map(|n| n.value.as_str())
            .collect();
        assert_eq!(names, ["Routing", "Notifications"]);
        let placements: Vec<Option<Placement>> = acme
            .triggers()
            .iter()
            .map(|t| t.placement.as_ref().map(|p| p.value.clone()))
            .collect();
        assert_eq!(placements[0], Some(Placement::First));
        assert!(
            matches!(&placements[1], Some(Placement::After(a)) if a.value == "Notify assignee")
        );
        assert_eq!(placements[2], None);
    }

    #[test]
    fn order_is_ignored_by_default() {
        let policy = load("");
        assert_eq!(policy.accounts[0].order_mode(), OrderMode::Ignore);
    }

    fn messages(account: &str) -> Vec<String> {
        load(account)
            .diagnostics
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn bad_placements_and_category_lists_are_located_errors() {
        let both = messages(&format!(
            "    triggers:\n      - {{ key: a, title: A, placement: {{ after: X, before: Y }}, {ACTIONS} }}\n"
        ));
        assert_eq!(both, ["a placement takes `after` or `before`, not both"]);
        let word = messages(&format!(
            "    triggers:\n      - {{ key: a, title: A, placement: top, {ACTIONS} }}\n"
        ));
        assert_eq!(word, ["`top` is not a valid placement"]);
        let twice = messages("    order: manage\n    trigger_categories: [Routing, Routing]\n");
        assert_eq!(
            twice,
            ["category \"Routing\" is listed twice in trigger_categories"]
        );
        let ineffective = messages("    trigger_categories: [Routing]\n");
        assert_eq!(
            ineffective,
            ["trigger_categories has no effect unless order is `manage` (account acme)"]
        );
        let itself = messages(&format!(
            "    order: manage\n    triggers:\n      - {{ key: a, title: A, placement: {{ after: a }}, {ACTIONS} }}\n"
        ));
        assert_eq!(
            itself,
            ["trigger `a` is placed next to itself (account acme)"]
        );
        let mode = messages("    order: always\n");
        assert_eq!(mode, ["`always` is not a valid order mode"]);
    }
}
