// intl.js: `Intl` for the QuickJS backend, whose own `Intl` is a stub (it ignores time zones and
// locales). `install` replaces `globalThis.Intl` with DateTimeFormat, NumberFormat, Collator,
// PluralRules and RelativeTimeFormat over the ops of src/engine/intl/ (ICU4X data, jiff's
// bundled tzdb), and Date's `toLocale…String`, Number's `toLocaleString` and String's
// `localeCompare` with them. Intl services it does not implement throw a TypeError that says so;
// options it does not support throw a RangeError naming them (from the ops). It runs once at
// start-up, before lockdown freezes the built-ins; formatter objects hold only their frozen
// resolved options. An engine whose Intl already answers correctly (V8) is left alone.

import {
  op_intl_canonical_locales,
  op_intl_collator_compare,
  op_intl_collator_resolve,
  op_intl_date_time_format,
  op_intl_date_time_resolve,
  op_intl_number_format,
  op_intl_number_resolve,
  op_intl_plural_resolve,
  op_intl_plural_select,
  op_intl_relative_time_format,
  op_intl_relative_time_resolve,
  op_intl_supported_locales,
} from "ext:core/ops";

const { getTime } = Date.prototype;
const numberValueOf = Number.prototype.valueOf;
const { isArray } = Array;

/** Whether the engine's own Intl gives Node's answers (then it is kept). */
function nativeIntlWorks() {
  try {
    return (
      new Intl.NumberFormat("de-DE").format(1234.5) === "1.234,5" &&
      new Date(0).toLocaleString("en-US", { timeZone: "America/New_York" }) === "12/31/1969, 7:00:00 PM" &&
      typeof Intl.DateTimeFormat.prototype.formatToParts === "function"
    );
  } catch {
    return false;
  }
}

/** ECMA-402 CanonicalizeLocaleList: canonical tags, duplicates removed. */
function canonicalLocaleList(locales) {
  if (locales === undefined) return [];
  if (typeof locales === "string") return op_intl_canonical_locales([locales]);
  if (locales === null) throw new TypeError("Cannot convert undefined or null to object");
  const object = Object(locales);
  const length = Math.min(Math.max(Math.trunc(Number(object.length)) || 0, 0), 2 ** 32);
  const tags = [];
  for (let k = 0; k < length; k++) {
    if (!(k in object)) continue;
    const value = object[k];
    if (typeof value !== "string" && (typeof value !== "object" || value === null)) {
      throw new TypeError(`Language ID should be string or object.`);
    }
    tags.push(String(value));
  }
  return op_intl_canonical_locales(tags);
}

/**
 * The options a service reads, as JSON text for its resolve op: `kinds` maps each option name
 * to how ECMA-402 coerces it (`s` string, `b` boolean, `n` number, `g` useGrouping's mix).
 */
function optionsText(options, kinds) {
  if (options === undefined) return "{}";
  if (options === null) throw new TypeError("Cannot convert undefined or null to object");
  const object = Object(options);
  const out = {};
  for (const name of Object.keys(kinds)) {
    const value = object[name];
    if (value === undefined) continue;
    switch (kinds[name]) {
      case "b":
        out[name] = Boolean(value);
        break;
      case "n":
        out[name] = Number(value);
        break;
      case "g":
        out[name] = typeof value === "boolean" ? value : String(value);
        break;
      default:
        out[name] = String(value);
    }
  }
  return JSON.stringify(out);
}

const DATE_TIME_OPTIONS = {
  localeMatcher: "s",
  calendar: "s",
  numberingSystem: "s",
  hour12: "b",
  hourCycle: "s",
  timeZone: "s",
  weekday: "s",
  era: "s",
  year: "s",
  month: "s",
  day: "s",
  dayPeriod: "s",
  hour: "s",
  minute: "s",
  second: "s",
  fractionalSecondDigits: "n",
  timeZoneName: "s",
  formatMatcher: "s",
  dateStyle: "s",
  timeStyle: "s",
};
const NUMBER_OPTIONS = {
  localeMatcher: "s",
  numberingSystem: "s",
  style: "s",
  currency: "s",
  currencyDisplay: "s",
  currencySign: "s",
  unit: "s",
  unitDisplay: "s",
  notation: "s",
  compactDisplay: "s",
  signDisplay: "s",
  minimumIntegerDigits: "n",
  minimumFractionDigits: "n",
  maximumFractionDigits: "n",
  minimumSignificantDigits: "n",
  maximumSignificantDigits: "n",
  useGrouping: "g",
  roundingMode: "s",
  roundingIncrement: "n",
  roundingPriority: "s",
  trailingZeroDisplay: "s",
};
const COLLATOR_OPTIONS = {
  usage: "s",
  localeMatcher: "s",
  collation: "s",
  numeric: "b",
  caseFirst: "s",
  sensitivity: "s",
  ignorePunctuation: "b",
};
const PLURAL_OPTIONS = {
  localeMatcher: "s",
  type: "s",
  minimumIntegerDigits: "n",
  minimumFractionDigits: "n",
  maximumFractionDigits: "n",
  minimumSignificantDigits: "n",
  maximumSignificantDigits: "n",
};
const RELATIVE_TIME_OPTIONS = { localeMatcher: "s", numberingSystem: "s", style: "s", numeric: "s" };

/** Each formatter object → `{service, config, resolved}` (frozen, set once by its constructor). */
const slots = new WeakMap();

function slotOf(object, service, method) {
  const slot = typeof object === "object" && object !== null ? slots.get(object) : undefined;
  if (slot === undefined || slot.service !== service) {
    throw new TypeError(`Method Intl.${service}.prototype.${method} called on incompatible receiver ${String(object)}`);
  }
  return slot;
}

function initialize(object, service, resolveText) {
  const { config, resolved } = JSON.parse(resolveText);
  slots.set(object, Object.freeze({ service, config, resolved: Object.freeze(resolved) }));
  return object;
}

/** Copies of the resolved options, as `resolvedOptions()` returns them. */
function resolvedCopy(slot) {
  const out = {};
  for (const key of Object.keys(slot.resolved)) {
    const value = slot.resolved[key];
    out[key] = isArray(value) ? [...value] : value;
  }
  return out;
}

function supportedLocalesOf(locales, options) {
  if (options !== undefined) optionsText(options, { localeMatcher: "s" });
  return op_intl_supported_locales(canonicalLocaleList(locales));
}

/** Defines non-enumerable methods (and `get` accessors) on `target`, as built-ins have them. */
function defineMethods(target, methods) {
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(target, name, { value: fn, writable: true, enumerable: false, configurable: true });
  }
}

function defineGetter(target, name, get) {
  Object.defineProperty(target, name, { get, enumerable: false, configurable: true });
}

function defineTag(proto, tag) {
  Object.defineProperty(proto, Symbol.toStringTag, { value: tag, configurable: true });
}

// ---- DateTimeFormat ----

function createDateTimeFormat(object, locales, options, required, defaults) {
  const text = op_intl_date_time_resolve(canonicalLocaleList(locales), optionsText(options, DATE_TIME_OPTIONS), required, defaults);
  return initialize(object, "DateTimeFormat", text);
}

function timeValue(date) {
  const x = date === undefined ? Date.now() : Number(date);
  if (!Number.isFinite(x)) throw new RangeError("Invalid time value");
  return x;
}

function DateTimeFormat(locales, options) {
  if (new.target === undefined) return new DateTimeFormat(locales, options);
  createDateTimeFormat(this, locales, options, "any", "date");
}

defineMethods(DateTimeFormat, {
  supportedLocalesOf(locales, options = undefined) {
    return supportedLocalesOf(locales, options);
  },
});
defineGetter(DateTimeFormat.prototype, "format", function format() {
  const slot = slotOf(this, "DateTimeFormat", "format");
  return (date) => joinParts(dateTimeParts(slot, date));
});
defineMethods(DateTimeFormat.prototype, {
  formatToParts(date) {
    return dateTimeParts(slotOf(this, "DateTimeFormat", "formatToParts"), date);
  },
  resolvedOptions() {
    return resolvedCopy(slotOf(this, "DateTimeFormat", "resolvedOptions"));
  },
});
defineTag(DateTimeFormat.prototype, "Intl.DateTimeFormat");

function dateTimeParts(slot, date) {
  return op_intl_date_time_format(slot.config, timeValue(date)).map(([type, value]) => ({ type, value }));
}

/**
 * The formatted text of `parts`. As V8, `format()` shows the narrow no-break space CLDR puts in
 * time patterns ("7:00\u202fPM") as an ordinary space; `formatToParts()` keeps it.
 */
function joinParts(parts) {
  return parts
    .map((p) => p.value)
    .join("")
    .replace(/\u202f/g, " ");
}

/** Date.prototype.toLocale…String: "Invalid Date" for an invalid date, as Node. */
function dateToLocale(required, defaults) {
  return function (locales = undefined, options = undefined) {
    const t = getTime.call(this);
    if (Number.isNaN(t)) return "Invalid Date";
    const format = createDateTimeFormat({}, locales, options, required, defaults);
    return joinParts(dateTimeParts(slots.get(format), t));
  };
}

// ---- NumberFormat ----

function NumberFormat(locales, options) {
  if (new.target === undefined) return new NumberFormat(locales, options);
  initialize(this, "NumberFormat", op_intl_number_resolve(canonicalLocaleList(locales), optionsText(options, NUMBER_OPTIONS)));
}

function numberValue(value) {
  if (typeof value === "bigint") {
    const n = Number(value);
    if (BigInt(n) !== value) throw new RangeError("Intl.NumberFormat: BigInt values beyond 2^53 are not supported by actionhost");
    return n;
  }
  return Number(value);
}

defineMethods(NumberFormat, {
  supportedLocalesOf(locales, options = undefined) {
    return supportedLocalesOf(locales, options);
  },
});
defineGetter(NumberFormat.prototype, "format", function format() {
  const slot = slotOf(this, "NumberFormat", "format");
  return (value) => op_intl_number_format(slot.config, numberValue(value));
});
defineMethods(NumberFormat.prototype, {
  formatToParts() {
    slotOf(this, "NumberFormat", "formatToParts");
    throw new TypeError("Intl.NumberFormat.prototype.formatToParts is not supported by actionhost");
  },
  resolvedOptions() {
    return resolvedCopy(slotOf(this, "NumberFormat", "resolvedOptions"));
  },
});
defineTag(NumberFormat.prototype, "Intl.NumberFormat");

// ---- Collator ----

function Collator(locales, options) {
  if (new.target === undefined) return new Collator(locales, options);
  initialize(this, "Collator", op_intl_collator_resolve(canonicalLocaleList(locales), optionsText(options, COLLATOR_OPTIONS)));
}

defineMethods(Collator, {
  supportedLocalesOf(locales, options = undefined) {
    return supportedLocalesOf(locales, options);
  },
});
defineGetter(Collator.prototype, "compare", function compare() {
  const slot = slotOf(this, "Collator", "compare");
  return (a, b) => op_intl_collator_compare(slot.config, String(a), String(b));
});
defineMethods(Collator.prototype, {
  resolvedOptions() {
    return resolvedCopy(slotOf(this, "Collator", "resolvedOptions"));
  },
});
defineTag(Collator.prototype, "Intl.Collator");

// ---- PluralRules ----

function PluralRules(locales, options) {
  if (new.target === undefined) throw new TypeError("Constructor Intl.PluralRules requires 'new'");
  initialize(this, "PluralRules", op_intl_plural_resolve(canonicalLocaleList(locales), optionsText(options, PLURAL_OPTIONS)));
}

defineMethods(PluralRules, {
  supportedLocalesOf(locales, options = undefined) {
    return supportedLocalesOf(locales, options);
  },
});
defineMethods(PluralRules.prototype, {
  select(value) {
    return op_intl_plural_select(slotOf(this, "PluralRules", "select").config, Number(value));
  },
  resolvedOptions() {
    return resolvedCopy(slotOf(this, "PluralRules", "resolvedOptions"));
  },
});
defineTag(PluralRules.prototype, "Intl.PluralRules");

// ---- RelativeTimeFormat ----

function RelativeTimeFormat(locales, options) {
  if (new.target === undefined) throw new TypeError("Constructor Intl.RelativeTimeFormat requires 'new'");
  initialize(
    this,
    "RelativeTimeFormat",
    op_intl_relative_time_resolve(canonicalLocaleList(locales), optionsText(options, RELATIVE_TIME_OPTIONS)),
  );
}

defineMethods(RelativeTimeFormat, {
  supportedLocalesOf(locales, options = undefined) {
    return supportedLocalesOf(locales, options);
  },
});
defineMethods(RelativeTimeFormat.prototype, {
  format(value, unit) {
    const slot = slotOf(this, "RelativeTimeFormat", "format");
    return op_intl_relative_time_format(slot.config, Number(value), String(unit));
  },
  formatToParts() {
    slotOf(this, "RelativeTimeFormat", "formatToParts");
    throw new TypeError("Intl.RelativeTimeFormat.prototype.formatToParts is not supported by actionhost");
  },
  resolvedOptions() {
    return resolvedCopy(slotOf(this, "RelativeTimeFormat", "resolvedOptions"));
  },
});
defineTag(RelativeTimeFormat.prototype, "Intl.RelativeTimeFormat");

/** A constructor for an Intl service actionhost does not implement: it says so when used. */
function unsupported(name) {
  const ctor = {
    [name]: function () {
      throw new TypeError(`Intl.${name} is not supported by actionhost`);
    },
  }[name];
  defineMethods(ctor, {
    supportedLocalesOf() {
      throw new TypeError(`Intl.${name} is not supported by actionhost`);
    },
  });
  return ctor;
}

/** Installs `Intl` and the locale-sensitive methods of Date, Number and String (QuickJS's stub only). */
/**
 * `Date#toString` and `#toTimeString` end with the zone's long English name in Node
 * ("GMT+0000 (Coordinated Universal Time)"); QuickJS gives its abbreviation ("(UTC)").
 */
function nameZonesLikeNode() {
  for (const method of ["toString", "toTimeString"]) {
    const native = Date.prototype[method];
    if (!native.call(new Date(0)).endsWith(" (UTC)")) continue;
    const named = {
      [method]() {
        const text = native.call(this);
        return text.endsWith(" (UTC)") ? `${text.slice(0, -5)}(Coordinated Universal Time)` : text;
      },
    }[method];
    Object.defineProperty(Date.prototype, method, { value: named, writable: true, enumerable: false, configurable: true });
  }
}

export function install() {
  if (nativeIntlWorks()) return;
  const intl = {};
  defineMethods(intl, {
    DateTimeFormat,
    NumberFormat,
    Collator,
    PluralRules,
    RelativeTimeFormat,
    ListFormat: unsupported("ListFormat"),
    DisplayNames: unsupported("DisplayNames"),
    Locale: unsupported("Locale"),
    Segmenter: unsupported("Segmenter"),
    DurationFormat: unsupported("DurationFormat"),
    getCanonicalLocales(locales) {
      return canonicalLocaleList(locales);
    },
    supportedValuesOf() {
      throw new TypeError("Intl.supportedValuesOf is not supported by actionhost");
    },
  });
  Object.defineProperty(intl, Symbol.toStringTag, { value: "Intl", configurable: true });
  Object.defineProperty(globalThis, "Intl", { value: intl, writable: true, enumerable: false, configurable: true });

  nameZonesLikeNode();
  defineMethods(Date.prototype, {
    toLocaleString: dateToLocale("any", "all"),
    toLocaleDateString: dateToLocale("date", "date"),
    toLocaleTimeString: dateToLocale("time", "time"),
  });
  defineMethods(Number.prototype, {
    toLocaleString(locales = undefined, options = undefined) {
      const x = numberValueOf.call(this);
      return new NumberFormat(locales, options).format(x);
    },
  });
  defineMethods(String.prototype, {
    localeCompare(that, locales = undefined, options = undefined) {
      if (this === undefined || this === null) {
        throw new TypeError("String.prototype.localeCompare called on null or undefined");
      }
      return new Collator(locales, options).compare(String(this), String(that));
    },
  });
  // Method names as Node shows them (`fn.name`).
  for (const [target, names] of [
    [Date.prototype, ["toLocaleString", "toLocaleDateString", "toLocaleTimeString"]],
    [Number.prototype, ["toLocaleString"]],
    [String.prototype, ["localeCompare"]],
  ]) {
    for (const name of names) Object.defineProperty(target[name], "name", { value: name });
  }
}
