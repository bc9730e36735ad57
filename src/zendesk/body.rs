//! Reading an answer's body with a size cap, as a stream: a broken or hostile server can make
//! zdpolicy read at most [`MAX_BODY_BYTES`] of one answer, never buffer without end. The
//! client's answers and sign-in's token exchanges alike, so it belongs to neither.

use bytes::{Bytes, BytesMut};

/// The most zdpolicy reads of one answer: 32 MiB. Zendesk's largest answers are pages of 100
/// triggers, a few KB each even with long Liquid notification texts (well under 1 MiB a page
/// in real recorded walks), so the cap leaves room for over 300 KB a trigger.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Why a body could not be read.
#[derive(Debug)]
pub enum BodyError {
    /// Larger than the cap: announced so by `Content-Length` (`Some`), or found so while reading.
    TooLarge(Option<u64>),
    /// The connection broke off.
    Broken(reqwest::Error),
}

/// Reads the whole body of `response`, up to `limit` bytes. A `Content-Length` above the
/// limit fails before anything is read; otherwise reading stops as soon as the limit is passed.
///
/// # Errors
/// [`BodyError::TooLarge`] past the limit, [`BodyError::Broken`] when the answer broke off.
pub async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let announced = response.content_length();
    if let Some(length) = announced
        && length > limit as u64
    {
        return Err(BodyError::TooLarge(Some(length)));
    }
    let mut first: Option<Bytes> = None;
    let mut more = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Broken)? {
        let read = first.as_ref().map_or(0, Bytes::len) + more.len();
        if chunk.len() > limit - read {
            return Err(BodyError::TooLarge(None));
        }
        // Most answers arrive as one chunk: keep it as it is, copying only when a second comes.
        match first.take() {
            None if more.is_empty() => first = Some(chunk),
            None => more.extend_from_slice(&chunk),
            Some(head) => {
                let capacity = announced
                    .map_or(0, |n| n as usize)
                    .max(head.len() + chunk.len());
                more.reserve(capacity);
                more.extend_from_slice(&head);
                more.extend_from_slice(&chunk);
            }
        }
    }
    Ok(first.unwrap_or_else(|| more.freeze()))
}
