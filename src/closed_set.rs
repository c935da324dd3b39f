//! Closed sets of names (a status, a protocol, an expect field…) as Rust enums that read and
//! write their exact JSON / YAML / command-line spellings, and refuse any other spelling with an
//! error naming the field and every allowed value.
//!
//! [`closed_set!`] defines the enum with `as_str`, `Display`, `FromStr` (used by clap for flags)
//! and serde's `Serialize` / `Deserialize` as plain strings.

/// A value outside a closed set: names the field, what was found and every allowed value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {field} {found:?}; known: {}", known.join(", "))]
pub struct UnknownValue {
    /// The field or flag the value was given for (`status`, `protocol`).
    pub field: &'static str,
    /// The spelling given.
    pub found: String,
    /// Every allowed spelling, in the enum's order.
    pub known: &'static [&'static str],
}

/// Defines `enum $name` whose variants are spelled `$text` wherever they are read or written;
/// `$field` names the field in the error for any other spelling.
///
/// ```ignore
/// closed_set! {
///     /// A change to a JSON value.
///     pub enum ChangeOp("op") {
///         /// A new key.
///         Add => "add",
///         Remove => "remove",
///     }
/// }
/// ```
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($field:literal) {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order they are listed.
            #[allow(dead_code)]
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every spelling, in the same order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The value's spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::closed_set::UnknownValue;

            fn from_str(text: &str) -> Result<$name, Self::Err> {
                match text {
                    $( $text => Ok($name::$variant), )+
                    _ => Err($crate::closed_set::UnknownValue {
                        field: $field,
                        found: text.to_owned(),
                        known: $name::NAMES,
                    }),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use closed_set;

#[cfg(test)]
mod tests {
    closed_set! {
        /// A sample set.
        enum Sample("sample") {
            /// The first.
            OutOfMemory => "out_of_memory",
            Kebab => "kebab-case",
        }
    }

    #[test]
    fn spellings_round_trip_through_json_and_text() {
        for (value, text) in [(Sample::OutOfMemory, "out_of_memory"), (Sample::Kebab, "kebab-case")] {
            assert_eq!(serde_json::to_value(value).unwrap(), text);
            assert_eq!(serde_json::from_value::<Sample>(text.into()).unwrap(), value);
            assert_eq!(text.parse::<Sample>().unwrap(), value);
            assert_eq!(value.to_string(), text);
        }
        assert_eq!(Sample::ALL.len(), Sample::NAMES.len());
    }

    #[test]
    fn another_spelling_names_the_field_and_the_allowed_values() {
        let error = serde_json::from_str::<Sample>("\"OutOfMemory\"").unwrap_err().to_string();
        assert!(error.starts_with(r#"unknown sample "OutOfMemory"; known: out_of_memory, kebab-case"#), "{error}");
        assert!(serde_json::from_str::<Sample>("1").is_err(), "not a string");
    }
}
