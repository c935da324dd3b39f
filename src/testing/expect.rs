//! The `expect` block of a case: what the outcome must contain. Every field is optional and
//! only what is given is checked (a partial match); see `docs/cases.md` for each field.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::closed_set::closed_set;
use crate::outcome::{LogLevel, Status};

closed_set! {
    /// The fields of an `expect` block, in the order checks run and reports list them.
    pub enum ExpectField("expect field") {
        Status => "status",
        Deny => "deny",
        Redirect => "redirect",
        Claims => "claims",
        Scopes => "scopes",
        Multifactor => "multifactor",
        AppMetadata => "app_metadata",
        UserMetadata => "user_metadata",
        Commands => "commands",
        Logs => "logs",
        Error => "error",
        Callback => "callback",
        Returned => "returned",
        Requests => "requests",
        LogsTruncated => "logs_truncated",
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default)]
    pub status: Option<Status>,
    /// The denial's reason; `null`: not denied.
    #[serde(default, deserialize_with = "nullable")]
    pub deny: Option<Option<String>>,
    /// The redirect URL; `null`: no redirect.
    #[serde(default, deserialize_with = "nullable")]
    pub redirect: Option<Option<String>>,
    #[serde(default)]
    pub claims: Option<Claims>,
    /// The access token's scopes at the end, in any order.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// `{provider, allowRememberBrowser, providerOptions}`, partially; `null`: MFA not required.
    #[serde(default, deserialize_with = "nullable")]
    pub multifactor: Option<Option<Map<String, Value>>>,
    /// Changed keys of the user's `app_metadata` (`null`: deleted).
    #[serde(default)]
    pub app_metadata: Option<Map<String, Value>>,
    #[serde(default)]
    pub user_metadata: Option<Map<String, Value>>,
    #[serde(default)]
    pub commands: Option<ListExpect<CommandExpect>>,
    #[serde(default)]
    pub logs: Option<ListExpect<LogExpect>>,
    #[serde(default)]
    pub logs_truncated: Option<bool>,
    /// `null`: no error.
    #[serde(default, deserialize_with = "nullable")]
    pub error: Option<Option<ErrorExpect>>,
    /// A Rule's callback (`error`, `user`, `context`), partially.
    #[serde(default)]
    pub callback: Option<Value>,
    /// What an Action's handler returned, partially.
    #[serde(default)]
    pub returned: Option<Value>,
    #[serde(default)]
    pub requests: Option<ListExpect<RequestExpect>>,
}

impl Expect {
    /// Whether the block names `field`.
    pub fn has(&self, field: ExpectField) -> bool {
        match field {
            ExpectField::Status => self.status.is_some(),
            ExpectField::Deny => self.deny.is_some(),
            ExpectField::Redirect => self.redirect.is_some(),
            ExpectField::Claims => self.claims.is_some(),
            ExpectField::Scopes => self.scopes.is_some(),
            ExpectField::Multifactor => self.multifactor.is_some(),
            ExpectField::AppMetadata => self.app_metadata.is_some(),
            ExpectField::UserMetadata => self.user_metadata.is_some(),
            ExpectField::Commands => self.commands.is_some(),
            ExpectField::Logs => self.logs.is_some(),
            ExpectField::Error => self.error.is_some(),
            ExpectField::Callback => self.callback.is_some(),
            ExpectField::Returned => self.returned.is_some(),
            ExpectField::Requests => self.requests.is_some(),
            ExpectField::LogsTruncated => self.logs_truncated.is_some(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    #[serde(default)]
    pub id_token: Option<Map<String, Value>>,
    #[serde(default)]
    pub access_token: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandExpect {
    /// A name the `api` records (a misspelt one is refused when the case file is read).
    pub api: crate::api_call::ApiName,
    /// Any arguments when absent.
    #[serde(default)]
    pub args: Option<Vec<Value>>,
}

#[derive(Debug, Clone)]
pub struct LogExpect {
    /// Any level when absent (a bare string in the file).
    pub level: Option<LogLevel>,
    pub message: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorExpect {
    #[serde(default)]
    pub name: Option<String>,
    /// A regular expression searched in the message.
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestExpect {
    #[serde(default)]
    pub method: Option<String>,
    /// The URL; `*` matches any run of characters.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub headers: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "nullable")]
    pub body: Option<Option<String>>,
    /// The mock's status; `null`: no mock answered.
    #[serde(default, deserialize_with = "nullable")]
    pub status: Option<Option<u16>>,
    /// The connection failure a mock gave instead of an answer.
    #[serde(default)]
    pub error: Option<crate::request::ConnectionFailure>,
}

/// A list expectation: the whole list in order (`[…]`), or items it must contain in any order
/// (`{contains: […]}`).
#[derive(Debug, Clone)]
pub enum ListExpect<T> {
    Exactly(Vec<T>),
    Contains(Vec<T>),
}

/// `null` → `Some(None)`, absent → `None` (with `#[serde(default)]`).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContainsBlock<T> {
    contains: Vec<T>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ListExpect<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
            type Value = ListExpect<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list, or {contains: [...]}")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(ListExpect::Exactly)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                ContainsBlock::deserialize(MapAccessDeserializer::new(map))
                    .map(|block| ListExpect::Contains(block.contains))
            }
        }
        deserializer.deserialize_any(ListVisitor(PhantomData))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LogBlock {
    #[serde(default)]
    level: Option<LogLevel>,
    message: String,
}

impl<'de> Deserialize<'de> for LogExpect {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LogVisitor;
        impl<'de> Visitor<'de> for LogVisitor {
            type Value = LogExpect;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a log message, or {level, message}")
            }
            fn visit_str<E: serde::de::Error>(self, message: &str) -> Result<LogExpect, E> {
                Ok(LogExpect { level: None, message: message.to_owned() })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LogExpect, A::Error> {
                LogBlock::deserialize(MapAccessDeserializer::new(map))
                    .map(|b| LogExpect { level: b.level, message: b.message })
            }
        }
        deserializer.deserialize_any(LogVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_expect_field_names_the_fields() {
        assert_eq!("logs_truncated".parse::<ExpectField>(), Ok(ExpectField::LogsTruncated));
        let error = "stauts".parse::<ExpectField>().unwrap_err().to_string();
        assert!(
            error.starts_with(r#"unknown expect field "stauts"; known: status, deny, redirect, claims, "#),
            "{error}"
        );
    }
}
