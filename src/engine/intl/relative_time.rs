//! `Intl.RelativeTimeFormat`: "in 3 days", "yesterday", from ICU4X's compiled CLDR data
//! (`icu_experimental`'s relative-time formatter, one per unit and style), numbers rounded as
//! ECMA-402's default digit options round them (at most three fraction digits).

use deno_error::JsErrorBox;
use fixed_decimal::{Decimal, FloatPrecision, SignedRoundingMode, UnsignedRoundingMode};
use icu_experimental::relativetime::options::Numeric;
use icu_experimental::relativetime::{RelativeTimeFormatter, RelativeTimeFormatterOptions};
use icu_locale_core::Locale;
use serde::{Deserialize, Serialize};

use super::{data_error, parse_config, resolve_locale, string_option, Cache, Options};

/// What formatting needs (the unit is per call).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Config {
    pub locale: String,
    pub style: String,
    pub numeric: String,
}

const UNITS: &[&str] = &["second", "minute", "hour", "day", "week", "month", "quarter", "year"];

/// ECMA-402's singular unit for `unit` ("days" → "day"), or a `RangeError`.
pub fn singular_unit(unit: &str) -> Result<&'static str, JsErrorBox> {
    let singular = unit.strip_suffix('s').unwrap_or(unit);
    UNITS
        .iter()
        .find(|u| **u == singular)
        .copied()
        .ok_or_else(|| JsErrorBox::range_error(format!("Invalid unit argument for format() '{unit}'")))
}

fn build(config: &Config, unit: &str) -> Result<RelativeTimeFormatter, JsErrorBox> {
    let locale: Locale = config.locale.parse().map_err(|_| JsErrorBox::type_error("Intl: bad resolved locale"))?;
    let prefs = (&locale).into();
    let mut options = RelativeTimeFormatterOptions::default();
    options.numeric = Some(if config.numeric == "auto" { Numeric::Auto } else { Numeric::Always });
    let formatter = match (config.style.as_str(), unit) {
        ("long", "second") => RelativeTimeFormatter::try_new_long_second(prefs, options),
        ("long", "minute") => RelativeTimeFormatter::try_new_long_minute(prefs, options),
        ("long", "hour") => RelativeTimeFormatter::try_new_long_hour(prefs, options),
        ("long", "day") => RelativeTimeFormatter::try_new_long_day(prefs, options),
        ("long", "week") => RelativeTimeFormatter::try_new_long_week(prefs, options),
        ("long", "month") => RelativeTimeFormatter::try_new_long_month(prefs, options),
        ("long", "quarter") => RelativeTimeFormatter::try_new_long_quarter(prefs, options),
        ("long", "year") => RelativeTimeFormatter::try_new_long_year(prefs, options),
        ("short", "second") => RelativeTimeFormatter::try_new_short_second(prefs, options),
        ("short", "minute") => RelativeTimeFormatter::try_new_short_minute(prefs, options),
        ("short", "hour") => RelativeTimeFormatter::try_new_short_hour(prefs, options),
        ("short", "day") => RelativeTimeFormatter::try_new_short_day(prefs, options),
        ("short", "week") => RelativeTimeFormatter::try_new_short_week(prefs, options),
        ("short", "month") => RelativeTimeFormatter::try_new_short_month(prefs, options),
        ("short", "quarter") => RelativeTimeFormatter::try_new_short_quarter(prefs, options),
        ("short", "year") => RelativeTimeFormatter::try_new_short_year(prefs, options),
        ("narrow", "second") => RelativeTimeFormatter::try_new_narrow_second(prefs, options),
        ("narrow", "minute") => RelativeTimeFormatter::try_new_narrow_minute(prefs, options),
        ("narrow", "hour") => RelativeTimeFormatter::try_new_narrow_hour(prefs, options),
        ("narrow", "day") => RelativeTimeFormatter::try_new_narrow_day(prefs, options),
        ("narrow", "week") => RelativeTimeFormatter::try_new_narrow_week(prefs, options),
        ("narrow", "month") => RelativeTimeFormatter::try_new_narrow_month(prefs, options),
        ("narrow", "quarter") => RelativeTimeFormatter::try_new_narrow_quarter(prefs, options),
        (_, _) => RelativeTimeFormatter::try_new_narrow_year(prefs, options),
    };
    formatter.map_err(|e| data_error("RelativeTimeFormat", &locale, e))
}

thread_local! {
    static FORMATTERS: Cache<RelativeTimeFormatter> = Cache::new();
}

/// Resolves options; returns `{config, resolved}` as JSON text.
#[deno_core::op2]
#[string]
pub fn op_intl_relative_time_resolve(
    #[serde] locales: Vec<String>,
    #[string] options: String,
) -> Result<String, JsErrorBox> {
    let options: Options = serde_json::from_str(&options).map_err(|e| JsErrorBox::type_error(e.to_string()))?;
    const SERVICE: &str = "RelativeTimeFormat";
    string_option(&options, SERVICE, "localeMatcher", &["lookup", "best fit"])?;
    if string_option(&options, SERVICE, "numberingSystem", &[])?.is_some_and(|n| n != "latn") {
        return Err(JsErrorBox::range_error(
            "Intl.RelativeTimeFormat: option numberingSystem is not supported by actionhost",
        ));
    }
    let config = Config {
        locale: resolve_locale(&locales)?.to_string(),
        style: string_option(&options, SERVICE, "style", &["long", "short", "narrow"])?
            .unwrap_or_else(|| "long".into()),
        numeric: string_option(&options, SERVICE, "numeric", &["always", "auto"])?.unwrap_or_else(|| "always".into()),
    };
    build(&config, "day")?;
    let resolved = serde_json::json!({
        "locale": config.locale,
        "style": config.style,
        "numeric": config.numeric,
        "numberingSystem": "latn",
    });
    let config_text = serde_json::to_string(&config).expect("serializable");
    Ok(serde_json::json!({ "config": config_text, "resolved": resolved }).to_string())
}

/// `format(value, unit)` per `config`.
pub fn format(config_text: &str, value: f64, unit: &str) -> Result<String, JsErrorBox> {
    if !value.is_finite() {
        return Err(JsErrorBox::range_error("Invalid number value"));
    }
    let unit = singular_unit(unit)?;
    let key = format!("{unit}:{config_text}");
    let formatter = FORMATTERS.with(|cache| cache.get(&key, || build(&parse_config(config_text)?, unit)))?;
    let mut d = Decimal::try_from_f64(value, FloatPrecision::RoundTrip)
        .map_err(|_| JsErrorBox::range_error(format!("Intl.RelativeTimeFormat: cannot format {value}")))?;
    d.round_with_mode(-3, SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand));
    d.absolute.trim_end();
    Ok(writeable::Writeable::write_to_string(&formatter.format(d)).into_owned())
}

/// `format(value, unit)`.
#[deno_core::op2]
#[string]
pub fn op_intl_relative_time_format(
    #[string] config: String,
    value: f64,
    #[string] unit: String,
) -> Result<String, JsErrorBox> {
    format(&config, value, &unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_relative_times() {
        let config = |numeric: &str| {
            serde_json::to_string(&Config { locale: "en".into(), style: "long".into(), numeric: numeric.into() })
                .unwrap()
        };
        // Node 20: new Intl.RelativeTimeFormat("en", {numeric: "auto"}).format(-1, "day") === "yesterday"
        assert_eq!(format(&config("auto"), -1.0, "day").unwrap(), "yesterday");
        assert_eq!(format(&config("always"), 3.0, "days").unwrap(), "in 3 days");
        assert!(format(&config("always"), 3.0, "fortnight").is_err());
    }
}
