//! The dashboard's form token: 32 random bytes drawn once per server process, written into every
//! form as a hidden field and required on every POST, so another site open in the same browser
//! cannot submit the forms (a cross-site page cannot read the token).

use std::sync::LazyLock;

static TOKEN: LazyLock<String> = LazyLock::new(|| {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
});

/// This server's token.
pub fn token() -> &'static str {
    &TOKEN
}

/// Whether `given` is this server's token (compared in constant time).
pub fn check(given: &str) -> bool {
    let expected = token().as_bytes();
    let given = given.as_bytes();
    given.len() == expected.len() && given.iter().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_servers_token_passes() {
        assert_eq!(token().len(), 64);
        assert!(check(token()));
        assert!(!check(""));
        assert!(!check(&token()[1..]));
        let mut other = token().to_owned();
        let last = if other.ends_with('0') { "1" } else { "0" };
        other.replace_range(63.., last);
        assert!(!check(&other));
    }
}
