//! How much YAML one policy file may hold, and a breach of those limits said as a limit (with
//! the number and what to do) rather than as a syntax error.
//!
//! serde-saphyr's defaults (250,000 nodes) are sized for configuration files; a policy file can
//! be far larger: Zendesk allows 7,000 active triggers per account, a trigger is 30 to 60 YAML
//! nodes, and one file may hold several accounts. The node budget here admits about 33,000
//! triggers of 60 nodes per file (ten thousand with room to spare, or five accounts at Zendesk's
//! maximum), and bounds the loader's memory at about 1 GB (it holds some 500 bytes per node).
//! A repository with more splits it into files, each with its own budget. The protections
//! that do not grow with honest files keep serde-saphyr's values (nesting depth, the number of
//! anchors and aliases); what aliases may expand to is cut from a million events to
//! [`MAX_ALIAS_EVENTS`], which stops an alias bomb with a quarter of the time and memory it
//! took before.

use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::options::AliasLimits;
use serde_saphyr::{Budget, Error};

/// The default most YAML nodes (scalars, sequences and mappings) in one policy file.
pub const DEFAULT_MAX_YAML_NODES: usize = 2_000_000;

/// The most YAML events aliases may replay, and anchors may retain for replaying, in one file.
/// Honest reuse is far below it: an anchored action list used by 10,000 triggers is 70,000.
pub const MAX_ALIAS_EVENTS: usize = 250_000;

/// The environment variable that raises (or lowers) [`DEFAULT_MAX_YAML_NODES`].
pub const MAX_YAML_NODES_ENV: &str = "ZDPOLICY_MAX_YAML_NODES";

/// Limits on the YAML of one policy file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YamlLimits {
    /// Most nodes (scalars, sequences and mappings) in one file.
    pub max_nodes: usize,
}

impl Default for YamlLimits {
    fn default() -> Self {
        Self {
            max_nodes: DEFAULT_MAX_YAML_NODES,
        }
    }
}

impl YamlLimits {
    /// The serde-saphyr budget for one file.
    pub(crate) fn budget(&self) -> Budget {
        let mut budget = Budget::default();
        budget.max_nodes = self.max_nodes;
        // Every node is one event, every sequence and mapping one more for its end, plus a
        // handful for the stream and document: twice the nodes always suffices.
        budget.max_events = self.max_nodes.saturating_mul(2).saturating_add(16);
        // The alias-to-anchor ratio refuses honest files (one `&common` anchor reused by 200
        // triggers); an alias bomb is stopped by the absolute limits on replayed and retained
        // events instead.
        budget.enforce_alias_anchor_ratio = false;
        budget.max_recorded_anchor_events = MAX_ALIAS_EVENTS;
        budget
    }

    /// The alias replay limits.
    pub(crate) fn alias_limits(&self) -> AliasLimits {
        let mut limits = AliasLimits::default();
        limits.max_total_replayed_events = MAX_ALIAS_EVENTS;
        limits
    }
}

/// A YAML limit a file went over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitBreach {
    /// What went over, as a sentence: "the file holds more than 4000000 YAML nodes".
    pub message: String,
    /// What to do about it.
    pub help: String,
}

/// Says which limit the parser stopped at, if the error is a limit rather than bad syntax.
pub(crate) fn breach(error: &Error, limits: &YamlLimits) -> Option<LimitBreach> {
    let split_help = format!(
        "split the file (all files of a policy directory merge into one policy), or raise the \
         limit with the environment variable {MAX_YAML_NODES_ENV}=N"
    );
    let budget = limits.budget();
    let alias = limits.alias_limits();
    let (message, help) = match innermost(error) {
        Error::Budget { breach, .. } => match breach {
            BudgetBreach::Nodes { .. } | BudgetBreach::Events { .. } => (
                format!(
                    "the file holds more than {} YAML nodes (scalars, lists and mappings), the \
                     most zdpolicy reads from one file",
                    limits.max_nodes
                ),
                split_help,
            ),
            BudgetBreach::Depth { .. } => (
                format!(
                    "the YAML is nested more than {} levels deep",
                    budget.max_depth
                ),
                "no policy needs this much nesting; flatten the structure".to_owned(),
            ),
            BudgetBreach::Aliases { .. } => (
                format!(
                    "the file uses more than {} aliases (`*name`)",
                    budget.max_aliases
                ),
                "write the repeated parts out, or move them into `defaults` or a group".to_owned(),
            ),
            BudgetBreach::Anchors { .. } => (
                format!(
                    "the file defines more than {} anchors (`&name`)",
                    budget.max_anchors
                ),
                "write the repeated parts out, or move them into `defaults` or a group".to_owned(),
            ),
            BudgetBreach::ScalarBytes { .. } => (
                format!(
                    "the file's values add up to more than {} bytes",
                    budget.max_total_scalar_bytes
                ),
                "split the file (all files of a policy directory merge into one policy)".to_owned(),
            ),
            BudgetBreach::Documents { .. } => (
                format!(
                    "the file holds more than {} YAML documents",
                    budget.max_documents
                ),
                "a policy file is one YAML document".to_owned(),
            ),
            BudgetBreach::RecordedAnchorEvents { .. }
            | BudgetBreach::RecordedAnchorBytes { .. } => (
                format!(
                    "the file's anchors and aliases (`&name`, `*name`) expand to more than \
                     {MAX_ALIAS_EVENTS} YAML events"
                ),
                alias_bomb_help(),
            ),
            BudgetBreach::MergeKeys { .. } => (
                format!(
                    "the file uses more than {} merge keys (`<<`)",
                    budget.max_merge_keys
                ),
                "move the shared settings into `defaults` or a group".to_owned(),
            ),
            other => (
                format!("the file goes over a YAML parser limit ({other:?})"),
                "split or simplify the file".to_owned(),
            ),
        },
        Error::AliasReplayLimitExceeded { .. } | Error::AliasExpansionLimitExceeded { .. } => (
            format!(
                "the file's anchors and aliases (`&name`, `*name`) expand to more than \
                     {MAX_ALIAS_EVENTS} YAML events"
            ),
            alias_bomb_help(),
        ),
        Error::AliasReplayStackDepthExceeded { .. } => (
            format!(
                "the file's aliases (`*name`) nest more than {} deep",
                alias.max_replay_stack_depth
            ),
            "write the repeated parts out, or move them into `defaults` or a group".to_owned(),
        ),
        _ => return None,
    };
    Some(LimitBreach { message, help })
}

fn alias_bomb_help() -> String {
    "aliases that expand this far are an alias bomb, not a policy; write the repeated parts \
     out, or move them into `defaults` or a group"
        .to_owned()
}

/// The error under serde-saphyr's snippet and alias wrappers.
fn innermost(mut error: &Error) -> &Error {
    while let Error::WithSnippet { error: inner, .. } | Error::AliasError { error: inner, .. } =
        error
    {
        error = inner;
    }
    error
}
