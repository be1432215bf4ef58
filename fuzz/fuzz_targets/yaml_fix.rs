//! Component-YAML check + fix on arbitrary bytes: no panic (alias bombs are refused, broken YAML is an error);
//! a fixed text parses again; fixing twice equals fixing once.
#![no_main]

use std::path::Path;

use kfp_upgrade::settings::RuleSelection;
use kfp_upgrade::source::SourceFile;
use kfp_upgrade::yaml;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = SourceFile::from_bytes(Path::new("component.yaml"), data.to_vec()) else {
        return;
    };
    let all = RuleSelection::default();
    let _ = yaml::check(&source, &all);
    let Ok((once, _)) = yaml::fix(&source, &all, true) else {
        return;
    };
    if once == source.text {
        return;
    }
    let fixed = SourceFile::new(Path::new("component.yaml"), once.clone(), source.bom);
    let (again, _) = yaml::fix(&fixed, &all, true).expect("a fixed file parses");
    assert_eq!(again, once, "fixing twice changed the result");
});
