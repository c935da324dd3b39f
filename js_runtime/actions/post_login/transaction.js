// transaction.js: owns api.transaction (setMetadata: value checks, size budgets, and the write
// to event.transaction.metadata).

import {
  ApiObject, charLength, emit, error, got, isObject, seal, stateOf, typeError, utf8Length,
} from "../common/base.js";
import { StringCtor, isInteger, isSafeInteger, numberIsFinite, objectKeys } from "../common/builtins.js";
import { MAX_TX_KEY_LENGTH, MAX_TX_TOTAL_BYTES, MAX_TX_VALUE_BYTES } from "../common/limits.js";

function txValueBytes(v) {
  return utf8Length(StringCtor(v)); // a string is its own String()
}

export class TransactionApi extends ApiObject {
  constructor(s) {
    super(s);
  }
  setMetadata(key, value) {
    const N = "transaction.setMetadata";
    const s = stateOf(this, N);
    if (typeof key !== "string") {
      throw typeError(N, "key must be a string (got " + got(key) + ")");
    }
    if (key === "") throw error(N, "key must be a non-empty string");
    const keyLen = charLength(key);
    if (keyLen > MAX_TX_KEY_LENGTH) {
      throw error(N, "key must be at most " + MAX_TX_KEY_LENGTH + " characters (got " + keyLen + ")");
    }
    const t = typeof value;
    if (value !== null && t !== "string" && t !== "number" && t !== "boolean") {
      throw typeError(N, "value must be a string, number, boolean or null (got " + got(value) + ")");
    }
    if (t === "number") {
      if (!numberIsFinite(value)) throw error(N, "value must be a finite number (got " + got(value) + ")");
      if (isInteger(value) && !isSafeInteger(value)) {
        throw error(N, "integer values must be safe integers (got " + got(value) + ")");
      }
    }
    const event = s.event;
    let tx = event.transaction;
    const meta = tx && isObject(tx.metadata) ? tx.metadata : null;
    if (value !== null) {
      const vBytes = txValueBytes(value);
      if (vBytes > MAX_TX_VALUE_BYTES) {
        throw error(N, "value must be at most " + MAX_TX_VALUE_BYTES + " bytes (got " + vBytes + ")");
      }
      let total = utf8Length(key) + vBytes;
      if (meta !== null) {
        const keys = objectKeys(meta);
        for (let i = 0; i < keys.length; i++) {
          if (keys[i] === key) continue;
          total += utf8Length(keys[i]) + txValueBytes(meta[keys[i]]);
        }
      }
      if (total > MAX_TX_TOTAL_BYTES) {
        throw error(N, "transaction metadata must be at most " + MAX_TX_TOTAL_BYTES +
          " bytes in total (would be " + total + ")");
      }
    }
    emit(s, N, [key, value]);
    if (!isObject(tx)) {
      tx = {};
      event.transaction = tx;
    }
    if (meta === null) tx.metadata = {};
    if (value === null) delete tx.metadata[key];
    else tx.metadata[key] = value;
    return s.api;
  }
}

seal(TransactionApi);
