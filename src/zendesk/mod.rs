//! Zendesk's API as Zendesk defines it: the JSON shapes on the wire (shared with the
//! simulator), the HTTP client (auth, pagination, retries, rate limits), secret resolution,
//! and the read trait planning uses. Writing is a separate trait that only apply constructs.

pub mod api_warn;
pub mod client;
pub mod merge;
pub mod pages;
pub mod read;
pub mod secrets;
pub mod semantics;
pub mod timestamp;
pub mod wire;
pub mod write;
