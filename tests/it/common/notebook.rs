//! Notebooks for tests: code cells into nbformat 4 JSON, and the code back out.

/// A notebook of code cells, each cell's source split into lines as Jupyter writes it.
pub fn of_cells(cells: &[&str]) -> String {
    let notebook = serde_json::json!({
        "cells": cells.iter().map(|c| serde_json::json!({
            "cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
            "source": c.split_inclusive('\n').collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "metadata": {"kernelspec": {"name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    });
    serde_json::to_string_pretty(&notebook).unwrap()
}

/// The source of each cell of a notebook's JSON text.
pub fn cell_sources(json: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(json).unwrap();
    doc["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            c["source"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap())
                .collect()
        })
        .collect()
}
