//! Several tables of one scenario, side by side: outcome, final metrics,
//! scores, and which clauses each table changed.

use super::model::Debrief;
use serde::Serialize;

/// The comparison of two or more tables of the same scenario. Every `Vec`
/// indexed by table follows the order of `tables`.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub tables: Vec<String>,
    pub outcomes: Vec<String>,
    pub endings: Vec<String>,
    pub rounds: Vec<u32>,
    /// Final value of each metric at each table.
    pub metrics: Vec<Row>,
    /// Each party's score (utility − reservation) at each table.
    pub scores: Vec<Row>,
    /// Every clause some table changed, with each table's final wording
    /// (`None` where that table kept the drafted one).
    pub clauses: Vec<ClauseRow>,
    /// Each table's final draft: the fewest clause changes into the ZOPA.
    pub to_zopa: Option<Vec<Option<usize>>>,
    /// Each table's final draft: how many clauses differ from the Nash package.
    pub from_nash: Option<Vec<usize>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub values: Vec<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClauseRow {
    pub clause: String,
    pub number: u32,
    pub title: String,
    pub drafted: String,
    pub tables: Vec<Option<String>>,
}

impl Comparison {
    /// Compare debriefs of one scenario (the caller checks that they are).
    pub fn of(debriefs: &[Debrief]) -> Comparison {
        let first = &debriefs[0];
        let metrics = first
            .metrics
            .iter()
            .enumerate()
            .map(|(m, info)| Row {
                id: info.id.clone(),
                name: info.name.clone(),
                values: debriefs
                    .iter()
                    .map(|d| d.series.last().map_or(0.0, |p| p.values[m]))
                    .collect(),
            })
            .collect();
        let scores = first
            .parties
            .iter()
            .enumerate()
            .map(|(p, party)| Row {
                id: party.party.clone(),
                name: party.name.clone(),
                values: debriefs.iter().map(|d| d.parties[p].score).collect(),
            })
            .collect();
        let clauses = first
            .draft
            .iter()
            .enumerate()
            .filter(|(c, _)| debriefs.iter().any(|d| d.draft[*c].changed))
            .map(|(c, clause)| ClauseRow {
                clause: clause.clause.clone(),
                number: clause.number,
                title: clause.title.clone(),
                drafted: first
                    .changes
                    .iter()
                    .chain(debriefs.iter().flat_map(|d| d.changes.iter()))
                    .find(|ch| ch.clause == clause.clause)
                    .map_or_else(String::new, |ch| ch.from_label.clone()),
                tables: debriefs
                    .iter()
                    .map(|d| d.draft[c].changed.then(|| d.draft[c].label.clone()))
                    .collect(),
            })
            .collect();
        Comparison {
            tables: debriefs.iter().map(|d| d.table.clone()).collect(),
            outcomes: debriefs.iter().map(|d| d.outcome.text.clone()).collect(),
            endings: debriefs.iter().map(|d| d.outcome.ending.clone()).collect(),
            rounds: debriefs.iter().map(|d| d.outcome.round).collect(),
            metrics,
            scores,
            clauses,
            to_zopa: debriefs
                .iter()
                .map(|d| d.deal_space.as_ref().map(|ds| ds.distance_to_zopa))
                .collect(),
            from_nash: debriefs
                .iter()
                .map(|d| {
                    d.deal_space
                        .as_ref()
                        .filter(|ds| ds.nash_found)
                        .map(|ds| ds.nash.len())
                })
                .collect(),
        }
    }
}
