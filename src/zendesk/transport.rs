//! A network error in words, for the client's requests and sign-in's token exchanges alike
//! (so it belongs to neither): what kind of failure it was and its deepest cause, without the
//! URL, which the caller's context names already.

/// `err` as "kind: deepest cause", e.g. `could not connect: Connection refused (os error 111)`.
pub fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else if err.is_body() || err.is_decode() {
        "the answer broke off"
    } else {
        "the request failed"
    };
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(err);
    let mut deepest = None;
    while let Some(s) = source {
        deepest = Some(s.to_string());
        source = s.source();
    }
    match deepest {
        Some(cause) => format!("{kind}: {cause}"),
        None => kind.to_owned(),
    }
}
