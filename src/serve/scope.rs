//! A token request's `scope` parameter against the scopes it may ask for: the client-credentials
//! grant's (the client grant's scopes) and the refresh token grant's (the scopes granted with the
//! refresh token). Either may ask for fewer scopes, never for one outside the set (RFC 6749 §3.3,
//! §6); each refuses with its own error.

/// The scopes `requested` names (space-separated, each once, in the order asked), or `None` when
/// it names none; `Err` lists those not among `allowed`, in the order asked.
pub fn subset(requested: Option<&str>, allowed: &[String]) -> Result<Option<Vec<String>>, Vec<String>> {
    let Some(requested) = requested.filter(|r| !r.trim().is_empty()) else {
        return Ok(None);
    };
    let mut scopes: Vec<String> = Vec::new();
    for scope in requested.split_whitespace() {
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    let missing: Vec<String> = scopes.iter().filter(|s| !allowed.contains(s)).cloned().collect();
    if missing.is_empty() {
        Ok(Some(scopes))
    } else {
        Err(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::subset;

    #[test]
    fn a_subset_in_the_order_asked() {
        let allowed = ["a".to_owned(), "b".to_owned(), "c".to_owned()];
        assert_eq!(subset(None, &allowed), Ok(None));
        assert_eq!(subset(Some(" \t"), &allowed), Ok(None), "blank asks for nothing");
        assert_eq!(subset(Some("c  a c"), &allowed), Ok(Some(vec!["c".to_owned(), "a".to_owned()])));
        assert_eq!(subset(Some("a x b y x"), &allowed), Err(vec!["x".to_owned(), "y".to_owned()]));
        assert_eq!(subset(Some("A"), &allowed), Err(vec!["A".to_owned()]), "scopes are case-sensitive");
    }
}
