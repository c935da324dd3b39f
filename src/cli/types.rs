//! `actionhost types --out DIR`: writes the TypeScript declarations of every Actions trigger's
//! `event` and `api` and of the Rules' globals (`types/` of the source tree, embedded in the
//! binary), so `// @ts-check` scripts get completion and type errors in editors.

use std::io::Write;
use std::path::Path;

use crate::files::{write_atomic, Mode};

use super::args::TypesArgs;

/// The declaration files, by name, as the binary carries them.
pub const DECLARATIONS: &[(&str, &str)] = &[
    ("index.d.ts", include_str!("../../types/index.d.ts")),
    ("common.d.ts", include_str!("../../types/common.d.ts")),
    ("post-login.d.ts", include_str!("../../types/post-login.d.ts")),
    ("credentials-exchange.d.ts", include_str!("../../types/credentials-exchange.d.ts")),
    ("pre-user-registration.d.ts", include_str!("../../types/pre-user-registration.d.ts")),
    ("post-user-registration.d.ts", include_str!("../../types/post-user-registration.d.ts")),
    ("post-change-password.d.ts", include_str!("../../types/post-change-password.d.ts")),
    ("send-phone-message.d.ts", include_str!("../../types/send-phone-message.d.ts")),
    ("password-reset-post-challenge.d.ts", include_str!("../../types/password-reset-post-challenge.d.ts")),
    ("custom-token-exchange.d.ts", include_str!("../../types/custom-token-exchange.d.ts")),
    ("custom-email-provider.d.ts", include_str!("../../types/custom-email-provider.d.ts")),
    ("custom-phone-provider.d.ts", include_str!("../../types/custom-phone-provider.d.ts")),
    ("event-stream.d.ts", include_str!("../../types/event-stream.d.ts")),
    ("rules.d.ts", include_str!("../../types/rules.d.ts")),
];

pub fn types(args: TypesArgs) -> anyhow::Result<u8> {
    let dir = &args.out;
    refuse_link(dir)?;
    std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("{}: cannot create the folder: {e}", dir.display()))?;
    refuse_link(dir)?;
    if !dir.is_dir() {
        anyhow::bail!("{}: not a folder", dir.display());
    }
    let mut stdout = std::io::stdout().lock();
    for (name, text) in DECLARATIONS {
        let path = dir.join(name);
        write_atomic(&path, text.as_bytes(), Mode::default())?;
        writeln!(stdout, "wrote {}", path.display())?;
    }
    stdout.flush()?;
    Ok(0)
}

/// `--out` must not be a symbolic link (the files would land wherever it points).
fn refuse_link(dir: &Path) -> anyhow::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.file_type().is_symlink() => {
            anyhow::bail!("{}: is a symbolic link; actionhost does not write through symbolic links", dir.display())
        }
        _ => Ok(()),
    }
}
