//! `check --show-files`: what discovery found under the paths, and for each file whether it would be checked
//! or why not. Nothing is parsed; the reasons are the walk's (excluded, ignored by git) and the prefilter's
//! (no `kfp` in it, not a component spec).

use std::io::Write;

use crate::discover::{self, Skip};
use crate::report::files::{Listed, Reason};
use crate::report::{files, render};
use crate::settings::CheckSettings;

use super::exit::ExitStatus;
use super::screen::{Unread, screen};

pub(crate) fn run(
    settings: &CheckSettings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let excludes = match discover::exclude_set(&settings.exclude) {
        Ok(e) => e,
        Err(e) => {
            render::error(err, &e.to_string())?;
            return Ok(ExitStatus::Error);
        }
    };
    let (found, errors) = discover::explain(
        &settings.paths,
        &excludes,
        settings.respect_gitignore,
        settings.force_exclude,
    );
    let listed: Vec<Listed> = found
        .into_iter()
        .map(|(file, skip)| {
            let reason = match skip {
                Some(Skip::Excluded) => Some(Reason::Excluded),
                Some(Skip::IgnoredByGit) => Some(Reason::IgnoredByGit),
                // An unreadable file is listed as checked: the check reports why it cannot be read.
                None => std::fs::read(&file.path)
                    .ok()
                    .and_then(|bytes| screen(file.kind, &bytes).err())
                    .map(|why| match why {
                        Unread::NoKfp => Reason::NoKfp,
                        Unread::NoDslCompile => Reason::NoDslCompile,
                        Unread::NotAComponentSpec => Reason::NotAComponentSpec,
                    }),
            };
            Listed { file, reason }
        })
        .collect();
    files::write(&listed, out, err)?;
    for e in &errors {
        render::error(err, &format!("{}: {}", e.path.display(), e.message))?;
    }
    Ok(if errors.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Error
    })
}
