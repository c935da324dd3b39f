//! Auth0 Actions: the inputs a trigger's handler receives and how its result reads as an
//! outcome. The `api` itself lives in `js_runtime/actions/`.

pub mod post_login;
pub mod post_login_event;
