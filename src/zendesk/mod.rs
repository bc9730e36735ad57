//! Zendesk's API as Zendesk defines it: the JSON shapes on the wire and the rules they follow
//! ([`model`], pure data shared with the planner and the simulator), the HTTP client (auth,
//! pagination, retries, rate limits), secret resolution, people's sign-in ([`signin`], which
//! the client authenticates with), and the read trait planning uses. Writing is a separate
//! trait that only apply constructs.

pub mod api_warn;
pub mod body;
pub mod client;
pub mod model;
pub mod pages;
pub mod read;
pub mod secrets;
pub mod signin;
pub mod transport;
pub mod write;
