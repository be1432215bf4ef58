//! KFP2xx, container ops and task settings: `ContainerOp` (the folder `container_op/`), task
//! methods that moved to kfp-kubernetes or changed (`task_settings`, `kubernetes_objects` and `volumes`
//! dispatch to the rule files beside them; pure moves are data: `method_moves`).

pub(crate) mod apply_helper;
pub(crate) mod cache_staleness;
pub(crate) mod container_op;
pub(crate) mod env_variable;
pub(crate) mod gpu_limit;
pub(crate) mod gpu_resource_limit;
mod helpers;
pub(crate) mod kubernetes_objects;
pub(crate) mod node_affinity;
pub(crate) mod retry_policy;
pub(crate) mod security_context;
pub(crate) mod task_container;
pub(crate) mod task_settings;
pub(crate) mod toleration;
pub(crate) mod volume_mount;
pub(crate) mod volume_op;
pub(crate) mod volumes;
