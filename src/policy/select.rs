//! Choosing which accounts a run covers: `--account GLOB`, `--exclude GLOB`, `--shard I/N`.
//!
//! Shards split accounts by a stable hash of the account name (FNV-1a, fixed forever), so N
//! parallel CI jobs cover every account exactly once, whatever order or machine they run on.
//!
//! Patterns that select no account are an error (a typo must not look like "no changes");
//! a shard that holds none of the selected accounts is not (a job matrix may have more shards
//! than accounts).
//!
//! It belongs to the policy: selection is a pure choice among the policy's resolved accounts,
//! made before anything is read, and the CLI only passes the flags in.

use std::fmt;
use std::str::FromStr;

use globset::{Glob, GlobSet, GlobSetBuilder};
use miette::Diagnostic;
use thiserror::Error;

use crate::policy::decode::did_you_mean;

/// A problem with the selectors.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
pub enum SelectError {
    /// A pattern is not a valid glob.
    #[error("`{pattern}` is not a valid account pattern: {reason}")]
    #[diagnostic(code("bad-account-pattern"))]
    BadPattern {
        /// The pattern.
        pattern: String,
        /// Why.
        reason: String,
    },
    /// A shard is not `I/N` with 1 ≤ I ≤ N.
    #[error("`{0}` is not a shard: write I/N with 1 <= I <= N, e.g. 2/4")]
    #[diagnostic(code("bad-shard"))]
    BadShard(String),
    /// `--account` and `--exclude` together leave no account.
    #[error("no account is selected by {selectors}")]
    #[diagnostic(code("no-account-selected"))]
    NoneSelected {
        /// The selectors as typed: `--account acme-prd`, `--exclude '*'`.
        selectors: String,
        /// The nearest account name to a plain `--account` name, and the policy's accounts.
        #[help]
        help: String,
    },
}

/// One shard of N: `I/N`, one-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 1..=count.
    pub index: u32,
    /// How many shards there are.
    pub count: u32,
}

impl FromStr for Shard {
    type Err = SelectError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || SelectError::BadShard(s.to_owned());
        let (index, count) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = index.trim().parse().map_err(|_| bad())?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether the account belongs to this shard.
    pub fn contains(&self, account: &str) -> bool {
        (fnv1a(account.as_bytes()) % u64::from(self.count)) as u32 == self.index - 1
    }
}

/// FNV-1a, 64 bits: tiny, and its values never change between releases or platforms.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Which accounts to cover.
#[derive(Debug, Clone)]
pub struct Selector {
    include: Option<GlobSet>,
    exclude: GlobSet,
    shard: Option<Shard>,
    include_patterns: Vec<String>,
    exclude_patterns: Vec<String>,
}

impl Selector {
    /// A selector from the command-line values (no `include` patterns means every account).
    ///
    /// # Errors
    /// When a pattern is not a valid glob.
    pub fn new(
        include: &[String],
        exclude: &[String],
        shard: Option<Shard>,
    ) -> Result<Self, SelectError> {
        let include_set = if include.is_empty() {
            None
        } else {
            Some(globs(include)?)
        };
        Ok(Self {
            include: include_set,
            exclude: globs(exclude)?,
            shard,
            include_patterns: include.to_vec(),
            exclude_patterns: exclude.to_vec(),
        })
    }

    /// The items this selector covers, in their order; `name` gives an item's account name.
    ///
    /// # Errors
    /// [`SelectError::NoneSelected`] when there are accounts but `--account`/`--exclude` match
    /// none of them (an empty shard is not an error).
    pub fn choose<T: Clone>(
        &self,
        items: &[T],
        name: impl Fn(&T) -> &str,
    ) -> Result<Vec<T>, SelectError> {
        let matching: Vec<&T> = items
            .iter()
            .filter(|item| self.matches_patterns(name(item)))
            .collect();
        if matching.is_empty() && !items.is_empty() {
            let names: Vec<&str> = items.iter().map(&name).collect();
            return Err(self.none_selected(&names));
        }
        Ok(matching
            .into_iter()
            .filter(|item| self.shard.is_none_or(|shard| shard.contains(name(item))))
            .cloned()
            .collect())
    }

    fn matches_patterns(&self, account: &str) -> bool {
        self.include
            .as_ref()
            .is_none_or(|set| set.is_match(account))
            && !self.exclude.is_match(account)
    }

    fn none_selected(&self, names: &[&str]) -> SelectError {
        let quoted = |flag: &str, p: &String| {
            if p.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            {
                format!("{flag} {p}")
            } else {
                format!("{flag} '{p}'")
            }
        };
        let selectors: Vec<String> = self
            .include_patterns
            .iter()
            .map(|p| quoted("--account", p))
            .chain(self.exclude_patterns.iter().map(|p| quoted("--exclude", p)))
            .collect();
        // A name without wildcards that matches nothing is most likely a typo of a real one.
        let suggestion = self
            .include_patterns
            .iter()
            .filter(|p| !p.contains(['*', '?', '[', '{']) && !names.contains(&p.as_str()))
            .find_map(|p| did_you_mean(p, names.iter().copied()));
        let accounts = format!("the policy's accounts: {}", names.join(", "));
        SelectError::NoneSelected {
            selectors: selectors.join(" "),
            help: match suggestion {
                Some(best) => format!("did you mean `{best}`? {accounts}"),
                None => accounts,
            },
        }
    }

    /// Whether a run covers this account.
    pub fn selects(&self, account: &str) -> bool {
        self.matches_patterns(account) && self.shard.is_none_or(|shard| shard.contains(account))
    }
}

fn globs(patterns: &[String]) -> Result<GlobSet, SelectError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|err| SelectError::BadPattern {
            pattern: pattern.clone(),
            reason: err.kind().to_string(),
        })?;
        builder.add(glob);
    }
    builder.build().map_err(|err| SelectError::BadPattern {
        pattern: patterns.join(", "),
        reason: err.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_and_exclude_globs() {
        let s = Selector::new(&["acme-*".into()], &["*-staging".into()], None).unwrap();
        assert!(s.selects("acme-prod"));
        assert!(!s.selects("acme-staging"));
        assert!(!s.selects("globex"));
        assert!(Selector::new(&[], &[], None).unwrap().selects("anything"));
        assert!(Selector::new(&["[".into()], &[], None).is_err());
    }

    #[test]
    fn patterns_that_select_nothing_are_errors_that_list_the_accounts() {
        let names = ["acme-eu", "acme-prod", "globex"];
        let choose = |include: &[&str], exclude: &[&str], shard: Option<&str>| {
            let own = |v: &[&str]| {
                v.iter()
                    .map(std::string::ToString::to_string)
                    .collect::<Vec<_>>()
            };
            Selector::new(
                &own(include),
                &own(exclude),
                shard.map(|s| s.parse().unwrap()),
            )
            .unwrap()
            .choose(&names, |n| n)
        };
        assert_eq!(choose(&["acme-*"], &["*-eu"], None), Ok(vec!["acme-prod"]));
        assert_eq!(
            choose(&["acme-prd"], &[], None),
            Err(SelectError::NoneSelected {
                selectors: "--account acme-prd".into(),
                help: "did you mean `acme-prod`? the policy's accounts: acme-eu, acme-prod, globex"
                    .into(),
            })
        );
        assert_eq!(
            choose(&[], &["*"], None),
            Err(SelectError::NoneSelected {
                selectors: "--exclude '*'".into(),
                help: "the policy's accounts: acme-eu, acme-prod, globex".into(),
            })
        );
        // Excluded, not misspelt: no suggestion.
        assert!(matches!(
            choose(&["globex"], &["glob*"], None),
            Err(SelectError::NoneSelected { help, .. }) if !help.contains("did you mean")
        ));
        // Some shard of many holds none of three accounts: that is no error.
        let empty = (1..=8)
            .map(|i| choose(&[], &[], Some(&format!("{i}/8"))).unwrap())
            .find(Vec::is_empty);
        assert_eq!(empty, Some(vec![]));
        let none: [&str; 0] = [];
        assert_eq!(
            Selector::new(&[], &[], None).unwrap().choose(&none, |n| n),
            Ok(vec![])
        );
    }

    #[test]
    fn shards_cover_every_account_exactly_once() {
        let names: Vec<String> = (0..500).map(|i| format!("account-{i}")).collect();
        let shards: Vec<Shard> = (1..=4).map(|i| format!("{i}/4").parse().unwrap()).collect();
        for name in &names {
            assert_eq!(
                shards.iter().filter(|s| s.contains(name)).count(),
                1,
                "{name}"
            );
        }
        // Reasonably even.
        for shard in &shards {
            let n = names.iter().filter(|name| shard.contains(name)).count();
            assert!((90..=160).contains(&n), "{shard}: {n}");
        }
    }

    #[test]
    fn shard_values_are_stable() {
        // Pinned (checked against an independent FNV-1a): changing the hash would silently
        // move accounts between CI jobs.
        assert_eq!(fnv1a(b"acme-prod"), 0xc79f_d929_5f84_8bab);
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }
}
