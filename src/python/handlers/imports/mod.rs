//! KFP0xx, imports and names: the v2-namespace and removed modules and names (data: the `table` of each rule,
//! interpreted by `name_table`), keyword renames (data: `keyword_renames`), and the rules with logic.

pub(crate) mod failing_module;
pub(crate) mod keyword_renames;
pub(crate) mod load_component;
pub(crate) mod type_check_flag;
