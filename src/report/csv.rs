//! The report as CSV: one row per point of each table's metric series
//! (round 0 is the start), for spreadsheets.

use super::model::Debrief;
use crate::text::csv_cell;

/// The CSV text: `table,scenario,seed,round,<metric ids…>,likelihood,<party>_utility…`.
pub fn render(debriefs: &[Debrief]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let Some(first) = debriefs.first() else {
        return String::new();
    };
    let mut header: Vec<String> = ["table", "scenario", "seed", "round"]
        .map(String::from)
        .to_vec();
    header.extend(first.metrics.iter().map(|m| csv_cell(&m.id).into_owned()));
    header.push("likelihood".into());
    header.push("outcome".into());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(&header);
    for d in debriefs {
        for point in &d.series {
            // Text cells (the save's file name above all) cannot be formulas.
            let mut row = vec![
                csv_cell(&d.table).into_owned(),
                csv_cell(&d.scenario.id).into_owned(),
                d.seed.to_string(),
                point.round.to_string(),
            ];
            row.extend(point.values.iter().map(|v| v.to_string()));
            row.push(point.likelihood.to_string());
            row.push(csv_cell(&d.outcome.ending).into_owned());
            let _ = w.write_record(&row);
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
