//! actionhost runs Auth0 Actions and Rules in an embedded JavaScript engine.
pub mod engine;
