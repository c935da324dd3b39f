//! What deno_node's extension needs to be created, with nothing granted: a permissions container
//! that denies everything (every file, network, environment, process and FFI check fails without
//! a prompt), and the npm resolution types deno_node is generic over, which find nothing
//! (packages are resolved by the supervisor and served by `js_runtime/require.js`, never by
//! deno_node).

use std::path::PathBuf;
use std::sync::Arc;

use deno_core::url::Url;
use deno_permissions::{Permissions, PermissionsContainer, RuntimePermissionDescriptorParser};
use node_resolver::errors::{PackageFolderResolveError, PackageNotFoundError};
use node_resolver::UrlOrPathRef;
use sys_traits::impls::RealSys;

/// Permissions that deny everything.
pub fn deny_all() -> PermissionsContainer {
    let parser = Arc::new(RuntimePermissionDescriptorParser::new(RealSys));
    PermissionsContainer::new(parser, Permissions::none_without_prompt())
}

/// No file is in an npm package.
pub struct NoNpmPackages;

impl node_resolver::InNpmPackageChecker for NoNpmPackages {
    fn in_npm_package(&self, _specifier: &Url) -> bool {
        false
    }
}

/// No package folder is ever found.
pub struct NoPackageFolders;

impl node_resolver::NpmPackageFolderResolver for NoPackageFolders {
    fn resolve_package_folder_from_package(
        &self,
        specifier: &str,
        referrer: &UrlOrPathRef,
    ) -> Result<PathBuf, PackageFolderResolveError> {
        Err(PackageNotFoundError {
            package_name: specifier.to_string(),
            referrer: referrer.display(),
            referrer_extra: None,
        }
        .into())
    }

    fn resolve_types_package_folder(
        &self,
        _name: &str,
        _version: Option<&deno_semver::Version>,
        _referrer: Option<&UrlOrPathRef>,
    ) -> Option<PathBuf> {
        None
    }
}
