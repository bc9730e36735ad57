//! Round trip of names: whatever groups and custom field options an account has (names that
//! differ only by case or spaces, duplicates, inactive ones), its triggers exported with names
//! and planned against the same account change nothing: every name written finds exactly the
//! id it was written for, and every id no name would find stays an id.

mod plan_support;

use plan_support::{account, live};
use proptest::prelude::*;
use serde_json::{Value, json};
use zdpolicy::directory::{Directory, Entry, ListKind, OptionEntry};
use zdpolicy::export::{ExportOptions, export_account, to_yaml};
use zdpolicy::plan::{self, ChangeAction};
use zdpolicy::policy::{load_sources, source::SourceMap};

const NAMES: &[&str] = &["Tier 2", "tier 2", "Tier 2 ", "Billing", "Sales"];

fn entries(prefix: u64, names: &[(usize, bool)]) -> Vec<Entry> {
    names
        .iter()
        .enumerate()
        .map(|(i, (name, active))| Entry {
            id: (prefix + i as u64).to_string(),
            name: NAMES[*name].to_owned(),
            active: *active,
            options: Vec::new(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn exported_names_plan_to_no_change(
        groups in prop::collection::vec((0..NAMES.len(), any::<bool>()), 1..6),
        options in prop::collection::vec(0..NAMES.len(), 1..5),
        picks in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 1..4),
    ) {
        let groups = entries(360_000, &groups);
        let mut field = entries(46, &[(3, true)]).remove(0);
        field.options = options
            .iter()
            .enumerate()
            .map(|(i, name)| OptionEntry {
                id: (4600 + i).to_string(),
                name: NAMES[*name].to_owned(),
                value: format!("tag_{i}"),
            })
            .collect();
        let triggers: Vec<Value> = picks
            .iter()
            .enumerate()
            .map(|(i, (group, option))| {
                let group = &groups[group.index(groups.len())].id;
                // Triggers hold an option's tag.
                let option = &field.options[option.index(field.options.len())].value;
                json!({
                    "id": 9000 + i, "title": format!("T{i}"), "active": true, "position": i,
                    "conditions": {"all": [{"field": "custom_fields_46", "operator": "is", "value": option}], "any": []},
                    "actions": [{"field": "group_id", "value": group}, {"field": "notification_group", "value": [group, "s", "b"]}]
                })
            })
            .collect();
        let mut live = live(triggers, true, false, false);
        live.directory = Directory {
            lists: [(ListKind::Groups, groups), (ListKind::TicketFields, vec![field])]
                .into_iter()
                .collect(),
        };
        let exported = export_account(
            &account("version: 1\naccounts:\n  acme-prod:\n    subdomain: acme\n"),
            &live,
            ExportOptions { triggers: true, names: true },
        );
        let text = to_yaml(&[exported], None);
        // The only field titled "Billing" is always named, so the names do take part.
        prop_assert!(text.contains("ticket_field: Billing"), "{}", text);
        let mut sources = SourceMap::new();
        sources.add("exported.yaml", text.clone());
        let policy = load_sources("exported".into(), sources);
        prop_assert!(!policy.has_errors(), "{:?}\n{}", policy.diagnostics, text);
        let plan = plan::plan_account(&policy.accounts[0], &live);
        prop_assert!(plan.diagnostics.is_empty(), "{:#?}\n{}", plan.diagnostics, text);
        for change in plan.changes.iter().filter(|c| c.address.to_string().contains(".trigger.")) {
            prop_assert_eq!(change.action, ChangeAction::NoOp, "{:#?}\n{}", change.fields, text);
        }
    }
}
