//! The plan module's errors: reading a saved plan, and simulating one.

use thiserror::Error;

use super::address::Address;

/// Why a saved plan cannot be used.
#[derive(Debug, Error)]
pub enum SavedPlanError {
    /// The file is not JSON.
    #[error("the saved plan is not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// The file has no `format_version`: not a zdpolicy plan.
    #[error("the file has no `format_version`; it is not a zdpolicy plan")]
    MissingFormatVersion,
    /// The plan was written in a format this zdpolicy cannot read.
    #[error(
        "the saved plan has format version {found}, which this zdpolicy (format {supported}) cannot \
         read; make the plan again with this version of zdpolicy"
    )]
    IncompatibleFormatVersion {
        /// The file's version.
        found: String,
        /// The version this zdpolicy writes.
        supported: &'static str,
    },
    /// The file is the JSON view (`plan --format json`, format 2.x), or a plan saved in that
    /// format by an older zdpolicy: it holds every trigger body in place, and is not applied.
    #[error(
        "the file has format version {found}, the format of `zdpolicy plan --format json` (and \
         of plans saved by zdpolicy before saved plans held each trigger body once), which \
         cannot be applied; save the plan with `zdpolicy plan --out FILE` and apply that file"
    )]
    JsonView {
        /// The file's version.
        found: String,
    },
    /// An entry of `trigger_bodies` that a change names does not hash to its name: its body
    /// was edited.
    #[error(
        "{address} writes trigger body {hash}, which does not match its hash: the saved plan \
         was edited after zdpolicy wrote it, so it is neither shown nor applied"
    )]
    BodyMismatch {
        /// The address of the (first) change that names it: its account, kind and name.
        address: String,
        /// The entry's name (the hash it should have).
        hash: String,
    },
    /// A change names a trigger body that `trigger_bodies` does not hold.
    #[error(
        "{address} names trigger body {hash}, which the saved plan's `trigger_bodies` does not \
         hold: the file was edited after zdpolicy wrote it, so it is neither shown nor applied"
    )]
    DanglingBody {
        /// The change's address (its account, kind and name).
        address: String,
        /// The name it gives.
        hash: String,
    },
    /// An entry of `trigger_bodies` that no change names.
    #[error(
        "the saved plan's trigger body {hash} is named by no change: the file was edited after \
         zdpolicy wrote it, so it is neither shown nor applied"
    )]
    UnusedBody {
        /// The entry's name.
        hash: String,
    },
    /// The file has the right version but not the right shape.
    #[error("the saved plan is damaged: {0}")]
    Invalid(#[source] serde_json::Error),
    /// A change says one thing and would do another: the file was edited.
    #[error(
        "the saved plan contradicts itself at {address}: {what}; it was edited after zdpolicy \
         wrote it, so it is neither shown nor applied"
    )]
    Inconsistent {
        /// The change's address.
        address: String,
        /// What disagrees.
        what: String,
    },
}

/// Why a plan could not be simulated against a live state: what Zendesk would answer with
/// an error.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SimulateError {
    /// An update or delete names a trigger the live state does not have (Zendesk: 404).
    #[error("{address}: trigger {id} does not exist")]
    TriggerNotFound {
        /// The change.
        address: Address,
        /// The trigger's id.
        id: u64,
    },
    /// A trigger goes in a category the plan does not create (Zendesk: 422).
    #[error("{address}: category `{name}` neither exists nor is created by the plan")]
    CategoryNotFound {
        /// The change.
        address: Address,
        /// The category's name.
        name: String,
    },
    /// A Sunshine Conversations change for an app the live state does not have.
    #[error("{address}: Sunshine Conversations app `{app_id}` was not read")]
    SunshineAppNotFound {
        /// The change.
        address: Address,
        /// The app id.
        app_id: String,
    },
    /// The account settings could not be merged (a settings section of the wrong shape).
    #[error("{address}: the account settings could not be updated: {message}")]
    Settings {
        /// The change.
        address: Address,
        /// What went wrong.
        message: String,
    },
}
