// The Actions triggers, one entry per folder of `js_runtime/actions/`: each folder's `api.js`
// exports its `TRIGGER` ({id, handlers: {execute, continue?}, createApi}). The Rust table of
// `src/actions/mod.rs` lists the same ids; a test keeps the two equal.

import { TRIGGER as postLogin } from "./post_login/api.js";

export const TRIGGERS = Object.freeze([postLogin]);
