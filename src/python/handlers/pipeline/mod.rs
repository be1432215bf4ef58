//! KFP3xx, pipelines: the pipeline definition (`pipeline_definition` dispatches to the rule files beside
//! it), control flow, placeholders and `PipelineConf`.

pub(crate) mod argo_placeholder_literal;
pub(crate) mod condition_dependency;
pub(crate) mod control_flow;
pub(crate) mod pipeline_conf;
pub(crate) mod pipeline_definition;
pub(crate) mod pipeline_parameter_type_name;
pub(crate) mod positional_pipeline_options;
pub(crate) mod sanitized_pipeline_name;
pub(crate) mod unannotated_pipeline_parameter;
pub(crate) mod undecorated_pipeline;
