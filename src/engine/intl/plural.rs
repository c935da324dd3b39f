//! `Intl.PluralRules`: cardinal and ordinal plural categories from ICU4X's compiled CLDR rules
//! (`icu_plurals`), for numbers rounded as ECMA-402's default digit options round them (at most
//! three fraction digits).

use deno_error::JsErrorBox;
use fixed_decimal::{Decimal, FloatPrecision, SignedRoundingMode, UnsignedRoundingMode};
use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRules};
use serde::{Deserialize, Serialize};

use super::{data_error, parse_config, refuse, resolve_locale, string_option, Cache, Options};

/// What selecting needs.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Config {
    pub locale: String,
    /// `cardinal` or `ordinal`.
    pub kind: String,
}

fn build(config: &Config) -> Result<PluralRules, JsErrorBox> {
    let locale: Locale = config.locale.parse().map_err(|_| JsErrorBox::type_error("Intl: bad resolved locale"))?;
    let rules = if config.kind == "ordinal" {
        PluralRules::try_new_ordinal((&locale).into())
    } else {
        PluralRules::try_new_cardinal((&locale).into())
    };
    rules.map_err(|e| data_error("PluralRules", &locale, e))
}

fn name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

thread_local! {
    static RULES: Cache<PluralRules> = Cache::new();
}

/// Resolves options; returns `{config, resolved}` as JSON text.
#[deno_core::op2]
#[string]
pub fn op_intl_plural_resolve(#[serde] locales: Vec<String>, #[string] options: String) -> Result<String, JsErrorBox> {
    let options: Options = serde_json::from_str(&options).map_err(|e| JsErrorBox::type_error(e.to_string()))?;
    refuse(
        &options,
        "PluralRules",
        &[
            "minimumIntegerDigits",
            "minimumFractionDigits",
            "maximumFractionDigits",
            "minimumSignificantDigits",
            "maximumSignificantDigits",
        ],
    )?;
    string_option(&options, "PluralRules", "localeMatcher", &["lookup", "best fit"])?;
    let kind =
        string_option(&options, "PluralRules", "type", &["cardinal", "ordinal"])?.unwrap_or_else(|| "cardinal".into());
    let config = Config { locale: resolve_locale(&locales)?.to_string(), kind };
    let rules = build(&config)?;
    let categories: Vec<&str> = rules.categories().map(name).collect();
    let resolved = serde_json::json!({
        "locale": config.locale,
        "type": config.kind,
        "minimumIntegerDigits": 1,
        "minimumFractionDigits": 0,
        "maximumFractionDigits": 3,
        "pluralCategories": categories,
    });
    let config_text = serde_json::to_string(&config).expect("serializable");
    Ok(serde_json::json!({ "config": config_text, "resolved": resolved }).to_string())
}

/// The plural category of `n` per `config`.
pub fn select(config_text: &str, n: f64) -> Result<&'static str, JsErrorBox> {
    if !n.is_finite() {
        return Ok("other");
    }
    let rules = RULES.with(|cache| cache.get(config_text, || build(&parse_config(config_text)?)))?;
    let mut d = Decimal::try_from_f64(n, FloatPrecision::RoundTrip)
        .map_err(|_| JsErrorBox::range_error(format!("Intl.PluralRules: cannot select for {n}")))?;
    d.round_with_mode(-3, SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand));
    d.absolute.trim_end();
    Ok(name(rules.category_for(&d)))
}

/// `select(n)`.
#[deno_core::op2]
#[string]
pub fn op_intl_plural_select(#[string] config: String, n: f64) -> Result<String, JsErrorBox> {
    select(&config, n).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_cardinal_and_ordinal_categories() {
        let config = |locale: &str, kind: &str| {
            serde_json::to_string(&Config { locale: locale.into(), kind: kind.into() }).unwrap()
        };
        // Node 20: new Intl.PluralRules("en", {type: "ordinal"}).select(22) === "two"
        assert_eq!(select(&config("en", "ordinal"), 22.0).unwrap(), "two");
        assert_eq!(select(&config("en", "cardinal"), 1.0).unwrap(), "one");
        assert_eq!(select(&config("fr", "cardinal"), 1.5).unwrap(), "one");
        assert_eq!(select(&config("ja", "cardinal"), 1.0).unwrap(), "other");
    }
}
