//! [`TokenError`]: why a simulated login that ran to its end could not issue its tokens. Each
//! becomes the login's error, named as Auth0 would fail the login (`TokenTooLarge`,
//! `SigningError`).

use super::claims::MAX_CUSTOM_CLAIMS_BYTES;
use crate::outcome::OutcomeError;
use crate::tenant::TenantError;

/// A token that could not be issued.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The custom claims of one token are over Auth0's size limit.
    #[error(
        "the custom claims of the {token} take {size} bytes; Auth0 allows at most {MAX_CUSTOM_CLAIMS_BYTES} (100 KB) per token and fails the login"
    )]
    TooLarge {
        /// `ID token` or `access token`.
        token: &'static str,
        /// The claims' size as JSON, in bytes.
        size: usize,
    },
    /// The signing key could not be read or created.
    #[error(transparent)]
    Key(#[from] TenantError),
    /// The JWT library or the RSA signer refused to sign.
    #[error("cannot sign the token: {0}")]
    Sign(String),
}

impl From<jsonwebtoken::errors::Error> for TokenError {
    fn from(error: jsonwebtoken::errors::Error) -> TokenError {
        TokenError::Sign(error.to_string())
    }
}

impl TokenError {
    /// The `name` of the login's error.
    pub fn name(&self) -> &'static str {
        match self {
            TokenError::TooLarge { .. } => "TokenTooLarge",
            TokenError::Key(_) | TokenError::Sign(_) => "SigningError",
        }
    }
}

impl From<TokenError> for OutcomeError {
    fn from(error: TokenError) -> OutcomeError {
        OutcomeError::new(error.name(), error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_names_itself_as_the_login_fails() {
        let error = OutcomeError::from(TokenError::TooLarge { token: "ID token", size: 102_401 });
        assert_eq!(error.name, "TokenTooLarge");
        assert_eq!(
            error.message,
            "the custom claims of the ID token take 102401 bytes; Auth0 allows at most 102400 (100 KB) per token and fails the login"
        );
        let error =
            OutcomeError::from(TokenError::from(TenantError::new("t/.actionhost/key.pem", "cannot read: gone")));
        assert_eq!(
            (error.name.as_str(), error.message.as_str()),
            ("SigningError", "t/.actionhost/key.pem: cannot read: gone")
        );
    }
}
