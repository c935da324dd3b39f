//! `actionhost deps`: the npm packages of a tenant's scripts. `install` fills the tenant's
//! package cache, `<tenant>/.actionhost/packages/` (one npm prefix per package and version, see
//! `tenant::packages`), by running npm, so the user's own registry configuration (`.npmrc`,
//! mirrors, proxies, tokens) applies; `list` says what the scripts need and what is installed.
//!
//! Each package is installed into a fresh folder beside its final place and renamed into place
//! when npm succeeded, so a failed install never leaves half a package where scripts look. No
//! write goes through a symbolic link inside the tenant. Packages' install scripts do not run
//! unless asked (`--allow-install-scripts`): they would run on this machine, outside the sandbox.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};
use serde_json::{json, Value};

use super::args::{DepsCommand, DepsInstallArgs, DepsListArgs};
use super::{keywords, tenant_path};
use crate::files::check_inside;
use crate::tenant::packages::{self, Needed};
use crate::tenant::Tenant;

pub fn deps(command: DepsCommand) -> anyhow::Result<u8> {
    match command {
        DepsCommand::Install(args) => install(&args),
        DepsCommand::List(args) => list(&args),
    }
}

fn install(args: &DepsInstallArgs) -> anyhow::Result<u8> {
    let tenant = Tenant::load(tenant_path(&args.tenant)?, &keywords(&args.tenant)?)?;
    let needed = packages::needed(&tenant)?;
    let mut out = std::io::stdout().lock();
    if needed.is_empty() {
        writeln!(out, "nothing to install: no Action declares dependencies and no Rule requires a package")?;
        return Ok(0);
    }
    let mut failed = 0;
    for need in &needed {
        let folder = packages::package_folder(&tenant.root, &need.name, &need.version);
        let wanted_by = need.wanted_by.join(", ");
        if !args.force {
            if let Some(version) = installed_version(&folder, &need.name) {
                writeln!(out, "up to date  {}@{} ({version}, for {wanted_by})", need.name, need.version)?;
                continue;
            }
        }
        match install_one(args, &tenant.root, need, &folder) {
            Ok(version) => writeln!(out, "installed   {}@{} ({version}, for {wanted_by})", need.name, need.version)?,
            Err(error) => {
                failed += 1;
                writeln!(out, "failed      {}@{} (for {wanted_by}): {error:#}", need.name, need.version)?;
            }
        }
    }
    Ok(u8::from(failed > 0))
}

/// Installs one package into a staging folder with npm, then renames it into `folder`.
fn install_one(args: &DepsInstallArgs, root: &Path, need: &Needed, folder: &Path) -> anyhow::Result<String> {
    let name = folder.file_name().and_then(|n| n.to_str()).context("the package folder has a name")?;
    // Absolute: npm runs inside it.
    let staging =
        std::path::absolute(packages::cache_folder(root))?.join(format!(".install-{name}-{}", std::process::id()));
    check_inside(root, &staging, true)?;
    if staging.exists() {
        std::fs::remove_dir_all(&staging).with_context(|| format!("cannot remove {}", staging.display()))?;
    }
    std::fs::create_dir(&staging).with_context(|| format!("cannot create {}", staging.display()))?;
    let result = run_npm(args, &staging, need).and_then(|()| {
        let version = installed_version(&staging, &need.name)
            .with_context(|| format!("npm finished but {} has no package.json", need.name))?;
        check_inside(root, folder, false)?;
        if folder.exists() {
            std::fs::remove_dir_all(folder).with_context(|| format!("cannot remove {}", folder.display()))?;
        }
        std::fs::rename(&staging, folder)
            .with_context(|| format!("cannot move the package to {}", folder.display()))?;
        Ok(version)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn run_npm(args: &DepsInstallArgs, staging: &Path, need: &Needed) -> anyhow::Result<()> {
    std::fs::write(staging.join("package.json"), "{\"private\": true}\n")
        .with_context(|| format!("cannot write into {}", staging.display()))?;
    let mut command = Command::new(&args.npm);
    command
        .args([
            "install",
            "--no-save",
            "--no-package-lock",
            "--no-audit",
            "--no-fund",
            "--omit=dev",
            "--loglevel=error",
        ])
        .arg("--prefix")
        .arg(staging)
        .current_dir(staging);
    if !args.allow_install_scripts {
        command.arg("--ignore-scripts");
    }
    command.arg(format!("{}@{}", need.name, need.version));
    let output = command.output().with_context(|| format!("cannot run {}", args.npm.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).take(8).collect();
        bail!("npm install {}@{} failed ({}): {}", need.name, need.version, output.status, tail.join(" | "));
    }
    Ok(())
}

/// The version of `name` installed in the npm prefix `folder`, if any.
fn installed_version(folder: &Path, name: &str) -> Option<String> {
    let manifest = folder.join("node_modules").join(name).join("package.json");
    let value: Value = serde_json::from_str(&std::fs::read_to_string(manifest).ok()?).ok()?;
    value.get("version")?.as_str().map(str::to_owned)
}

fn list(args: &DepsListArgs) -> anyhow::Result<u8> {
    let tenant = Tenant::load(tenant_path(&args.tenant)?, &keywords(&args.tenant)?)?;
    let rows: Vec<(Needed, Option<String>)> = packages::needed(&tenant)?
        .into_iter()
        .map(|need| {
            let installed =
                installed_version(&packages::package_folder(&tenant.root, &need.name, &need.version), &need.name);
            (need, installed)
        })
        .collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        let list: Vec<Value> = rows
            .iter()
            .map(|(need, installed)| {
                json!({"name": need.name, "version": need.version, "installed": installed, "wanted_by": need.wanted_by})
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
    } else {
        writeln!(out, "PACKAGE  VERSION  INSTALLED  WANTED BY")?;
        for (need, installed) in &rows {
            let installed = installed.as_deref().unwrap_or("no");
            writeln!(out, "{}  {}  {installed}  {}", need.name, need.version, need.wanted_by.join(", "))?;
        }
    }
    Ok(u8::from(rows.iter().any(|(_, installed)| installed.is_none())))
}
