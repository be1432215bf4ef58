//! The typed v1 component spec (kfp 1.8.22 `components/_structures.py`), read with `serde_yaml`.
//!
//! Only what the rules need is typed; everything else is accepted and ignored, as kfp 1 did for unknown
//! metadata. Positions come from `spans`, never from here.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct ComponentSpec {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub inputs: Option<Vec<InputSpec>>,
    #[serde(default)]
    pub outputs: Option<Vec<OutputSpec>>,
    pub implementation: serde_yaml::Value,
    #[serde(default)]
    pub metadata: Option<serde_yaml::Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InputSpec {
    pub name: String,
    #[serde(default, rename = "type")]
    pub type_: Option<serde_yaml::Value>,
    #[serde(default)]
    pub default: Option<serde_yaml::Value>,
    #[serde(default)]
    pub optional: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OutputSpec {
    pub name: String,
    #[serde(default, rename = "type")]
    pub type_: Option<serde_yaml::Value>,
}

/// What kfp 2.17.3 makes of a v1 `type:`
/// (<https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/types/type_utils.py>): a parameter type
/// (its canonical v1 spelling) or an artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum V2Type {
    Parameter(&'static str),
    Artifact,
    /// `PipelineTaskFinalStatus`.
    Special,
}

/// The v2 type of a v1 type given as a scalar (`None`: no type).
pub fn v2_type(v1: Option<&str>) -> V2Type {
    let Some(t) = v1 else {
        return V2Type::Artifact;
    };
    let lower = t.to_ascii_lowercase();
    let param = match lower.as_str() {
        "integer" | "int" => "Integer",
        "float" | "double" => "Float",
        "string" | "str" | "text" => "String",
        "bool" | "boolean" => "Boolean",
        "jsonobject" | "dict" => "JsonObject",
        "jsonarray" | "list" => "JsonArray",
        "pipelinetaskfinalstatus" => return V2Type::Special,
        l if l.starts_with("typing.list[") || l.starts_with("list[") => "JsonArray",
        l if l.starts_with("typing.dict[") || l.starts_with("dict[") => "JsonObject",
        _ => return V2Type::Artifact,
    };
    V2Type::Parameter(param)
}

/// Whether a component spec is a graph component.
pub fn is_graph(spec: &ComponentSpec) -> bool {
    spec.implementation.get("graph").is_some()
}
