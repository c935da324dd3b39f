// JSON-safe copies of script values, for everything that leaves the engine (commands, returned
// values, callback results). Follows JSON.stringify's rules, but never throws: cycles and values
// JSON cannot hold (BigInt, an object whose toJSON throws) become descriptive strings.

export function toJsonSafe(value) {
  return copy(value, new Set());
}

function copy(value, seen) {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return value.toString();
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return null;
  if (seen.has(value)) return "[Circular]";
  try {
    if (typeof value.toJSON === "function") return copy(value.toJSON(), seen);
    seen.add(value);
    if (Array.isArray(value)) {
      return value.map((item) => {
        const v = copy(item, seen);
        return v === undefined ? null : v;
      });
    }
    const out = {};
    for (const key of Object.keys(value)) {
      const v = copy(value[key], seen);
      if (v !== undefined) out[key] = v;
    }
    return out;
  } catch (error) {
    return `[Unserializable: ${error?.message ?? error}]`;
  } finally {
    seen.delete(value);
  }
}

/**
 * The JSON text of a script value for the host: JSON.stringify (native, fast), falling back to a
 * `toJsonSafe` copy when the value has cycles, BigInts or a throwing `toJSON`.
 */
export function toJsonText(value) {
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    return JSON.stringify(toJsonSafe(value)) ?? "null";
  }
}

/** Drops the host's own frames (the runners in `ext:`) from a stack, keeping the script's. */
function userFrames(stack) {
  return stack
    .split("\n")
    .filter((line, index) => index === 0 || !(line.includes("ext:") || line.trim() === "at new Promise (<anonymous>)"))
    .join("\n");
}

/** The parts of a thrown value the host reports. */
export function describeError(error, how = "thrown", withStack = true) {
  if (error !== null && typeof error === "object") {
    const out = {
      name: String(error.name ?? "Error"),
      message: String(error.message ?? ""),
      // Formatting a stack costs a few hundred microseconds on this engine: only on request.
      stack: withStack && typeof error.stack === "string" ? userFrames(error.stack) : undefined,
    };
    for (const key of ["code", "statusCode", "description"]) {
      if (error[key] !== undefined) out[key] = toJsonSafe(error[key]);
    }
    return out;
  }
  return { name: "Error", message: `non-error value ${how}: ${String(error)}` };
}
