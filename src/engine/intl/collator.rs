//! `Intl.Collator` and `String.prototype.localeCompare`: UCA comparison with each locale's CLDR
//! tailoring, from ICU4X's compiled data (`icu_collator`); sensitivity, `numeric`, `caseFirst`
//! and `ignorePunctuation` map onto its strength, numeric ordering, case-first and alternate
//! handling.

use std::cmp::Ordering;

use deno_error::JsErrorBox;
use icu_collator::options::{AlternateHandling, CaseLevel, CollatorOptions, Strength};
use icu_collator::preferences::{CollationCaseFirst, CollationNumericOrdering};
use icu_collator::{CollatorBorrowed, CollatorPreferences};
use icu_locale_core::Locale;
use serde::{Deserialize, Serialize};

use super::{data_error, parse_config, resolve_locale, string_option, Cache, Options};

/// What comparing needs.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    pub locale: String,
    pub sensitivity: String,
    pub ignore_punctuation: bool,
    pub numeric: bool,
    pub case_first: String,
}

fn build(config: &Config) -> Result<CollatorBorrowed<'static>, JsErrorBox> {
    let locale: Locale = config.locale.parse().map_err(|_| JsErrorBox::type_error("Intl: bad resolved locale"))?;
    let mut prefs = CollatorPreferences::from(&locale);
    if config.numeric {
        prefs.numeric_ordering = Some(CollationNumericOrdering::True);
    }
    prefs.case_first = match config.case_first.as_str() {
        "upper" => Some(CollationCaseFirst::Upper),
        "lower" => Some(CollationCaseFirst::Lower),
        _ => None,
    };
    let mut options = CollatorOptions::default();
    let (strength, case_level) = match config.sensitivity.as_str() {
        "base" => (Strength::Primary, None),
        "accent" => (Strength::Secondary, None),
        "case" => (Strength::Primary, Some(CaseLevel::On)),
        _ => (Strength::Tertiary, None),
    };
    options.strength = Some(strength);
    options.case_level = case_level;
    if config.ignore_punctuation {
        options.alternate_handling = Some(AlternateHandling::Shifted);
    }
    CollatorBorrowed::try_new(prefs, options).map_err(|e| data_error("Collator", &locale, e))
}

thread_local! {
    static COLLATORS: Cache<CollatorBorrowed<'static>> = Cache::new();
}

/// Resolves options; returns `{config, resolved}` as JSON text.
#[deno_core::op2]
#[string]
pub fn op_intl_collator_resolve(
    #[serde] locales: Vec<String>,
    #[string] options: String,
) -> Result<String, JsErrorBox> {
    let options: Options = serde_json::from_str(&options).map_err(|e| JsErrorBox::type_error(e.to_string()))?;
    const SERVICE: &str = "Collator";
    string_option(&options, SERVICE, "localeMatcher", &["lookup", "best fit"])?;
    if let Some(usage) = string_option(&options, SERVICE, "usage", &["sort", "search"])? {
        if usage == "search" {
            return Err(JsErrorBox::range_error(
                "Intl.Collator: option usage \"search\" is not supported by actionhost",
            ));
        }
    }
    if string_option(&options, SERVICE, "collation", &[])?.is_some_and(|c| c != "default") {
        return Err(JsErrorBox::range_error("Intl.Collator: option collation is not supported by actionhost"));
    }
    let flag = |name: &str| match options.get(name) {
        None | Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::String(s)) => !s.is_empty(),
        Some(serde_json::Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0 && !n.is_nan()),
        Some(_) => true,
    };
    let config = Config {
        locale: resolve_locale(&locales)?.to_string(),
        sensitivity: string_option(&options, SERVICE, "sensitivity", &["base", "accent", "case", "variant"])?
            .unwrap_or_else(|| "variant".into()),
        ignore_punctuation: flag("ignorePunctuation"),
        numeric: flag("numeric"),
        case_first: string_option(&options, SERVICE, "caseFirst", &["upper", "lower", "false"])?
            .unwrap_or_else(|| "false".into()),
    };
    build(&config)?;
    let resolved = serde_json::json!({
        "locale": config.locale,
        "usage": "sort",
        "sensitivity": config.sensitivity,
        "ignorePunctuation": config.ignore_punctuation,
        "collation": "default",
        "numeric": config.numeric,
        "caseFirst": config.case_first,
    });
    let config_text = serde_json::to_string(&config).expect("serializable");
    Ok(serde_json::json!({ "config": config_text, "resolved": resolved }).to_string())
}

/// Compares `a` and `b` per `config`: -1, 0 or 1.
pub fn compare(config_text: &str, a: &str, b: &str) -> Result<i32, JsErrorBox> {
    let collator = COLLATORS.with(|cache| cache.get(config_text, || build(&parse_config(config_text)?)))?;
    Ok(match collator.compare(a, b) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    })
}

/// `compare(a, b)`.
#[deno_core::op2(fast)]
pub fn op_intl_collator_compare(
    #[string] config: &str,
    #[string] a: &str,
    #[string] b: &str,
) -> Result<i32, JsErrorBox> {
    compare(config, a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_with_the_locale_and_sensitivity() {
        let config = |locale: &str, sensitivity: &str| {
            serde_json::to_string(&Config {
                locale: locale.into(),
                sensitivity: sensitivity.into(),
                ignore_punctuation: false,
                numeric: false,
                case_first: "false".into(),
            })
            .unwrap()
        };
        // Node 20: "a".localeCompare("á", "en", {sensitivity: "base"}) === 0
        assert_eq!(compare(&config("en", "base"), "a", "á").unwrap(), 0);
        assert_eq!(compare(&config("en", "accent"), "a", "á").unwrap(), -1);
        // Swedish sorts ä after z; German with a.
        assert_eq!(compare(&config("sv", "variant"), "ä", "z").unwrap(), 1);
        assert_eq!(compare(&config("de", "variant"), "ä", "z").unwrap(), -1);
    }
}
