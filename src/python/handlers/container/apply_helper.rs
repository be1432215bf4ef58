//! KFP218: `op.apply(helper(...))` (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/gcp.py> and its
//! siblings `onprem.py`, `aws.py`, `azure.py`). kfp 2 tasks have no `apply`; each v1 helper from `kfp.gcp`,
//! `kfp.onprem`, `kfp.aws` and `kfp.azure` is expanded into the kfp-kubernetes calls and task methods that set the same
//! things, and any other function is simply called on the task (`fn(task)`).

use crate::registry::id;
use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::edits::spell_qualified;
use crate::python::names::range;
use crate::python::op_translate::python_str;
use crate::python::parse::ast::{self, Expr};

const RULE: &str = id::KFP218;

/// A v1 helper's parameters with their defaults (as Python source; `None` for required ones).
type Params = &'static [(&'static str, Option<&'static str>)];

fn helper_params(qualified: &str) -> Option<Params> {
    Some(match qualified {
        "kfp.gcp.use_gcp_secret" => &[
            ("secret_name", Some("'user-gcp-sa'")),
            ("secret_file_path_in_volume", Some("None")),
            ("volume_name", Some("None")),
            (
                "secret_volume_mount_path",
                Some("'/secret/gcp-credentials'"),
            ),
        ],
        "kfp.gcp.use_preemptible_nodepool" => {
            &[("toleration", None), ("hard_constraint", Some("False"))]
        }
        "kfp.gcp.add_gpu_toleration" => &[("toleration", None)],
        "kfp.onprem.mount_pvc" => &[
            ("pvc_name", Some("'pipeline-claim'")),
            ("volume_name", Some("'pipeline'")),
            ("volume_mount_path", Some("'/mnt/pipeline'")),
        ],
        "kfp.onprem.use_k8s_secret" => &[
            ("secret_name", Some("'k8s-secret'")),
            ("k8s_secret_key_to_env", Some("None")),
        ],
        "kfp.onprem.add_default_resource_spec" => &[
            ("memory_limit", Some("None")),
            ("cpu_limit", Some("None")),
            ("memory_request", Some("None")),
            ("cpu_request", Some("None")),
        ],
        "kfp.aws.use_aws_secret" => &[
            ("secret_name", Some("'aws-secret'")),
            ("aws_access_key_id_name", Some("'AWS_ACCESS_KEY_ID'")),
            (
                "aws_secret_access_key_name",
                Some("'AWS_SECRET_ACCESS_KEY'"),
            ),
            ("aws_region", Some("None")),
        ],
        "kfp.azure.use_azure_secret" => &[("secret_name", Some("'azcreds'"))],
        _ => return None,
    })
}

/// The helper call's arguments as source text by parameter name (defaults filled in); `None` when a
/// required one is missing or the call uses `*`/`**`/unknown keywords.
fn bind(
    checker: &Checker,
    call: &ast::ExprCall,
    params: Params,
) -> Option<HashMap<&'static str, String>> {
    let mut out = HashMap::new();
    for (i, a) in call.arguments.args.iter().enumerate() {
        if matches!(a, Expr::Starred(_)) {
            return None;
        }
        out.insert(params.get(i)?.0, checker.text(range(a)).to_string());
    }
    for k in &call.arguments.keywords {
        let name = k.arg.as_ref()?.as_str();
        let p = params.iter().find(|(p, _)| *p == name)?;
        out.insert(p.0, checker.text(range(&k.value)).to_string());
    }
    for (p, default) in params {
        if !out.contains_key(p)
            && let Some(d) = default
        {
            out.insert(p, d.to_string());
        }
    }
    Some(out)
}

/// A string literal's value from its source text (`'abc'` → `abc`), for building paths.
fn literal(text: &str) -> Option<String> {
    let q = text.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let inner = text.strip_prefix(q)?.strip_suffix(q)?;
    (!inner.contains(['\\', '\'', '"'])).then(|| inner.to_string())
}

/// Builds the expansion: an expression that applies the settings to `task` and evaluates to the task.
struct Expansion<'c, 'a> {
    checker: &'c Checker<'a>,
    imports: Vec<Edit>,
}

impl Expansion<'_, '_> {
    fn kubernetes(&mut self, function: &str) -> Option<String> {
        let (spelled, import) =
            spell_qualified(self.checker, &format!("kfp.kubernetes.{function}"))?;
        self.imports.extend(import);
        Some(spelled)
    }
}

fn expand(
    checker: &Checker,
    helper: &str,
    args: &HashMap<&str, String>,
    task: &str,
) -> Option<(String, Vec<Edit>)> {
    let mut x = Expansion {
        checker,
        imports: Vec::new(),
    };
    let get = |k: &str| args.get(k).cloned();
    let text = match helper {
        "kfp.gcp.use_gcp_secret" => {
            let secret = get("secret_name")?;
            let mount = get("secret_volume_mount_path")?;
            let file = match get("secret_file_path_in_volume")?.as_str() {
                "None" => format!("/{}.json", literal(&secret)?),
                other => literal(other)?,
            };
            let credentials = python_str(&format!("{}{file}", literal(&mount)?));
            let f = x.kubernetes("use_secret_as_volume")?;
            format!(
                "{f}({task}, secret_name={secret}, mount_path={mount}).set_env_variable('GOOGLE_APPLICATION_CREDENTIALS', {credentials}).set_env_variable('CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE', {credentials})"
            )
        }
        "kfp.gcp.use_preemptible_nodepool" => {
            if args.contains_key("toleration") {
                return None;
            }
            let weight = match get("hard_constraint")?.as_str() {
                "False" => ", weight=50",
                "True" => "",
                _ => return None,
            };
            let toleration = x.kubernetes("add_toleration")?;
            let affinity = x.kubernetes("add_node_affinity")?;
            format!(
                "{affinity}({toleration}({task}, key='preemptible', operator='Equal', value='true', effect='NoSchedule'), match_expressions=[{{'key': 'cloud.google.com/gke-preemptible', 'operator': 'In', 'values': ['true']}}]{weight})"
            )
        }
        "kfp.gcp.add_gpu_toleration" => {
            if args.contains_key("toleration") {
                return None;
            }
            let toleration = x.kubernetes("add_toleration")?;
            format!(
                "{toleration}({task}, key='nvidia.com/gpu', operator='Equal', value='true', effect='NoSchedule')"
            )
        }
        "kfp.onprem.mount_pvc" => {
            let f = x.kubernetes("mount_pvc")?;
            format!(
                "{f}({task}, pvc_name={}, mount_path={})",
                get("pvc_name")?,
                get("volume_mount_path")?
            )
        }
        "kfp.onprem.use_k8s_secret" => {
            let mapping = get("k8s_secret_key_to_env")?;
            if mapping == "None" {
                // v1 set nothing without a mapping.
                return Some((task.to_string(), vec![]));
            }
            let f = x.kubernetes("use_secret_as_env")?;
            format!(
                "{f}({task}, secret_name={}, secret_key_to_env={mapping})",
                get("secret_name")?
            )
        }
        "kfp.onprem.add_default_resource_spec" => {
            let mut out = task.to_string();
            for (param, method) in [
                ("memory_limit", "set_memory_limit"),
                ("cpu_limit", "set_cpu_limit"),
                ("memory_request", "set_memory_request"),
                ("cpu_request", "set_cpu_request"),
            ] {
                let v = get(param)?;
                if v != "None" {
                    out.push_str(&format!(".{method}({v})"));
                }
            }
            out
        }
        "kfp.aws.use_aws_secret" => {
            let f = x.kubernetes("use_secret_as_env")?;
            let mut out = format!(
                "{f}({task}, secret_name={}, secret_key_to_env={{{}: 'AWS_ACCESS_KEY_ID', {}: 'AWS_SECRET_ACCESS_KEY'}})",
                get("secret_name")?,
                get("aws_access_key_id_name")?,
                get("aws_secret_access_key_name")?
            );
            let region = get("aws_region")?;
            if region != "None" {
                out.push_str(&format!(".set_env_variable('AWS_REGION', {region})"));
            }
            out
        }
        "kfp.azure.use_azure_secret" => {
            let f = x.kubernetes("use_secret_as_env")?;
            let keys = [
                "AZ_SUBSCRIPTION_ID",
                "AZ_TENANT_ID",
                "AZ_CLIENT_ID",
                "AZ_CLIENT_SECRET",
            ]
            .iter()
            .map(|k| format!("'{k}': '{k}'"))
            .collect::<Vec<_>>()
            .join(", ");
            format!(
                "{f}({task}, secret_name={}, secret_key_to_env={{{keys}}})",
                get("secret_name")?
            )
        }
        _ => return None,
    };
    Some((text, x.imports))
}

/// `task.apply(arg)`, before it is visited.
pub fn check_call(checker: &mut Checker, call: &ast::ExprCall, call_range: Range<usize>) {
    let Expr::Attribute(attr) = call.func.as_ref() else {
        return;
    };
    if attr.attr.as_str() != "apply" || !checker.is_task(&attr.value) {
        return;
    }
    let Some(rule) = checker.enabled(RULE) else {
        return;
    };
    let [argument] = &call.arguments.args[..] else {
        return;
    };
    if !call.arguments.keywords.is_empty() {
        return;
    }
    let task = checker.text(range(attr.value.as_ref())).to_string();
    let mut fixable = !checker.module.has_comment_in(call_range.clone());
    let helper = match argument {
        Expr::Call(c) => checker
            .qualified_name(&c.func)
            .filter(|q| helper_params(q).is_some())
            .map(|q| (q, c)),
        _ => None,
    };
    if helper
        .as_ref()
        .is_some_and(|(q, _)| q == "kfp.gcp.use_preemptible_nodepool")
        && super::node_affinity::affinity_setters(checker, &task) > 1
    {
        // kfp 1 kept only the last affinity set on the task; kfp-kubernetes would add them all.
        fixable = false;
    }
    let (name, expansion, applicability) = match &helper {
        Some((q, c)) => {
            let expanded = helper_params(q)
                .and_then(|params| bind(checker, c, params))
                .and_then(|args| expand(checker, q, &args, &task));
            // Everything but the resource spec needs kfp-kubernetes: a new package, so unsafe.
            let applicability = if q == "kfp.onprem.add_default_resource_spec" {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            };
            (
                q.rsplit('.').next().unwrap_or(q).to_string(),
                expanded,
                applicability,
            )
        }
        None => {
            // Any other function: v1's `apply(fn)` called `fn(task)` and returned the task. `fn(task)` alone
            // is the same only where the result is not used (such functions often return `None`). A helper of
            // kfp 1's own modules without an expansion here (`gcp.use_tpu`) no longer exists: no fix.
            let f = checker.text(range(argument)).to_string();
            let kfp_helper = match argument {
                Expr::Call(c) => checker
                    .qualified_name(&c.func)
                    .is_some_and(|q| q.starts_with("kfp.")),
                other => checker
                    .qualified_name(other)
                    .is_some_and(|q| q.starts_with("kfp.")),
            };
            let standalone = checker.expression_statement.as_ref() == Some(&call_range);
            let fix = (standalone && !kfp_helper).then(|| (format!("{f}({task})"), vec![]));
            (f.clone(), fix, Applicability::Unsafe)
        }
    };
    let fix = expansion.filter(|_| fixable).map(|(text, imports)| {
        let mut edits = vec![Edit::replace(call_range.clone(), text)];
        edits.extend(imports);
        Fix::new(applicability, edits)
    });
    let d = Diagnostic::new(
        rule.code,
        range(call.func.as_ref()).start..call_range.end,
        rule.message_with(&[("name", &name)]),
    )
    .with_fix_title(rule.fix_title_with(&[("name", &name)]))
    .with_fix(fix);
    checker.report(d);
}
