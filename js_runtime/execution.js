// The record of the execution in progress: captured logs, recorded api commands, timers the
// script started and failures raised outside the handler's own promise (timer callbacks that
// throw, unhandled rejections). One execution runs at a time per isolate, so one record suffices;
// `begin` replaces it and the host reads it back with `snapshot` even after a termination.

import { describeError } from "ext:actionhost_runtime/json.js";

const LOG_LIMIT_BYTES = 256 * 1024;

let rec = null;
let nextId = 1;

export function begin() {
  let failWith;
  const failure = new Promise((_, reject) => {
    failWith = reject;
  });
  // The race in the runners attaches a handler; this one keeps an unused failure quiet.
  failure.catch(() => {});
  rec = {
    id: nextId++,
    logs: [],
    logBytes: 0,
    logsTruncated: false,
    droppedLogs: 0,
    commands: [],
    requests: [],
    timers: new Set(),
    failed: false,
    failureError: undefined,
    failure,
    failWith,
  };
  return rec;
}

export function current() {
  return rec;
}

/** Appends one api command; `args` are already JSON-safe copies. */
export function record(api, args) {
  if (rec !== null) rec.commands.push({ api, args });
}

/** Appends a console line, enforcing the per-execution log budget (UTF-8 bytes). */
export function log(level, message, utf8) {
  if (rec === null) return;
  if (rec.logsTruncated) {
    rec.droppedLogs++;
    return;
  }
  const room = LOG_LIMIT_BYTES - rec.logBytes;
  const size = utf8.byteLength(message);
  if (size <= room) {
    rec.logBytes += size;
    rec.logs.push({ level, message });
    return;
  }
  // Keep what fits, cut at a character boundary, and drop everything after it.
  const bytes = utf8.encode(message);
  let end = room;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  if (end > 0) rec.logs.push({ level, message: decodeUtf8(bytes.subarray(0, end)) });
  rec.logBytes += end;
  rec.logsTruncated = true;
}

let decoder = null;
function decodeUtf8(bytes) {
  decoder ??= new TextDecoder();
  return decoder.decode(bytes);
}

/** Fails the execution from outside the handler (a throwing timer callback, a lost rejection). */
export function fail(error) {
  if (rec === null || rec.failed) return;
  rec.failed = true;
  rec.failureError = error;
  rec.failWith(error);
}

/** What the host keeps of an execution, whatever way it ended. */
export function snapshot() {
  if (rec === null) return { logs: [], logs_truncated: false, commands: [], requests: [], failure: null };
  const logs = rec.logs.slice();
  if (rec.logsTruncated) {
    logs.push({
      level: "warn",
      message: `[actionhost] console output truncated at ${LOG_LIMIT_BYTES} bytes; ${rec.droppedLogs} later call(s) dropped`,
    });
  }
  const failure = rec.failed ? describeError(rec.failureError) : null;
  return { logs, logs_truncated: rec.logsTruncated, commands: rec.commands, requests: rec.requests, failure };
}
