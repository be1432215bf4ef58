//! Components loaded by URL: the `[component-urls]` offline map in the configuration file.

mod common;

use common::project::{Project, stderr, stdout};

#[test]
fn show_settings_lists_the_map_and_marks_a_missing_value_instead_of_failing() {
    let p = Project::new();
    // The corpus scorer probes exactly this before it writes its own map: the value need not exist.
    p.write(
        "kfp-upgrade.toml",
        "[component-urls]\n\"https://example.com/c.yaml\" = \"c.yaml\"\n",
    );
    let o = p.run(&["check", "--show-settings", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let shown = stdout(&o);
    let line = shown
        .lines()
        .find(|l| l.contains("https://example.com/c.yaml"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(line.ends_with("c.yaml (does not exist)"), "{line}");
}

#[test]
fn a_missing_map_value_is_a_configuration_error_with_its_position() {
    let p = Project::new();
    p.write(
        "vendor/echo.yaml",
        "name: Echo\nimplementation: {container: {image: alpine}}\n",
    );
    p.write(
        "pyproject.toml",
        "[tool.kfp-upgrade.component-urls]\n\"https://h/e.yaml\" = \"vendor/echo.yaml\"\n\"https://h/x.yaml\" =   \"vendor/x.yaml\"\n",
    );
    p.write("a.py", "import kfp\n");
    for args in [
        &["check", "."][..],
        &["migrate", ".", "--in-place", "--force"],
    ] {
        let o = p.run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
        assert!(
            stderr(&o).contains(
                "pyproject.toml:3:24: component-urls: `vendor/x.yaml` (for `https://h/x.yaml`) does not exist"
            ),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    std::fs::remove_file(p.path("pyproject.toml")).unwrap();
    p.write(
        "pyproject.toml",
        "[tool.kfp-upgrade.component-urls]\n\"https://h/e.yaml\" = \"vendor/echo.yaml\"\n",
    );
    let o = p.run(&["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}
