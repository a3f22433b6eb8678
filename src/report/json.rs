//! The report as JSON: `{"report": 1, "tables": [Debrief…], "comparison": …}`.
//! Keys come out in the declaration order of the structs, so the output is
//! deterministic.

use super::compare::Comparison;
use super::model::Debrief;
use serde::Serialize;

/// The version of the JSON report layout.
pub const REPORT_FORMAT: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    report: u32,
    tables: &'a [Debrief],
    comparison: Option<&'a Comparison>,
}

/// The JSON text (pretty-printed, ending with a newline).
pub fn render(debriefs: &[Debrief], comparison: Option<&Comparison>) -> String {
    let report = Report {
        report: REPORT_FORMAT,
        tables: debriefs,
        comparison,
    };
    // Plain data with finite numbers: serialising cannot fail.
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
}
