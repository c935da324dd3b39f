// The record of the execution in progress: captured logs, recorded api commands, timers the
// script started and failures raised outside the handler's own promise (timer callbacks that
// throw, unhandled rejections). One execution runs at a time per isolate, so one record suffices;
// `begin` replaces it and the host reads it back with `snapshot` even after a termination.

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
    timers: new Set(),
    failed: false,
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

/** Appends a console line, enforcing the per-execution log budget. */
export function log(level, message, byteLength) {
  if (rec === null) return;
  if (rec.logsTruncated) {
    rec.droppedLogs++;
    return;
  }
  const bytes = byteLength(message);
  if (rec.logBytes + bytes > LOG_LIMIT_BYTES) {
    const room = LOG_LIMIT_BYTES - rec.logBytes;
    if (room > 0) rec.logs.push({ level, message: message.slice(0, room) });
    rec.logsTruncated = true;
    rec.droppedLogs++;
    return;
  }
  rec.logBytes += bytes;
  rec.logs.push({ level, message });
}

/** Fails the execution from outside the handler (a throwing timer callback, a lost rejection). */
export function fail(error) {
  if (rec === null || rec.failed) return;
  rec.failed = true;
  rec.failWith(error);
}

/** What the host keeps of an execution, whatever way it ended. */
export function snapshot() {
  if (rec === null) return { logs: [], logs_truncated: false, commands: [] };
  const logs = rec.logs.slice();
  if (rec.logsTruncated) {
    logs.push({
      level: "warn",
      message: `[actionhost] console output truncated at ${LOG_LIMIT_BYTES} bytes; ${rec.droppedLogs} call(s) dropped`,
    });
  }
  return { logs, logs_truncated: rec.logsTruncated, commands: rec.commands };
}
