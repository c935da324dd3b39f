//! Tenant configuration as the Auth0 Deploy CLI exports it (directory or YAML format): its
//! applications and their metadata, Rules with their configuration, Actions and trigger
//! bindings, client grants, organizations, plus writing application metadata back.

mod apply;
mod assemble;
mod cache;
pub mod client_metadata;
mod directory;
mod error;
pub mod grants;
mod keywords;
mod model;
mod origin;
pub mod packages;
mod parse;
pub(crate) mod store;
mod yaml;

pub(crate) use apply::apply;
pub use cache::TenantCache;
pub use error::TenantError;
pub use grants::ClientGrant;
pub use keywords::Keywords;
pub use model::{Action, Client, Organization, Rule, RuleStage, Tenant, TenantFormat};
pub use store::{update_client_metadata, MetadataChange};

#[cfg(test)]
pub(crate) mod testutil;
