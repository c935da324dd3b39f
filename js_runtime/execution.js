// The record of the execution in progress: captured logs, recorded api commands, timers the
// script started and failures raised outside the handler's own promise (timer callbacks that
// throw, unhandled rejections). One execution runs at a time per isolate, so one record suffices;
// `begin` replaces it and the host reads it back with `snapshot` even after a termination.

import { op_actionhost_json_depth } from "ext:core/ops";
import { describeError } from "ext:actionhost_runtime/json.js";

const LOG_LIMIT_BYTES = 256 * 1024;
/** Api calls and `fetch` requests one execution may record, together. */
export const RECORD_LIMIT_COUNT = 10_000;
/** UTF-16 code units of JSON the recorded api calls and requests may take, together (about 4 MiB). */
export const RECORD_LIMIT_BYTES = 4 * 1024 * 1024;
/** How deep the arguments of a recorded call may nest: the host reads results nested at most
 * 128 levels, and the outcome wraps arguments in a few levels of its own. */
export const VALUE_DEPTH_LIMIT = 100;

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
    // Each command as its JSON text: what is kept is measured as it is recorded.
    commands: [],
    requests: [],
    recorded: 0,
    recordedBytes: 0,
    recordFull: false,
    timers: new Set(),
    // What undoes the execution's own resources when it ends (its object URLs).
    cleanups: [],
    ended: false,
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

/** The id of the execution in progress; null between executions (after `end`). */
export function currentId() {
  return rec === null || rec.ended ? null : rec.id;
}

/** Marks the current execution over: nothing queued by it may run as it any more. */
export function end() {
  if (rec === null) return;
  rec.ended = true;
  for (const cleanup of rec.cleanups.splice(0)) cleanup();
}

/**
 * Appends one api command; `args` are already JSON-safe copies. A call past the execution's
 * budget, or with arguments nested deeper than the host reads, is not recorded: it fails the
 * execution (so a denial recorded before it can never be reported as a success) and throws.
 */
export function record(api, args) {
  if (rec === null || rec.ended) return;
  const text = JSON.stringify({ api: String(api), args });
  const depth = text.length > 2 * VALUE_DEPTH_LIMIT ? jsonDepth(text) : 0;
  if (depth > VALUE_DEPTH_LIMIT + 2) {
    refuse(new RangeError(`${api}: its arguments are nested ${depth - 2} levels deep; actionhost records values nested at most ${VALUE_DEPTH_LIMIT} levels (the call was not recorded)`));
  }
  account(text.length, `${api}`);
  rec.commands.push(text);
}

/** Appends one `fetch` request (its status is filled in later), within the same budget. */
export function recordRequest(request) {
  if (rec === null || rec.ended) return;
  const size = request.url.length + (request.body?.length ?? 0) + JSON.stringify(request.headers).length + 64;
  account(size, `fetch ${request.method} ${request.url.slice(0, 200)}`);
  rec.requests.push(request);
}

/**
 * Sets the body of a request recorded before its body was read (a Blob, FormData or stream
 * body), within the same budget.
 */
export function recordBody(request, body) {
  if (rec === null || rec.ended) return;
  account(body.length, `fetch ${request.method} ${request.url.slice(0, 200)}`, 0);
  request.body = body;
}

function account(size, what, count = 1) {
  if (rec.recordFull) refuse(null);
  if (rec.recorded + count > RECORD_LIMIT_COUNT || rec.recordedBytes + size > RECORD_LIMIT_BYTES) {
    rec.recordFull = true;
    refuse(
      new RangeError(
        `${what}: the execution reached actionhost's recording limit (${RECORD_LIMIT_COUNT} api calls and requests, ` +
          `${RECORD_LIMIT_BYTES} characters of their JSON); ${rec.recorded} were recorded, later ones are not`,
      ),
    );
  }
  rec.recorded += count;
  rec.recordedBytes += size;
}

/** Fails the execution with `error` (once) and throws it into the calling script. */
function refuse(error) {
  const failure = error ?? rec.failureError ?? new RangeError("the execution's recording limit was reached");
  fail(failure);
  throw failure;
}

/** Nesting depth of JSON text (brackets outside strings), counted by the host. */
export function jsonDepth(text) {
  return op_actionhost_json_depth(text);
}

/** Appends a console line, enforcing the per-execution log budget (UTF-8 bytes). */
export function log(level, message, utf8) {
  if (rec === null || rec.ended) return;
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
  if (rec === null || rec.ended || rec.failed) return;
  rec.failed = true;
  rec.failureError = error;
  rec.failWith(error);
}

/**
 * What the host keeps of an execution, whatever way it ended, as JSON text. Reads only what
 * the host recorded (and describes a failure with plain data reads), so it runs no script code.
 */
export function snapshotText() {
  if (rec === null) return '{"logs":[],"logs_truncated":false,"commands":[],"requests":[],"failure":null}';
  const logs = rec.logs.slice();
  if (rec.logsTruncated) {
    logs.push({
      level: "warn",
      message: `[actionhost] console output truncated at ${LOG_LIMIT_BYTES} bytes; ${rec.droppedLogs} later call(s) dropped`,
    });
  }
  const failure = rec.failed ? describeError(rec.failureError) : null;
  return (
    `{"logs":${JSON.stringify(logs)},"logs_truncated":${rec.logsTruncated},` +
    `"commands":[${rec.commands.join(",")}],"requests":${JSON.stringify(rec.requests)},` +
    `"failure":${JSON.stringify(failure)}}`
  );
}
