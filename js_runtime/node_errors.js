// Node's errors where Deno's web classes throw their own: an error with Node's `code`
// (`codedError`), and wrappers that give a class's or a method's errors Node's messages
// (`nodeConstructor`, `rewriteErrors`), each driven by a list of rules that recognise one of
// Deno's messages and say Node's. Used by `web_globals.js` (URL) and `web_fetch.js` (Headers,
// Request, Response, bodies).

/**
 * Node's internal errors (`makeNodeErrorWithCode`) show their code in their text:
 * `String(error)` is `TypeError [ERR_MISSING_ARGS]: …`. One subclass per error type, made when
 * this module loads, so that lockdown freezes them (`CODED_ERROR_CLASSES`).
 */
const CODED = new Map(
  [Error, TypeError, RangeError].map((Type) => [
    Type,
    class extends Type {
      toString() {
        return `${this.name} [${this.code}]: ${this.message}`;
      }
    },
  ]),
);

/** The classes of `codedError`'s errors, for lockdown. */
export const CODED_ERROR_CLASSES = [...CODED.values()];

/** Node's internal error `code` of type `Type` (Error, TypeError or RangeError), with `extra` own properties after `code`. */
export function codedError(Type, code, message, extra = {}) {
  const error = new (CODED.get(Type))(message);
  error.code = code;
  Object.assign(error, extra);
  return error;
}

/**
 * `error` again with Node's message when one of `rules` names Deno's; else `error` itself. A
 * rule is `[Deno's message pattern, (match, args, method) => Node's message, or Node's error]`.
 */
function nodeError(error, rules, args, method) {
  if (error instanceof Error) {
    for (const [pattern, message] of rules) {
      const match = pattern.exec(error.message);
      if (match === null) continue;
      const node = message(match, args, method);
      return node instanceof Error ? node : new error.constructor(node, { cause: error.cause });
    }
  }
  return error;
}

/** Replaces `object[name]` by a function of the same name and length whose errors (thrown or rejected) get Node's messages. */
export function rewriteErrors(object, name, rules, method = name) {
  const original = object[name];
  const wrapped = {
    [name](...args) {
      let result;
      try {
        result = Reflect.apply(original, this, args);
      } catch (error) {
        throw nodeError(error, rules, args, method);
      }
      return result instanceof Promise ? result.catch((error) => Promise.reject(nodeError(error, rules, args, method))) : result;
    },
  }[name];
  Object.defineProperty(wrapped, "length", { value: original.length });
  const { enumerable } = Object.getOwnPropertyDescriptor(object, name);
  Object.defineProperty(object, name, { value: wrapped, writable: true, enumerable, configurable: true });
}

/**
 * A proxy of `Class` whose construction checks `before(args)` first, rewrites errors with
 * `rules`, then checks `after(instance, args)`; `Class.prototype.constructor` becomes the proxy,
 * so `x.constructor === Request` holds.
 */
export function nodeConstructor(Class, rules, method, before = () => {}, after = () => {}) {
  const proxy = new Proxy(Class, {
    construct(target, args, newTarget) {
      before(args);
      let instance;
      try {
        instance = Reflect.construct(target, args, newTarget);
      } catch (error) {
        throw nodeError(error, rules, args, method);
      }
      after(instance, args);
      return instance;
    },
  });
  Object.defineProperty(Class.prototype, "constructor", { value: proxy, writable: true, enumerable: false, configurable: true });
  return proxy;
}
