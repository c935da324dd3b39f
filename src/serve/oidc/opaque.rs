//! Opaque access tokens. Auth0 issues an access token in its own opaque format, not a JWT, when
//! the token's only audience is the `/userinfo` endpoint (a login that asked for no `audience`,
//! or for the `/userinfo` one): "If the token audience is just the OIDC /userinfo endpoint, then
//! Auth0 will issue an opaque Access Token", usable only at `/userinfo`. This server's opaque
//! tokens carry what `/userinfo` needs (subject, scopes, expiry, application) sealed with
//! AES-256-GCM under a key made when the server starts: nobody else can read or forge them, the
//! server keeps nothing per token, and a restart ends them (as it ends codes and refresh tokens).

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

/// The claims an opaque token keeps: what `/userinfo` reads of an access token.
const KEPT: [&str; 5] = ["sub", "scope", "exp", "iat", "azp"];

pub struct OpaqueTokens {
    key: LessSafeKey,
}

impl OpaqueTokens {
    /// A sealer with a fresh random key.
    pub fn new() -> Result<OpaqueTokens, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        let key = UnboundKey::new(&AES_256_GCM, &bytes).expect("a 32-byte key is an AES-256 key");
        Ok(OpaqueTokens { key: LessSafeKey::new(key) })
    }

    /// An opaque token for the access token `claims` (only those `/userinfo` reads are kept).
    pub fn seal(&self, claims: &Map<String, Value>) -> Result<String, getrandom::Error> {
        let kept: Map<String, Value> =
            KEPT.iter().filter_map(|name| Some(((*name).to_owned(), claims.get(*name)?.clone()))).collect();
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)?;
        let mut sealed = serde_json::to_vec(&kept).expect("claims are JSON");
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut sealed)
            .expect("AES-GCM seals any claims this server makes");
        let mut token = nonce.to_vec();
        token.extend_from_slice(&sealed);
        Ok(URL_SAFE_NO_PAD.encode(token))
    }

    /// The claims of a token [`seal`](Self::seal) made with this key; `None` for anything else
    /// (another server's token, a changed character, not base64url).
    pub fn open(&self, token: &str) -> Option<Map<String, Value>> {
        let mut bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = bytes.split_at_mut(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let plain = self.key.open_in_place(nonce, Aad::empty(), sealed).ok()?;
        serde_json::from_slice(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims() -> Map<String, Value> {
        let value = json!({"sub": "auth0|1", "scope": "openid profile", "exp": 2, "iat": 1, "azp": "app",
            "https://example.com/tier": "gold", "aud": "https://t/userinfo"});
        value.as_object().unwrap().clone()
    }

    #[test]
    fn a_token_opens_to_what_userinfo_reads_and_nothing_else() {
        let tokens = OpaqueTokens::new().unwrap();
        let token = tokens.seal(&claims()).unwrap();
        assert!(!token.contains('.'), "not a JWT: {token}");
        assert!(!token.contains("auth0"), "the claims are not readable: {token}");
        let opened = tokens.open(&token).unwrap();
        assert_eq!(
            Value::Object(opened),
            json!({"sub": "auth0|1", "scope": "openid profile", "exp": 2, "iat": 1, "azp": "app"})
        );
    }

    #[test]
    fn a_changed_token_or_another_servers_token_does_not_open() {
        let tokens = OpaqueTokens::new().unwrap();
        let token = tokens.seal(&claims()).unwrap();
        let mut changed = token.clone().into_bytes();
        let last = changed.len() - 3;
        changed[last] = if changed[last] == b'A' { b'B' } else { b'A' };
        assert!(tokens.open(std::str::from_utf8(&changed).unwrap()).is_none());
        assert!(OpaqueTokens::new().unwrap().open(&token).is_none(), "another key");
        assert!(tokens.open("").is_none() && tokens.open("not base64!").is_none());
    }

    #[test]
    fn two_tokens_of_the_same_claims_differ() {
        let tokens = OpaqueTokens::new().unwrap();
        assert_ne!(tokens.seal(&claims()).unwrap(), tokens.seal(&claims()).unwrap());
    }
}
