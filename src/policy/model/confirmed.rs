//! `messaging.confirmed`: manual steps a person has done, recorded in the policy so plans stop
//! repeating them. A confirmation names the value it confirms, so a later change of the
//! policy's value brings the step back.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::located::Located;
use crate::policy::decode::{Decode, Decoder, MapReader};
use crate::policy::diagnostic::{Code, Diagnostic};
use crate::policy::yaml::Node;

/// The settings whose manual steps can be confirmed, by their names in plan addresses.
pub const CONFIRMABLE: &[&str] = &[
    "agent_ended_sessions_route_as",
    "agents_can_end_sessions",
    "end_users_can_end_sessions",
    "end_users_can_reopen_conversations",
    "end_session_after_inactivity",
    "inactivity.enabled",
    "inactivity.timeout",
    "inactivity.ticket_status_id",
    "inactivity.reminders",
];

/// Confirmed manual steps, by setting (`agent_ended_sessions_route_as`,
/// `inactivity.timeout`, …). Merges key by key across layers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Confirmed(pub BTreeMap<String, Confirmation>);

/// One confirmed manual step.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    /// The value that was set by hand, as the policy writes it (`email`, `true`, …). While the
    /// policy wants another value, the step is planned again.
    pub value: Located<serde_json::Value>,
    /// When it was done: `YYYY-MM-DD`.
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub date: Located<String>,
}

impl Decode for Confirmed {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader =
            MapReader::new(node, "messaging.confirmed", decoder)?.keys_named("confirmable setting");
        let mut confirmed = BTreeMap::new();
        for name in CONFIRMABLE {
            if let Some(confirmation) = reader.optional::<Confirmation>(name, decoder) {
                confirmed.insert((*name).to_owned(), confirmation);
            }
        }
        reader.finish(decoder);
        Some(Self(confirmed))
    }
}

impl Decode for Confirmation {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, "a confirmation", decoder)?;
        let value = reader.required("value", decoder);
        let date: Option<Located<String>> = reader.required("date", decoder);
        reader.finish(decoder);
        if let Some(date) = &date
            && !is_date(&date.value)
        {
            decoder.report(
                Diagnostic::error(
                    Code::InvalidValue,
                    date.span,
                    format!("`{}` is not a date", date.value),
                )
                .with_help("write the day the step was done as YYYY-MM-DD, e.g. 2026-12-01"),
            );
            return None;
        }
        Some(Self {
            value: value?,
            date: date?,
        })
    }
}

/// Whether `text` is a real calendar day written `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
        return false;
    }
    let (Ok(year), Ok(month), Ok(day)) = (
        year.parse::<u32>(),
        month.parse::<u32>(),
        day.parse::<u32>(),
    ) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::load::load_texts;

    #[test]
    fn dates_are_real_days() {
        for good in ["2026-12-01", "2028-02-29", "2000-02-29"] {
            assert!(is_date(good), "{good}");
        }
        for bad in [
            "2026-13-01",
            "2027-02-29",
            "1900-02-29",
            "2026-1-01",
            "01-12-2026",
            "today",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn confirmations_load_and_unknown_settings_are_named() {
        let text = "version: 1\naccounts:\n  a:\n    subdomain: a\n    messaging:\n      confirmed:\n        agent_ended_sessions_route_as: { value: email, date: 2026-12-01 }\n        agent_ended_session_route_as: { value: email, date: 2026-12-01 }\n        inactivity.timeout: { value: 30, date: 2026-02-30 }\n";
        let messages: Vec<String> = load_texts(&[("a.yaml", text)])
            .diagnostics
            .into_iter()
            .map(|d| d.message)
            .collect();
        assert_eq!(
            messages,
            [
                "unknown confirmable setting `agent_ended_session_route_as`, did you mean `agent_ended_sessions_route_as`?",
                "`2026-02-30` is not a date"
            ]
        );
    }
}
