//! Python check + fix on arbitrary bytes: no panic; a fixed text parses; fixing twice equals fixing once.
#![no_main]

use std::path::Path;

use kfp_upgrade::python;
use kfp_upgrade::settings::RuleSelection;
use kfp_upgrade::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = SourceFile::from_bytes(Path::new("fuzz.py"), data.to_vec()) else {
        return;
    };
    let all = RuleSelection::default();
    let _ = python::check(&source, &all);
    let Ok(once) = python::fix(&source, &all, true) else {
        return;
    };
    if once.text == source.text {
        return;
    }
    let fixed = SourceFile::new(Path::new("fuzz.py"), once.text.clone(), source.bom);
    let again = python::fix(&fixed, &all, true).expect("a fixed file parses");
    // The fix loop is bounded; when it hit the bound the second run may continue, otherwise it is a fixed point.
    if once.invalid_fix.is_none() {
        assert_eq!(again.text, once.text, "fixing twice changed the result");
    }
});
