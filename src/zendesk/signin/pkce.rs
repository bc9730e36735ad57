//! Proof Key for Code Exchange (RFC 7636, method `S256`): the secret verifier a client keeps,
//! and the challenge it shows the authorization page first. Pure; the randomness comes in.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// The one challenge method zdpolicy uses and the simulator accepts: Zendesk's PKCE guide
/// asks for `S256`.
pub const METHOD: &str = "S256";

/// `BASE64URL(SHA-256(verifier))` without padding (RFC 7636 §4.2).
pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A verifier from 32 random bytes: 43 characters of the URL-safe alphabet, inside the 43 to
/// 128 that RFC 7636 §4.1 allows.
pub fn verifier_from(random: &[u8; 32]) -> String {
    URL_SAFE_NO_PAD.encode(random)
}

/// Whether a verifier is one RFC 7636 §4.1 allows: 43 to 128 unreserved characters.
pub fn valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of RFC 7636 Appendix B.
    #[test]
    fn matches_the_rfc_example() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            challenge(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(valid_verifier(verifier));
    }

    #[test]
    fn verifiers_are_long_enough_and_url_safe() {
        let verifier = verifier_from(&[0xff; 32]);
        assert_eq!(verifier.len(), 43);
        assert!(valid_verifier(&verifier));
        assert!(!valid_verifier("short"));
        assert!(!valid_verifier(&"a".repeat(129)));
        assert!(!valid_verifier(&format!("{}+", "a".repeat(43))));
    }
}
