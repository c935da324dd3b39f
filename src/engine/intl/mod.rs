//! `Intl` for the QuickJS backend, whose own `Intl` is a stub: ops over ICU4X (its compiled CLDR
//! data) and jiff (its bundled time-zone database), which `js_runtime/intl.js` wraps in
//! `Intl.DateTimeFormat`, `NumberFormat`, `Collator`, `PluralRules`, `RelativeTimeFormat` and the
//! `toLocale…String`/`localeCompare` methods. No data is read from disk at run time.
//!
//! Each service resolves its options once (`op_intl_*_resolve`: validates them, throwing a
//! `RangeError`/`TypeError` that names an unsupported option or value, and returns the resolved
//! options plus a `config`, JSON text of what formatting needs) and formats with that `config`.
//! Formatters built from a `config` are cached per worker thread ([`Cache`]).

pub mod collator;
pub mod date_time;
pub mod number;
pub mod plural;
pub mod relative_time;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use deno_error::JsErrorBox;
use icu_locale::{LocaleCanonicalizer, LocaleExpander, TransformResult};
use icu_locale_core::Locale;

/// The locale used when a script names none (Auth0's runtime: `en-US`).
pub const DEFAULT_LOCALE: &str = "en-US";

/// The ops `js_runtime/intl.js` uses.
pub fn ops() -> Vec<deno_core::OpDecl> {
    vec![
        op_intl_canonical_locales(),
        op_intl_supported_locales(),
        date_time::op_intl_date_time_resolve(),
        date_time::op_intl_date_time_format(),
        number::op_intl_number_resolve(),
        number::op_intl_number_format(),
        collator::op_intl_collator_resolve(),
        collator::op_intl_collator_compare(),
        plural::op_intl_plural_resolve(),
        plural::op_intl_plural_select(),
        relative_time::op_intl_relative_time_resolve(),
        relative_time::op_intl_relative_time_format(),
    ]
}

/// A BCP 47 tag, parsed and canonicalized (`EN-us` → `en-US`, `iw` → `he`).
pub fn canonical_locale(tag: &str) -> Result<Locale, JsErrorBox> {
    let mut locale = Locale::try_from_str(tag)
        .map_err(|_| JsErrorBox::range_error(format!("Incorrect locale information provided: {tag}")))?;
    LocaleCanonicalizer::new_extended().canonicalize(&mut locale);
    Ok(locale)
}

/// Whether CLDR knows this locale's language: its likely subtags (ICU4X's compiled data) can
/// complete it (`xx` has none).
fn has_data(locale: &Locale) -> bool {
    let mut id = locale.id.clone();
    id.script = None;
    id.region = None;
    !id.language.is_unknown() && LocaleExpander::new_extended().maximize(&mut id) == TransformResult::Modified
}

/// The locale a service uses for `requested` (already canonical tags): the first with data, or
/// [`DEFAULT_LOCALE`] when none is requested. Unicode extensions (`-u-…`) are refused: their
/// keywords (calendar, numbering system, hour cycle, collation) are not supported.
pub fn resolve_locale(requested: &[String]) -> Result<Locale, JsErrorBox> {
    if requested.is_empty() {
        return canonical_locale(DEFAULT_LOCALE);
    }
    for tag in requested {
        let locale = canonical_locale(tag)?;
        if !locale.extensions.is_empty() {
            return Err(JsErrorBox::range_error(format!(
                "Intl: locale extensions are not supported (locale \"{tag}\"); pass options instead"
            )));
        }
        if has_data(&locale) {
            return Ok(locale);
        }
    }
    Err(JsErrorBox::range_error(format!("Intl: no supported locale among {}", requested.join(", "))))
}

/// `Intl.getCanonicalLocales`: canonical tags, duplicates removed.
#[deno_core::op2]
#[serde]
fn op_intl_canonical_locales(#[serde] tags: Vec<String>) -> Result<Vec<String>, JsErrorBox> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let canonical = canonical_locale(&tag)?.to_string();
        if !out.contains(&canonical) {
            out.push(canonical);
        }
    }
    Ok(out)
}

/// `supportedLocalesOf`: the canonical tags among `tags` that have data.
#[deno_core::op2]
#[serde]
fn op_intl_supported_locales(#[serde] tags: Vec<String>) -> Result<Vec<String>, JsErrorBox> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let locale = canonical_locale(&tag)?;
        let canonical = locale.to_string();
        if locale.extensions.is_empty() && has_data(&locale) && !out.contains(&canonical) {
            out.push(canonical);
        }
    }
    Ok(out)
}

/// Formatters by the JSON `config` they were built from, per worker thread; at most
/// [`Cache::LIMIT`] of each kind (the oldest half is dropped past that).
pub struct Cache<T> {
    entries: RefCell<HashMap<String, (u64, Rc<T>)>>,
    clock: std::cell::Cell<u64>,
}

impl<T> Cache<T> {
    const LIMIT: usize = 64;

    pub fn new() -> Self {
        Cache { entries: RefCell::new(HashMap::new()), clock: std::cell::Cell::new(0) }
    }

    /// The formatter for `config`, built by `build` the first time.
    pub fn get(&self, config: &str, build: impl FnOnce() -> Result<T, JsErrorBox>) -> Result<Rc<T>, JsErrorBox> {
        let tick = self.clock.get() + 1;
        self.clock.set(tick);
        if let Some(entry) = self.entries.borrow_mut().get_mut(config) {
            entry.0 = tick;
            return Ok(entry.1.clone());
        }
        let built = Rc::new(build()?);
        let mut entries = self.entries.borrow_mut();
        if entries.len() >= Self::LIMIT {
            let mut ticks: Vec<u64> = entries.values().map(|e| e.0).collect();
            ticks.sort_unstable();
            let cut = ticks[ticks.len() / 2];
            entries.retain(|_, e| e.0 > cut);
        }
        entries.insert(config.to_string(), (tick, built.clone()));
        Ok(built)
    }
}

impl<T> Default for Cache<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// A `config` JSON text back into its struct (it is ours: made by a resolve op).
pub fn parse_config<T: serde::de::DeserializeOwned>(config: &str) -> Result<T, JsErrorBox> {
    serde_json::from_str(config)
        .map_err(|e| JsErrorBox::type_error(format!("Intl: invalid internal formatter state: {e}")))
}

/// An ICU4X data error as a `RangeError` naming what was being built.
pub fn data_error(what: &str, locale: &Locale, error: impl std::fmt::Display) -> JsErrorBox {
    JsErrorBox::range_error(format!("Intl.{what}: no data for locale {locale}: {error}"))
}

/// Options as JS passed them: every value already a string, boolean or number (see intl.js).
pub type Options = serde_json::Map<String, serde_json::Value>;

/// Reads string option `name`, which must be one of `allowed` (ECMA-402 `GetOption`).
pub fn string_option(
    options: &Options,
    service: &str,
    name: &str,
    allowed: &[&str],
) -> Result<Option<String>, JsErrorBox> {
    match options.get(name) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(value) => {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if allowed.is_empty() || allowed.contains(&text.as_str()) {
                Ok(Some(text))
            } else {
                Err(JsErrorBox::range_error(format!(
                    "Value {text} out of range for Intl.{service} options property {name}"
                )))
            }
        }
    }
}

/// Refuses options this implementation does not support, naming the first one given.
pub fn refuse(options: &Options, service: &str, names: &[&str]) -> Result<(), JsErrorBox> {
    for name in names {
        if options.get(*name).is_some_and(|v| !v.is_null()) {
            return Err(JsErrorBox::range_error(format!(
                "Intl.{service}: option {name} is not supported by actionhost"
            )));
        }
    }
    Ok(())
}

/// Parts of a formatted value: `(ECMA-402 part type, text)`.
pub type Parts = Vec<(String, String)>;

/// Collects the text a `Writeable` writes and the parts it annotates, as `(start, end, part)`.
#[derive(Default)]
pub struct PartsSink {
    pub text: String,
    pub parts: Vec<(usize, usize, writeable::Part)>,
}

impl std::fmt::Write for PartsSink {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.text.push_str(s);
        Ok(())
    }
}

impl writeable::PartsWrite for PartsSink {
    type SubPartsWrite = Self;

    fn with_part(
        &mut self,
        part: writeable::Part,
        mut f: impl FnMut(&mut Self::SubPartsWrite) -> std::fmt::Result,
    ) -> std::fmt::Result {
        let start = self.text.len();
        f(self)?;
        self.parts.push((start, self.text.len(), part));
        Ok(())
    }
}

impl PartsSink {
    /// The text split into ECMA-402 parts: each annotated range whose part `name` maps to a
    /// type, the text between them `literal`.
    pub fn split(&self, name: impl Fn(&writeable::Part) -> Option<&'static str>) -> Parts {
        let mut ranges: Vec<(usize, usize, &'static str)> =
            self.parts.iter().filter_map(|(s, e, p)| name(p).map(|n| (*s, *e, n))).collect();
        ranges.sort_by_key(|r| (r.0, std::cmp::Reverse(r.1)));
        let mut out: Parts = Vec::new();
        let mut at = 0;
        for (start, end, kind) in ranges {
            if start < at {
                continue; // nested in a part already taken
            }
            if start > at {
                push_literal(&mut out, &self.text[at..start]);
            }
            out.push((kind.to_string(), self.text[start..end].to_string()));
            at = end;
        }
        if at < self.text.len() {
            push_literal(&mut out, &self.text[at..]);
        }
        out
    }
}

fn push_literal(out: &mut Parts, text: &str) {
    match out.last_mut() {
        Some((kind, value)) if kind == "literal" => value.push_str(text),
        _ => out.push(("literal".to_string(), text.to_string())),
    }
}
