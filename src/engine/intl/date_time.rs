//! `Intl.DateTimeFormat` and `Date.prototype.toLocale…String`: ECMA-402's options bag resolved
//! into an ICU4X field set (`icu_datetime`'s `DateTimeFieldBag`, or the date/time styles), the
//! instant placed in its IANA time zone by jiff's bundled tzdb (every zone, no file read), and
//! the zone's names from ICU4X's compiled CLDR data.

use deno_error::JsErrorBox;
use icu_datetime::fieldbag::{field, DateTimeFieldBag};
use icu_datetime::fieldsets::builder::{DateFields, FieldSetBuilder, ZoneStyle};
use icu_datetime::fieldsets::enums::CompositeFieldSet;
use icu_datetime::options::{Length, TimePrecision, YearStyle};
use icu_datetime::{parts, DateTimeFormatter, DateTimeFormatterPreferences};
use icu_locale_core::preferences::extensions::unicode::keywords::HourCycle;
use icu_locale_core::Locale;
use icu_time::zone::iana::IanaParserExtended;
use icu_time::zone::UtcOffset;
use icu_time::{DateTime, Time, TimeZone, ZonedDateTime};
use serde::{Deserialize, Serialize};

use super::{data_error, parse_config, refuse, resolve_locale, string_option, Cache, Options, Parts, PartsSink};

/// What formatting needs: the resolved locale, zone and fields.
#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    pub locale: String,
    pub time_zone: String,
    pub hour12: Option<bool>,
    pub hour_cycle: Option<String>,
    pub date_style: Option<String>,
    pub time_style: Option<String>,
    pub weekday: Option<String>,
    pub era: Option<String>,
    pub year: Option<String>,
    pub month: Option<String>,
    pub day: Option<String>,
    pub hour: Option<String>,
    pub minute: Option<String>,
    pub second: Option<String>,
    pub time_zone_name: Option<String>,
}

const STYLES: &[&str] = &["full", "long", "medium", "short"];
const TEXT: &[&str] = &["narrow", "short", "long"];
const NUMERIC: &[&str] = &["numeric", "2-digit"];
const ZONE_NAMES: &[&str] = &["short", "long", "shortOffset", "longOffset", "shortGeneric", "longGeneric"];

/// Resolves `options` for `locales` (canonical tags). `required`/`defaults` are ECMA-402's
/// `ToDateTimeOptions` arguments: `date`, `time` or `any`/`all`.
pub fn resolve(locales: &[String], options: &Options, required: &str, defaults: &str) -> Result<Config, JsErrorBox> {
    let locale = resolve_locale(locales)?;
    refuse(options, "DateTimeFormat", &["dayPeriod", "fractionalSecondDigits"])?;
    if let Some(calendar) = string_option(options, "DateTimeFormat", "calendar", &[])? {
        if calendar != "gregory" && calendar != "iso8601" {
            return Err(JsErrorBox::range_error(format!(
                "Intl.DateTimeFormat: option calendar \"{calendar}\" is not supported by actionhost (only gregory)"
            )));
        }
    }
    if let Some(system) = string_option(options, "DateTimeFormat", "numberingSystem", &[])? {
        if system != "latn" {
            return Err(JsErrorBox::range_error(format!(
                "Intl.DateTimeFormat: option numberingSystem \"{system}\" is not supported by actionhost (only latn)"
            )));
        }
    }
    string_option(options, "DateTimeFormat", "localeMatcher", &["lookup", "best fit"])?;
    string_option(options, "DateTimeFormat", "formatMatcher", &["basic", "best fit"])?;
    let time_zone = match string_option(options, "DateTimeFormat", "timeZone", &[])? {
        None => "UTC".to_string(),
        Some(name) => canonical_zone(&name)?,
    };
    let hour12 = match options.get("hour12") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Bool(b)) => Some(*b),
        Some(other) => Some(!matches!(other, serde_json::Value::String(s) if s.is_empty())),
    };
    let hour_cycle = string_option(options, "DateTimeFormat", "hourCycle", &["h11", "h12", "h23", "h24"])?;
    if hour_cycle.as_deref() == Some("h24") && hour12.is_none() {
        return Err(JsErrorBox::range_error(
            "Intl.DateTimeFormat: option hourCycle \"h24\" is not supported by actionhost",
        ));
    }
    let mut config = Config {
        locale: locale.to_string(),
        time_zone,
        hour12,
        hour_cycle: if hour12.is_some() { None } else { hour_cycle },
        weekday: string_option(options, "DateTimeFormat", "weekday", TEXT)?,
        era: string_option(options, "DateTimeFormat", "era", TEXT)?,
        year: string_option(options, "DateTimeFormat", "year", NUMERIC)?,
        month: string_option(options, "DateTimeFormat", "month", &["numeric", "2-digit", "narrow", "short", "long"])?,
        day: string_option(options, "DateTimeFormat", "day", NUMERIC)?,
        hour: string_option(options, "DateTimeFormat", "hour", NUMERIC)?,
        minute: string_option(options, "DateTimeFormat", "minute", NUMERIC)?,
        second: string_option(options, "DateTimeFormat", "second", NUMERIC)?,
        time_zone_name: string_option(options, "DateTimeFormat", "timeZoneName", ZONE_NAMES)?,
        date_style: string_option(options, "DateTimeFormat", "dateStyle", STYLES)?,
        time_style: string_option(options, "DateTimeFormat", "timeStyle", STYLES)?,
    };
    let components = [
        ("weekday", &config.weekday),
        ("era", &config.era),
        ("year", &config.year),
        ("month", &config.month),
        ("day", &config.day),
        ("hour", &config.hour),
        ("minute", &config.minute),
        ("second", &config.second),
        ("timeZoneName", &config.time_zone_name),
    ];
    let styled = config.date_style.is_some() || config.time_style.is_some();
    if styled {
        if let Some((name, _)) = components.iter().find(|(_, v)| v.is_some()) {
            let style = if config.date_style.is_some() { "dateStyle" } else { "timeStyle" };
            return Err(JsErrorBox::type_error(format!("Can't set option {name} when {style} is used")));
        }
        if required == "date" && config.time_style.is_some() {
            return Err(JsErrorBox::type_error("Invalid option : timeStyle"));
        }
        if required == "time" && config.date_style.is_some() {
            return Err(JsErrorBox::type_error("Invalid option : dateStyle"));
        }
    } else {
        let has_date =
            config.weekday.is_some() || config.year.is_some() || config.month.is_some() || config.day.is_some();
        let has_time = config.hour.is_some() || config.minute.is_some() || config.second.is_some();
        let need_defaults = match required {
            "date" => !has_date,
            "time" => !has_time,
            _ => !has_date && !has_time,
        };
        if need_defaults && (defaults == "date" || defaults == "all") {
            config.year = Some("numeric".into());
            config.month = Some("numeric".into());
            config.day = Some("numeric".into());
        }
        if need_defaults && (defaults == "time" || defaults == "all") {
            config.hour = Some("numeric".into());
            config.minute = Some("numeric".into());
            config.second = Some("numeric".into());
        }
    }
    // Build once now, so that options ICU4X cannot combine fail here, not at format time.
    build(&config)?;
    Ok(config)
}

/// The IANA name Node reports for `name` (any case; links to their canonical zone), or a
/// `RangeError` for a zone the bundled tzdb does not have.
pub fn canonical_zone(name: &str) -> Result<String, JsErrorBox> {
    let upper = name.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "UTC"
            | "GMT"
            | "ETC/UTC"
            | "ETC/GMT"
            | "ETC/UCT"
            | "UCT"
            | "ETC/ZULU"
            | "ZULU"
            | "ETC/UNIVERSAL"
            | "UNIVERSAL"
            | "ETC/GREENWICH"
            | "GREENWICH"
            | "ETC/GMT0"
            | "GMT0"
            | "ETC/GMT+0"
            | "ETC/GMT-0"
            | "GMT+0"
            | "GMT-0"
    ) {
        return Ok("UTC".into());
    }
    let zone = jiff::tz::TimeZone::get(name)
        .map_err(|_| JsErrorBox::range_error(format!("Invalid time zone specified: {name}")))?;
    let iana = zone.iana_name().unwrap_or(name).to_string();
    let parsed = IanaParserExtended::new().parse(&iana);
    if parsed.time_zone.is_unknown() || parsed.canonical.is_empty() {
        return Ok(iana);
    }
    Ok(parsed.canonical.to_string())
}

/// A built formatter and the zone it formats in.
pub struct Built {
    formatter: DateTimeFormatter<CompositeFieldSet>,
    zone: jiff::tz::TimeZone,
    icu_zone: TimeZone,
}

fn text_length(value: &str) -> (field::Weekday, field::Era) {
    match value {
        "narrow" => (field::Weekday::Narrow, field::Era::Narrow),
        "long" => (field::Weekday::Long, field::Era::Long),
        _ => (field::Weekday::Short, field::Era::Short),
    }
}

fn build(config: &Config) -> Result<Built, JsErrorBox> {
    let locale: Locale = config.locale.parse().map_err(|_| JsErrorBox::type_error("Intl: bad resolved locale"))?;
    let mut prefs = DateTimeFormatterPreferences::from(&locale);
    prefs.hour_cycle = match config.hour_cycle.as_deref() {
        Some("h11") => Some(HourCycle::H11),
        Some("h12") => Some(HourCycle::H12),
        Some("h23") => Some(HourCycle::H23),
        _ => None,
    };
    let field_set = if config.date_style.is_some() || config.time_style.is_some() {
        let mut builder = FieldSetBuilder::new();
        let length = |s: &str| match s {
            "full" | "long" => Length::Long,
            "medium" => Length::Medium,
            _ => Length::Short,
        };
        if let Some(style) = config.date_style.as_deref() {
            builder.length = Some(length(style));
            builder.date_fields = Some(if style == "full" { DateFields::YMDE } else { DateFields::YMD });
        }
        if let Some(style) = config.time_style.as_deref() {
            if builder.length.is_none() {
                builder.length = Some(length(style));
            }
            builder.time_precision = Some(if style == "short" { TimePrecision::Minute } else { TimePrecision::Second });
            builder.zone_style = match style {
                "full" => Some(ZoneStyle::SpecificLong),
                "long" => Some(ZoneStyle::SpecificShort),
                _ => None,
            };
            if let Some(h12) = config.hour12 {
                prefs.hour_cycle = Some(if h12 { HourCycle::H12 } else { HourCycle::H23 });
            }
        }
        if config.date_style.as_deref() == Some("short") {
            builder.year_style = Some(YearStyle::Auto);
        }
        builder.build_composite().map_err(|e| {
            JsErrorBox::range_error(format!("Intl.DateTimeFormat: these dateStyle/timeStyle are not supported: {e}"))
        })?
    } else {
        let mut bag = DateTimeFieldBag::default();
        bag.weekday = config.weekday.as_deref().map(|v| text_length(v).0);
        bag.era = config.era.as_deref().map(|v| text_length(v).1);
        let numeric = |v: &str| v == "numeric";
        bag.year =
            config.year.as_deref().map(|v| if numeric(v) { field::Year::Numeric } else { field::Year::TwoDigit });
        bag.month = config.month.as_deref().map(|v| match v {
            "numeric" => field::Month::Numeric,
            "2-digit" => field::Month::TwoDigit,
            "narrow" => field::Month::Narrow,
            "short" => field::Month::Short,
            _ => field::Month::Long,
        });
        bag.day = config.day.as_deref().map(|v| if numeric(v) { field::Day::Numeric } else { field::Day::TwoDigit });
        bag.hour =
            config.hour.as_deref().map(|v| if numeric(v) { field::Hour::Numeric } else { field::Hour::TwoDigit });
        bag.minute =
            config.minute.as_deref().map(|v| if numeric(v) { field::Minute::Numeric } else { field::Minute::TwoDigit });
        bag.second =
            config.second.as_deref().map(|v| if numeric(v) { field::Second::Numeric } else { field::Second::TwoDigit });
        bag.time_zone_name = config.time_zone_name.as_deref().map(|v| match v {
            "short" => field::TimeZoneName::ShortSpecific,
            "long" => field::TimeZoneName::LongSpecific,
            "shortOffset" => field::TimeZoneName::ShortOffset,
            "longOffset" => field::TimeZoneName::LongOffset,
            "shortGeneric" => field::TimeZoneName::ShortGeneric,
            _ => field::TimeZoneName::LongGeneric,
        });
        if let Some(h12) = config.hour12 {
            prefs.hour_cycle = Some(if h12 { HourCycle::H12 } else { HourCycle::H23 });
        }
        bag.to_field_set_builder().build_composite().map_err(|e| {
            JsErrorBox::range_error(format!("Intl.DateTimeFormat: this combination of options is not supported: {e}"))
        })?
    };
    let formatter =
        DateTimeFormatter::try_new(prefs, field_set).map_err(|e| data_error("DateTimeFormat", &locale, e))?;
    let zone = if config.time_zone == "UTC" {
        jiff::tz::TimeZone::UTC
    } else {
        jiff::tz::TimeZone::get(&config.time_zone)
            .map_err(|_| JsErrorBox::range_error(format!("Invalid time zone specified: {}", config.time_zone)))?
    };
    let icu_zone = TimeZone::from_iana_id(&config.time_zone);
    Ok(Built { formatter, zone, icu_zone })
}

thread_local! {
    static FORMATTERS: Cache<Built> = Cache::new();
}

/// The parts of instant `epoch_ms` formatted per `config`, and the pattern used.
pub fn format(config_text: &str, epoch_ms: f64) -> Result<(Parts, String), JsErrorBox> {
    if !epoch_ms.is_finite() || epoch_ms.abs() > 8.64e15 {
        return Err(JsErrorBox::range_error("Invalid time value"));
    }
    let built = FORMATTERS.with(|cache| {
        cache.get(config_text, || {
            let config: Config = parse_config(config_text)?;
            build(&config)
        })
    })?;
    let ms = epoch_ms.trunc() as i64;
    let timestamp = jiff::Timestamp::from_millisecond(ms).map_err(|_| {
        JsErrorBox::range_error(
            "Intl.DateTimeFormat: dates outside the years -9999 to 9999 are not supported by actionhost",
        )
    })?;
    let zoned = timestamp.to_zoned_datetime(built.zone.clone());
    let local = zoned.datetime();
    let date = icu_calendar::Date::try_new_iso(i32::from(local.year()), local.month() as u8, local.day() as u8)
        .map_err(|e| JsErrorBox::range_error(format!("Intl.DateTimeFormat: {e}")))?;
    let time =
        Time::try_new(local.hour() as u8, local.minute() as u8, local.second() as u8, local.subsec_nanosecond() as u32)
            .map_err(|e| JsErrorBox::range_error(format!("Intl.DateTimeFormat: {e}")))?;
    let offset = UtcOffset::try_from_seconds(zoned.offset().seconds())
        .map_err(|e| JsErrorBox::range_error(format!("Intl.DateTimeFormat: {e}")))?;
    let zone = built.icu_zone.with_offset(Some(offset)).at_date_time(DateTime { date, time });
    let input = ZonedDateTime { date, time, zone };
    let formatted = built.formatter.format(&input);
    let mut sink = PartsSink::default();
    writeable::Writeable::write_to_parts(&formatted, &mut sink)
        .map_err(|_| JsErrorBox::type_error("Intl.DateTimeFormat: formatting failed"))?;
    let parts = sink.split(|part| {
        Some(match *part {
            parts::ERA => "era",
            parts::YEAR => "year",
            parts::RELATED_YEAR => "relatedYear",
            parts::YEAR_NAME => "yearName",
            parts::MONTH => "month",
            parts::DAY => "day",
            parts::WEEKDAY => "weekday",
            parts::DAY_PERIOD => "dayPeriod",
            parts::HOUR => "hour",
            parts::MINUTE => "minute",
            parts::SECOND => "second",
            parts::TIME_ZONE_NAME => "timeZoneName",
            _ => return None,
        })
    });
    Ok((parts, formatted.pattern().to_string()))
}

/// `resolvedOptions()`'s component fields as the pattern shows them (as V8 reports them).
pub fn resolved_fields(pattern: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    let mut chars = pattern.chars().peekable();
    let mut quoted = false;
    let text = |n: usize| match n {
        4 => "long",
        5 => "narrow",
        _ => "short",
    };
    let num = |n: usize| if n == 2 { "2-digit" } else { "numeric" };
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
            continue;
        }
        if quoted || !c.is_ascii_alphabetic() {
            continue;
        }
        let mut n = 1;
        while chars.peek() == Some(&c) {
            chars.next();
            n += 1;
        }
        let (key, value): (&str, String) = match c {
            'G' => ("era", text(n).into()),
            'y' => ("year", num(n).into()),
            'M' | 'L' => ("month", if n <= 2 { num(n).into() } else { text(n).into() }),
            'd' => ("day", num(n).into()),
            'E' | 'c' | 'e' => ("weekday", text(n).into()),
            'h' | 'H' | 'k' | 'K' => {
                let cycle = match c {
                    'h' => "h12",
                    'H' => "h23",
                    'k' => "h24",
                    _ => "h11",
                };
                out.insert("hourCycle".into(), cycle.into());
                out.insert("hour12".into(), (c == 'h' || c == 'K').into());
                ("hour", num(n).into())
            }
            'm' => ("minute", "2-digit".into()),
            's' => ("second", "2-digit".into()),
            'z' => ("timeZoneName", if n == 4 { "long" } else { "short" }.into()),
            'O' => ("timeZoneName", if n == 4 { "longOffset" } else { "shortOffset" }.into()),
            'v' => ("timeZoneName", if n == 4 { "longGeneric" } else { "shortGeneric" }.into()),
            _ => continue,
        };
        out.insert(key.into(), value.into());
    }
    out
}

/// Resolves options; returns `{config, resolved}` as JSON text: `config` for the format op,
/// `resolved` for `resolvedOptions()`.
#[deno_core::op2]
#[string]
pub fn op_intl_date_time_resolve(
    #[serde] locales: Vec<String>,
    #[string] options: String,
    #[string] required: String,
    #[string] defaults: String,
) -> Result<String, JsErrorBox> {
    let options: Options = serde_json::from_str(&options).map_err(|e| JsErrorBox::type_error(e.to_string()))?;
    let config = resolve(&locales, &options, &required, &defaults)?;
    let config_text = serde_json::to_string(&config).expect("serializable");
    // The pattern for an arbitrary instant tells which fields (and hour cycle) are shown.
    let (_, pattern) = format(&config_text, 0.0)?;
    let mut resolved = serde_json::Map::new();
    resolved.insert("locale".into(), config.locale.clone().into());
    resolved.insert("calendar".into(), "gregory".into());
    resolved.insert("numberingSystem".into(), "latn".into());
    resolved.insert("timeZone".into(), config.time_zone.clone().into());
    let fields = resolved_fields(&pattern);
    if config.hour.is_some() || config.time_style.is_some() {
        for key in ["hourCycle", "hour12"] {
            if let Some(v) = fields.get(key) {
                resolved.insert(key.into(), v.clone());
            }
        }
    }
    if config.date_style.is_some() || config.time_style.is_some() {
        if let Some(s) = &config.date_style {
            resolved.insert("dateStyle".into(), s.clone().into());
        }
        if let Some(s) = &config.time_style {
            resolved.insert("timeStyle".into(), s.clone().into());
        }
    } else {
        for key in ["weekday", "era", "year", "month", "day", "hour", "minute", "second", "timeZoneName"] {
            if let Some(v) = fields.get(key) {
                resolved.insert(key.into(), v.clone());
            }
        }
    }
    Ok(serde_json::json!({ "config": config_text, "resolved": resolved }).to_string())
}

/// Formats instant `epoch_ms` (ms since the epoch) per `config`: its parts.
#[deno_core::op2]
#[serde]
pub fn op_intl_date_time_format(#[string] config: String, epoch_ms: f64) -> Result<Parts, JsErrorBox> {
    Ok(format(&config, epoch_ms)?.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(locale: &str, options: serde_json::Value, ms: f64) -> String {
        let options: Options = serde_json::from_value(options).unwrap();
        let config = resolve(&[locale.to_string()], &options, "any", "all").unwrap();
        let (parts, _) = format(&serde_json::to_string(&config).unwrap(), ms).unwrap();
        // As `format()` in js_runtime/intl.js: V8 shows CLDR's narrow no-break spaces as spaces.
        parts.into_iter().map(|(_, v)| v).collect::<String>().replace('\u{202f}', " ")
    }

    #[test]
    fn places_the_instant_in_the_time_zone() {
        // Node 20: new Date(0).toLocaleString("en-US", {timeZone: "America/New_York"})
        assert_eq!(text("en-US", serde_json::json!({"timeZone": "America/New_York"}), 0.0), "12/31/1969, 7:00:00 PM");
        assert_eq!(text("en-US", serde_json::json!({"timeZone": "Asia/Kolkata"}), 0.0), "1/1/1970, 5:30:00 AM");
    }

    #[test]
    fn refuses_an_unknown_zone_and_unsupported_options() {
        let options: Options = serde_json::from_value(serde_json::json!({"timeZone": "Mars/Olympus"})).unwrap();
        let err = resolve(&["en".into()], &options, "any", "all").unwrap_err();
        assert_eq!(err.to_string(), "Invalid time zone specified: Mars/Olympus");
        let options: Options = serde_json::from_value(serde_json::json!({"calendar": "japanese"})).unwrap();
        let err = resolve(&["en".into()], &options, "any", "all").unwrap_err();
        assert!(err.to_string().contains("option calendar \"japanese\" is not supported"), "{err}");
    }
}
