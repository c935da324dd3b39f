//! Proof Key for Code Exchange (RFC 7636): the `code_challenge_method`s Auth0 accepts (`S256`,
//! and `plain`, the default when a challenge comes without a method) and the check of the
//! `code_verifier` a token request brings.

use base64::Engine;
use sha2::Digest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    S256,
    Plain,
}

/// A `code_challenge` and its method, as `/authorize` received them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub challenge: String,
    pub method: Method,
}

impl Challenge {
    /// Reads `code_challenge` / `code_challenge_method`; the error is the `error_description`.
    pub fn parse(challenge: Option<&str>, method: Option<&str>) -> Result<Option<Challenge>, String> {
        let method = match method {
            None | Some("plain") => Method::Plain,
            Some("S256") => Method::S256,
            Some(other) => {
                return Err(format!("Unsupported code_challenge_method {other:?}: use S256 or plain"));
            }
        };
        let Some(challenge) = challenge else {
            return Ok(None);
        };
        if !well_formed(challenge) {
            return Err("code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.2)".into());
        }
        Ok(Some(Challenge { challenge: challenge.to_owned(), method }))
    }

    /// Whether `verifier` answers the challenge (RFC 7636 §4.6).
    pub fn verify(&self, verifier: &str) -> bool {
        if !well_formed(verifier) {
            return false;
        }
        match self.method {
            Method::Plain => verifier == self.challenge,
            Method::S256 => {
                let digest = sha2::Sha256::digest(verifier.as_bytes());
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == self.challenge
            }
        }
    }
}

/// 43 to 128 unreserved characters (RFC 7636 §4.1).
fn well_formed(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn s256_matches_the_rfc_7636_appendix_b_example() {
        let challenge = Challenge::parse(Some(CHALLENGE), Some("S256")).unwrap().unwrap();
        assert!(challenge.verify(VERIFIER));
        assert!(!challenge.verify(&VERIFIER.replace('d', "e")), "another verifier fails");
        assert!(!challenge.verify(CHALLENGE), "the challenge itself is not a verifier");
    }

    #[test]
    fn plain_is_the_default_and_compares_as_is() {
        let challenge = Challenge::parse(Some(VERIFIER), None).unwrap().unwrap();
        assert_eq!(challenge.method, Method::Plain);
        assert!(challenge.verify(VERIFIER));
        assert!(!challenge.verify(CHALLENGE));
    }

    #[test]
    fn bad_methods_and_challenges_are_refused() {
        assert!(Challenge::parse(Some(CHALLENGE), Some("S512")).unwrap_err().contains("S512"));
        assert!(Challenge::parse(Some("short"), Some("S256")).unwrap_err().contains("43 to 128"));
        assert_eq!(Challenge::parse(None, None), Ok(None));
        let challenge = Challenge::parse(Some(CHALLENGE), Some("S256")).unwrap().unwrap();
        assert!(!challenge.verify("too-short"), "a malformed verifier fails");
    }
}
