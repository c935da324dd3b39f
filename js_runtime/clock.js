// Time and randomness as scripts see them. By default they are the real ones; an execution that
// gives a fixed `now` sees a frozen clock (`Date`, `Date.now`, `performance.now`), and one that
// gives a `seed` sees a deterministic `Math.random` and `crypto.getRandomValues`/`randomUUID`,
// so a regression case gives the same outcome on every run and machine. The replacements are
// installed once, before the built-ins are frozen, and read the current execution's settings.

const NativeDate = Date;
const nativeDateNow = Date.now;
const nativeRandom = Math.random;

let fixedNow = null; // ms since the epoch, or null for the real clock
let seeded = null; // the seeded generator, or null for real randomness

/** Per-execution settings; `{}` restores the real clock and randomness. */
export function configure({ now, seed } = {}) {
  fixedNow = now === undefined || now === null ? null : parseNow(now);
  seeded = seed === undefined || seed === null ? null : xoshiro128(seed);
}

function parseNow(now) {
  const ms = typeof now === "number" ? now : NativeDate.parse(now);
  if (!Number.isFinite(ms)) {
    const error = new TypeError(`now: not a date: ${JSON.stringify(now)} (give an ISO 8601 string or epoch milliseconds)`);
    error.name = "InvalidRequest";
    throw error;
  }
  return ms;
}

const currentNow = () => (fixedNow === null ? nativeDateNow() : fixedNow);

/** xoshiro128** seeded through splitmix32, as four 32-bit words. */
function xoshiro128(seed) {
  let x = Number(BigInt.asUintN(32, BigInt(seed))) ^ 0x9e3779b9;
  const splitmix = () => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = [splitmix(), splitmix(), splitmix(), splitmix()];
  const rotl = (v, k) => (v << k) | (v >>> (32 - k));
  return function next() {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
}

function random() {
  if (seeded === null) return nativeRandom();
  // 53 random bits, as engines do.
  return ((seeded() >>> 5) * 67108864 + (seeded() >>> 6)) / 9007199254740992;
}

function Date_(...args) {
  if (new.target === undefined) return new NativeDate(currentNow()).toString();
  return args.length === 0 ? Reflect.construct(NativeDate, [currentNow()], new.target) : Reflect.construct(NativeDate, args, new.target);
}

function createDate() {
  Object.defineProperties(Date_, {
    name: { value: "Date" },
    length: { value: 7 },
    prototype: { value: NativeDate.prototype },
    now: { value: function now() { return currentNow(); }, writable: true, configurable: true },
    parse: { value: NativeDate.parse, writable: true, configurable: true },
    UTC: { value: NativeDate.UTC, writable: true, configurable: true },
  });
  Object.defineProperty(NativeDate.prototype, "constructor", { value: Date_, writable: true, configurable: true });
  return Date_;
}

function createCrypto(randomFill, webCrypto) {
  const fill = (view) => {
    if (!ArrayBuffer.isView(view) || view instanceof Float32Array || view instanceof Float64Array || view instanceof DataView) {
      throw new TypeError("crypto.getRandomValues: argument must be an integer TypedArray");
    }
    if (view.byteLength > 65536) {
      throw new RangeError(`crypto.getRandomValues: ${view.byteLength} bytes requested; at most 65536`);
    }
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    if (seeded === null) {
      randomFill(bytes);
    } else {
      for (let i = 0; i < bytes.length; i++) bytes[i] = seeded() & 0xff;
    }
    return view;
  };
  const hex = (b) => b.toString(16).padStart(2, "0");
  return {
    get subtle() {
      return webCrypto().subtle;
    },
    getRandomValues: fill,
    randomUUID() {
      const b = fill(new Uint8Array(16));
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const h = Array.from(b, hex).join("");
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };
}

/** Installs the clock-aware `Date`, `Date.now`, `performance.now`, `Math.random` and `crypto`. */
export function install(randomFill, webCrypto) {
  const globals = { Date: createDate(), crypto: createCrypto(randomFill, webCrypto) };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
  }
  Object.defineProperty(Math, "random", { value: random, writable: true, configurable: true });
  // The engine's `performance.now` cannot be redefined: scripts get an object that inherits
  // from it with its own `now`.
  const nativePerformance = globalThis.performance;
  const performance = Object.create(nativePerformance, {
    now: {
      value: function now() {
        return fixedNow === null ? nativePerformance.now() : 0;
      },
      writable: true,
      configurable: true,
    },
  });
  Object.defineProperty(globalThis, "performance", { value: performance, writable: true, enumerable: false, configurable: true });
}
