//! Apply's error: a reviewed plan that the policy and live state no longer give.

use thiserror::Error;

use super::verify::Difference;

/// Why apply wrote nothing at all.
#[derive(Debug, Error)]
pub enum ApplyError {
    /// The reviewed plan is not what the policy and a fresh read of Zendesk give now. (The
    /// difference is part of the message, not a cause of its own.)
    #[error(
        "the plan does not match what the policy and Zendesk give now, so nothing was applied: {0}"
    )]
    PlanDiffers(Difference),
}
