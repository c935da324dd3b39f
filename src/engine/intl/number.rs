//! `Intl.NumberFormat` and `Number.prototype.toLocaleString`: styles decimal, percent and
//! currency, integer and fraction digits, grouping. Rounding (half-expand on the shortest
//! decimal form of the double, as ICU does) is `fixed_decimal`'s; symbols, grouping sizes and
//! currency and percent patterns come from ICU4X's compiled CLDR data (`icu_decimal`,
//! `icu_experimental`'s currency and percent formatters, whose currency digits table gives the
//! default fraction digits).

use deno_error::JsErrorBox;
use fixed_decimal::{Decimal, FloatPrecision, SignedRoundingMode, UnsignedRoundingMode};
use icu_decimal::options::{DecimalFormatterOptions, GroupingStrategy};
use icu_decimal::DecimalFormatter;
use icu_experimental::dimension::currency::formatter::CurrencyFormatter;
use icu_experimental::dimension::currency::CurrencyType;
use icu_experimental::dimension::percent::formatter::PercentFormatter;
use icu_locale_core::Locale;
use icu_provider::prelude::*;
use serde::{Deserialize, Serialize};

use super::{data_error, parse_config, refuse, resolve_locale, string_option, Cache, Options};

/// What formatting needs.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    pub locale: String,
    pub style: String,
    pub currency: Option<String>,
    pub currency_display: Option<String>,
    pub minimum_integer_digits: u8,
    pub minimum_fraction_digits: u8,
    pub maximum_fraction_digits: u8,
    /// `auto`, `always`, `min2` or `false`.
    pub use_grouping: String,
}

fn digits_option(options: &Options, name: &str, min: u8, max: u8) -> Result<Option<u8>, JsErrorBox> {
    match options.get(name) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(value) => {
            let n = value.as_f64().unwrap_or(f64::NAN);
            if !n.is_finite() || n < f64::from(min) || n > f64::from(max) {
                return Err(JsErrorBox::range_error(format!("{name} value is out of range.")));
            }
            Ok(Some(n.floor() as u8))
        }
    }
}

/// The number of fraction digits of `currency` (ISO 4217 minor units, from CLDR).
fn currency_digits(currency: &str) -> u8 {
    use icu_experimental::dimension::provider::currency::fractions::CurrencyFractionsV1;
    let response: Result<DataResponse<CurrencyFractionsV1>, _> =
        icu_experimental::provider::Baked.load(DataRequest::default());
    match (response, CurrencyType::try_from_str(currency)) {
        (Ok(response), Ok(code)) => response.payload.get().resolve(code).digits,
        _ => 2,
    }
}

/// Resolves `options` for `locales` (canonical tags).
pub fn resolve(locales: &[String], options: &Options) -> Result<Config, JsErrorBox> {
    let locale = resolve_locale(locales)?;
    const SERVICE: &str = "NumberFormat";
    refuse(
        options,
        SERVICE,
        &[
            "minimumSignificantDigits",
            "maximumSignificantDigits",
            "unit",
            "unitDisplay",
            "compactDisplay",
            "roundingIncrement",
            "roundingPriority",
        ],
    )?;
    string_option(options, SERVICE, "localeMatcher", &["lookup", "best fit"])?;
    for (name, only) in [
        ("notation", "standard"),
        ("signDisplay", "auto"),
        ("currencySign", "standard"),
        ("roundingMode", "halfExpand"),
        ("trailingZeroDisplay", "auto"),
        ("numberingSystem", "latn"),
    ] {
        if let Some(value) = string_option(options, SERVICE, name, &[])? {
            if value != only {
                return Err(JsErrorBox::range_error(format!(
                    "Intl.NumberFormat: option {name} \"{value}\" is not supported by actionhost (only \"{only}\")"
                )));
            }
        }
    }
    let style = string_option(options, SERVICE, "style", &["decimal", "percent", "currency", "unit"])?
        .unwrap_or_else(|| "decimal".into());
    if style == "unit" {
        return Err(JsErrorBox::range_error("Intl.NumberFormat: option style \"unit\" is not supported by actionhost"));
    }
    let currency = string_option(options, SERVICE, "currency", &[])?;
    if let Some(code) = &currency {
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(JsErrorBox::range_error(format!("Invalid currency code : {code}")));
        }
    }
    let currency = currency.map(|c| c.to_ascii_uppercase());
    let currency_display =
        string_option(options, SERVICE, "currencyDisplay", &["code", "symbol", "narrowSymbol", "name"])?;
    if style == "currency" && currency.is_none() {
        return Err(JsErrorBox::type_error("Currency code is required with currency style."));
    }
    if currency_display.as_deref() == Some("name") {
        return Err(JsErrorBox::range_error(
            "Intl.NumberFormat: option currencyDisplay \"name\" is not supported by actionhost",
        ));
    }
    let minimum_integer_digits = digits_option(options, "minimumIntegerDigits", 1, 21)?.unwrap_or(1);
    let min = digits_option(options, "minimumFractionDigits", 0, 100)?;
    let max = digits_option(options, "maximumFractionDigits", 0, 100)?;
    let (default_min, default_max) = match style.as_str() {
        "currency" => {
            let d = currency_digits(currency.as_deref().unwrap_or("USD"));
            (d, d)
        }
        "percent" => (0, 0),
        _ => (0, 3),
    };
    let (minimum_fraction_digits, maximum_fraction_digits) = match (min, max) {
        (None, None) => (default_min, default_max),
        (Some(min), None) => (min, default_max.max(min)),
        (None, Some(max)) => (default_min.min(max), max),
        (Some(min), Some(max)) => {
            if min > max {
                return Err(JsErrorBox::range_error("maximumFractionDigits value is out of range."));
            }
            (min, max)
        }
    };
    let use_grouping = match options.get("useGrouping") {
        None | Some(serde_json::Value::Null) => "auto".to_string(),
        Some(serde_json::Value::Bool(true)) => "always".to_string(),
        Some(serde_json::Value::Bool(false)) => "false".to_string(),
        Some(serde_json::Value::String(s)) if s == "true" || s == "false" => "auto".to_string(),
        Some(serde_json::Value::String(s)) if ["auto", "always", "min2"].contains(&s.as_str()) => s.clone(),
        Some(other) => {
            return Err(JsErrorBox::range_error(format!(
                "Value {other} out of range for Intl.NumberFormat options property useGrouping"
            )))
        }
    };
    if style == "currency" && use_grouping != "auto" {
        return Err(JsErrorBox::range_error(
            "Intl.NumberFormat: option useGrouping with style \"currency\" is not supported by actionhost",
        ));
    }
    let config = Config {
        locale: locale.to_string(),
        style,
        currency,
        currency_display,
        minimum_integer_digits,
        minimum_fraction_digits,
        maximum_fraction_digits,
        use_grouping,
    };
    build(&config)?;
    Ok(config)
}

/// A built formatter for one style.
pub enum Built {
    Decimal(DecimalFormatter),
    Percent(PercentFormatter<DecimalFormatter>),
    Currency(CurrencyFormatter<DecimalFormatter>),
}

fn build(config: &Config) -> Result<Built, JsErrorBox> {
    let locale: Locale = config.locale.parse().map_err(|_| JsErrorBox::type_error("Intl: bad resolved locale"))?;
    let grouping = match config.use_grouping.as_str() {
        "false" => GroupingStrategy::Never,
        "always" => GroupingStrategy::Always,
        "min2" => GroupingStrategy::Min2,
        _ => GroupingStrategy::Auto,
    };
    let mut options = DecimalFormatterOptions::default();
    options.grouping_strategy = Some(grouping);
    let error = |e| data_error("NumberFormat", &locale, e);
    Ok(match config.style.as_str() {
        "percent" => {
            let decimal = DecimalFormatter::try_new((&locale).into(), options).map_err(error)?;
            Built::Percent(
                PercentFormatter::try_new_with_decimal_formatter((&locale).into(), decimal, Default::default())
                    .map_err(error)?,
            )
        }
        "currency" => {
            let code = config.currency.as_deref().unwrap_or("USD");
            let currency = CurrencyType::try_from_str(code)
                .map_err(|_| JsErrorBox::range_error(format!("Invalid currency code : {code}")))?;
            let prefs = (&locale).into();
            let formatter = match config.currency_display.as_deref() {
                Some("code") => CurrencyFormatter::try_new_code(prefs, currency, Default::default()),
                Some("narrowSymbol") => CurrencyFormatter::try_new_symbol_narrow(prefs, currency, Default::default()),
                _ => CurrencyFormatter::try_new_symbol(prefs, currency, Default::default()),
            };
            Built::Currency(formatter.map_err(error)?)
        }
        _ => Built::Decimal(DecimalFormatter::try_new((&locale).into(), options).map_err(error)?),
    })
}

thread_local! {
    static FORMATTERS: Cache<Built> = Cache::new();
}

/// `value` rounded as ECMA-402 does for these digit options.
fn decimal(config: &Config, value: f64) -> Result<Decimal, JsErrorBox> {
    let mut d = Decimal::try_from_f64(value, FloatPrecision::RoundTrip)
        .map_err(|_| JsErrorBox::range_error(format!("Intl.NumberFormat: cannot format {value}")))?;
    if config.style == "percent" {
        d.multiply_pow10(2);
    }
    let max = -i16::from(config.maximum_fraction_digits);
    d.round_with_mode(max, SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand));
    d.absolute.trim_end();
    d.absolute.pad_end(-i16::from(config.minimum_fraction_digits));
    d.absolute.pad_start(i16::from(config.minimum_integer_digits));
    Ok(d)
}

/// Formats `value` per `config`.
pub fn format(config_text: &str, value: f64) -> Result<String, JsErrorBox> {
    let config: Config = parse_config(config_text)?;
    if value.is_nan() {
        // CLDR's NaN symbol is "NaN" in every supported locale's latn numbers.
        return Ok("NaN".into());
    }
    if value.is_infinite() {
        return Err(JsErrorBox::range_error("Intl.NumberFormat: formatting Infinity is not supported by actionhost"));
    }
    let built = FORMATTERS.with(|cache| cache.get(config_text, || build(&config)))?;
    let d = decimal(&config, value)?;
    Ok(match &*built {
        Built::Decimal(f) => writeable::Writeable::write_to_string(&f.format(&d)).into_owned(),
        Built::Percent(f) => writeable::Writeable::write_to_string(&f.format(&d)).into_owned(),
        Built::Currency(f) => writeable::Writeable::write_to_string(&f.format_fixed_decimal(&d)).into_owned(),
    })
}

/// Resolves options; returns `{config, resolved}` as JSON text.
#[deno_core::op2]
#[string]
pub fn op_intl_number_resolve(#[serde] locales: Vec<String>, #[string] options: String) -> Result<String, JsErrorBox> {
    let options: Options = serde_json::from_str(&options).map_err(|e| JsErrorBox::type_error(e.to_string()))?;
    let config = resolve(&locales, &options)?;
    let mut resolved = serde_json::Map::new();
    resolved.insert("locale".into(), config.locale.clone().into());
    resolved.insert("numberingSystem".into(), "latn".into());
    resolved.insert("style".into(), config.style.clone().into());
    if let Some(currency) = &config.currency {
        if config.style == "currency" {
            resolved.insert("currency".into(), currency.clone().into());
            resolved.insert(
                "currencyDisplay".into(),
                config.currency_display.clone().unwrap_or_else(|| "symbol".into()).into(),
            );
            resolved.insert("currencySign".into(), "standard".into());
        }
    }
    resolved.insert("minimumIntegerDigits".into(), config.minimum_integer_digits.into());
    resolved.insert("minimumFractionDigits".into(), config.minimum_fraction_digits.into());
    resolved.insert("maximumFractionDigits".into(), config.maximum_fraction_digits.into());
    let grouping: serde_json::Value =
        if config.use_grouping == "false" { false.into() } else { config.use_grouping.clone().into() };
    resolved.insert("useGrouping".into(), grouping);
    resolved.insert("notation".into(), "standard".into());
    resolved.insert("signDisplay".into(), "auto".into());
    resolved.insert("roundingMode".into(), "halfExpand".into());
    resolved.insert("roundingIncrement".into(), 1.into());
    resolved.insert("trailingZeroDisplay".into(), "auto".into());
    resolved.insert("roundingPriority".into(), "auto".into());
    let config_text = serde_json::to_string(&config).expect("serializable");
    Ok(serde_json::json!({ "config": config_text, "resolved": resolved }).to_string())
}

/// Formats `value` per `config`.
#[deno_core::op2]
#[string]
pub fn op_intl_number_format(#[string] config: String, value: f64) -> Result<String, JsErrorBox> {
    format(&config, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(locale: &str, options: serde_json::Value, value: f64) -> String {
        let options: Options = serde_json::from_value(options).unwrap();
        let config = resolve(&[locale.to_string()], &options).unwrap();
        format(&serde_json::to_string(&config).unwrap(), value).unwrap()
    }

    #[test]
    fn formats_as_node_does() {
        // Node 20 (ICU 78): (1234.5).toLocaleString("de-DE") and friends.
        assert_eq!(text("de-DE", serde_json::json!({}), 1234.5), "1.234,5");
        assert_eq!(text("en-US", serde_json::json!({"style": "currency", "currency": "USD"}), -1234.5), "-$1,234.50");
        assert_eq!(text("ja-JP", serde_json::json!({"style": "currency", "currency": "JPY"}), 1234.5), "￥1,235");
        assert_eq!(text("fr-FR", serde_json::json!({"style": "percent"}), 0.256), "26\u{a0}%");
    }

    #[test]
    fn refuses_what_it_does_not_support() {
        let options: Options = serde_json::from_value(serde_json::json!({"notation": "compact"})).unwrap();
        let err = resolve(&["en".into()], &options).unwrap_err();
        assert!(err.to_string().contains("option notation \"compact\" is not supported"), "{err}");
    }
}
