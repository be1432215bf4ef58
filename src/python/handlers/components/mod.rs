//! KFP1xx, components: v1 component factories and definitions, their signatures, and calls of components.
//! `component_factory`, `component_signature` and `component_calls` dispatch to the rule files beside them.

pub(crate) mod argument_type;
pub(crate) mod artifact_annotation;
pub(crate) mod artifact_into_parameter;
pub(crate) mod component_calls;
pub(crate) mod component_factory;
pub(crate) mod component_io_names;
pub(crate) mod component_signature;
pub(crate) mod container_op_component;
pub(crate) mod dict_return_annotation;
pub(crate) mod file_object_parameter;
pub(crate) mod helpers;
pub(crate) mod input_path_parameter_type;
pub(crate) mod mlpipeline_dot_output;
pub(crate) mod mlpipeline_output;
pub(crate) mod output_artifact_parameter;
pub(crate) mod positional_component_call;
pub(crate) mod string_file_argument;
pub(crate) mod type_string_annotation;
pub(crate) mod unannotated_component_parameter;
pub(crate) mod unresolved_component_url;
