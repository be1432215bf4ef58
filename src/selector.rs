//! Rule selectors (`KFP`, `KFP1`, `KFP101`): prefixes of rule ids, as `--select`, `--ignore`,
//! `--extend-select`, `per-file-ignores` and the configuration file name them. A selector that matches no rule
//! is an error, never an empty selection: `--select KPF` would otherwise check nothing and pass the gate.

/// Whether `selector` (upper-cased) is the prefix of at least one rule id.
pub fn is_known(selector: &str) -> bool {
    let s = selector.trim().to_ascii_uppercase();
    !s.is_empty()
        && crate::registry::registry()
            .rules
            .iter()
            .any(|r| r.id.starts_with(s.as_str()))
}

/// The known selector closest to `selector`: a rule id or a prefix of one (`KPF` → `KFP`, `KFP99` → `KFP0`…),
/// by edit distance (a swap of two letters counts once), then by closeness in length.
pub fn closest(selector: &str) -> String {
    let s = selector.trim().to_ascii_uppercase();
    let mut candidates: Vec<String> = crate::registry::registry()
        .rules
        .iter()
        .flat_map(|r| (3..=r.id.len()).map(move |n| r.id[..n].to_string()))
        .collect();
    candidates.sort();
    candidates.dedup();
    candidates
        .into_iter()
        .min_by_key(|c| {
            (
                strsim::osa_distance(&s, c),
                s.len().abs_diff(c.len()),
                c.clone(),
            )
        })
        .unwrap_or_else(|| "KFP".to_string())
}

/// The error text for an unknown selector found in `place` (`--select`, `select`, …).
pub fn unknown_message(selector: &str, place: &str) -> String {
    format!(
        "unknown rule selector `{selector}` in {place}: no rule id starts with it; did you mean `{}`? (`kfp-upgrade rules` lists them)",
        closest(selector)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::id;

    #[test]
    fn known_selectors_are_prefixes_of_rule_ids() {
        assert!(is_known("KFP"));
        assert!(is_known("kfp0"));
        assert!(is_known(id::KFP001));
        assert!(!is_known("KPF"));
        assert!(!is_known("KFP0011"));
        assert!(!is_known(""));
    }

    #[test]
    fn closest_suggests_the_nearest_id_or_prefix() {
        assert_eq!(closest("KPF"), "KFP");
        assert_eq!(closest("kfp01"), "KFP01");
        assert_eq!(closest("KFP0011"), id::KFP001);
        assert_eq!(closest("KFO101"), id::KFP101);
    }
}
