//! `kfp-upgrade convert FILE`: one v1 component spec to a kfp 2 Python module or to kfp 2 IR.

use std::io::Write;

use crate::report::render;
use crate::source::SourceFile;

use super::exit::ExitStatus;

/// `kfp-upgrade convert FILE [-o OUT] [--format ir] [--fetch-components]`: writes the kfp 2 Python module
/// (or IR) for a v1 component spec; a graph's children are read as `graph_children` says.
pub(crate) fn convert_file(
    file: &std::path::Path,
    output: Option<&std::path::Path>,
    format: crate::cli::ConvertFormat,
    fetch_components: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let text = match std::fs::read(file)
        .map_err(|e| e.to_string())
        .and_then(|b| SourceFile::from_bytes(file, b).map_err(|e| e.to_string()))
    {
        Ok(s) => s,
        Err(e) => {
            render::error(err, &format!("{}: {e}", file.display()))?;
            return Ok(ExitStatus::Error);
        }
    };
    let children = crate::yaml::graph_children::for_file(file, fetch_components);
    let converted = match format {
        crate::cli::ConvertFormat::Python => {
            crate::yaml::convert::to_python_with(&text.text, &children)
        }
        crate::cli::ConvertFormat::Ir => crate::yaml::ir::to_ir_with(&text.text, &children),
    };
    let module = match converted {
        Ok(m) => m,
        Err(e) => {
            let at = match &e {
                crate::yaml::convert::ConvertError::Yaml(y) => {
                    let (line, column) = text.line_col(y.offset.min(text.text.len()));
                    format!(":{line}:{column}")
                }
                _ => String::new(),
            };
            render::error(err, &format!("{}{at}: {e}", file.display()))?;
            return Ok(ExitStatus::Error);
        }
    };
    let extension = match format {
        crate::cli::ConvertFormat::Python => "py",
        crate::cli::ConvertFormat::Ir => "ir.yaml",
    };
    let target = output.map_or_else(
        || file.with_extension(extension),
        std::path::Path::to_path_buf,
    );
    if target.as_os_str() == "-" {
        out.write_all(module.as_bytes())?;
        return Ok(ExitStatus::Clean);
    }
    if let Err(e) = std::fs::write(&target, module) {
        render::error(err, &format!("{}: {e}", target.display()))?;
        return Ok(ExitStatus::Error);
    }
    render::wrote(out, &target)?;
    Ok(ExitStatus::Clean)
}
