//! Tenant configuration: application (client) metadata and its Auth0 rules.

pub mod client_metadata;
