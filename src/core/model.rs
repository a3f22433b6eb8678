//! The compiled scenario: ids resolved to indices, ready for the engine.
//!
//! A [`Model`] exists only for a scenario that passed validation, so the engine
//! never meets a dangling id. The original [`Scenario`] is kept beside the
//! indices for everything that is text (titles, briefs, reasons).

use super::schema::{MetricKind, Scenario};
use arrayvec::ArrayVec;

pub use super::cond::{Cond, Deps};

/// Most parties a scenario may have (a validation limit, also sizes the engine's arrays).
pub const MAX_PARTIES: usize = 12;
/// Most metrics a scenario may have.
pub const MAX_METRICS: usize = 16;
/// Most clauses a scenario may have.
pub const MAX_CLAUSES: usize = 256;
/// Most variants one clause may have.
pub const MAX_VARIANTS: usize = 16;
/// Most combinations a scenario may have.
pub const MAX_COMBINATIONS: usize = 64;
/// Most red lines one party may have.
pub const MAX_RED_LINES: usize = 64;
/// Largest size of any number in a scenario (utilities, effects, ranges…).
pub const MAX_MAGNITUDE: f64 = 1e6;
/// The most clauses one package may change.
pub const MAX_PACKAGE: usize = 4;
/// Largest scenario file read, in bytes.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Per-party numbers without heap allocation.
pub type PartyVec<T> = ArrayVec<T, MAX_PARTIES>;
/// Per-metric numbers without heap allocation.
pub type MetricVec<T> = ArrayVec<T, MAX_METRICS>;

/// A draft's text: for each clause, an option index (a variant, or
/// `clause.struck()` for the strike).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Package {
    pub options: Vec<usize>,
}

/// A validated, index-resolved scenario.
#[derive(Debug, Clone)]
pub struct Model {
    /// The scenario as written (all text lives here).
    pub scenario: Scenario,
    /// Hex SHA-256 of the file's bytes (first 16 characters), printed on reports.
    pub checksum: String,
    pub metrics: Vec<MetricModel>,
    pub parties: Vec<PartyModel>,
    pub clauses: Vec<ClauseModel>,
    pub combinations: Vec<CombinationModel>,
    pub events: Vec<EventModel>,
    pub actions: Vec<ActionModel>,
    pub rules: RulesModel,
    /// The hindcast checks' conditions, in the scenario's order.
    pub hindcast: Vec<Cond>,
    /// Index of the deal-likelihood metric, if the scenario shows one.
    pub deal_metric: Option<usize>,
    /// Every pair of allied parties (p < q), either naming the other.
    pub ally_pairs: Vec<(usize, usize)>,
    /// Which conditions a change can reach (built from their [`Deps`]).
    pub watch: Watch,
}

/// The combinations and red lines each kind of change can reach: what an
/// incremental evaluation must evaluate again. Lists are in index order.
#[derive(Debug, Clone, Default)]
pub struct Watch {
    /// Per clause: the combinations that mention it or are dynamic.
    pub combos: Vec<Vec<usize>>,
    /// Per clause: the (party, red line) pairs that mention it or are dynamic.
    pub lines: Vec<Vec<(usize, usize)>>,
    /// The dynamic combinations (they read statuses).
    pub dynamic_combos: Vec<usize>,
    /// The dynamic red lines (they read metrics or statuses).
    pub dynamic_lines: Vec<(usize, usize)>,
}

impl Watch {
    /// Index what each clause's change and each context change can reach.
    pub fn of(clauses: usize, combinations: &[CombinationModel], parties: &[PartyModel]) -> Watch {
        let mut w = Watch {
            combos: vec![Vec::new(); clauses],
            lines: vec![Vec::new(); clauses],
            ..Watch::default()
        };
        for (i, comb) in combinations.iter().enumerate() {
            if comb.deps.dynamic {
                w.dynamic_combos.push(i);
            }
            for (c, list) in w.combos.iter_mut().enumerate() {
                if comb.deps.touches(c) {
                    list.push(i);
                }
            }
        }
        for (p, party) in parties.iter().enumerate() {
            for (j, deps) in party.red_line_deps.iter().enumerate() {
                if deps.dynamic {
                    w.dynamic_lines.push((p, j));
                }
                for (c, list) in w.lines.iter_mut().enumerate() {
                    if deps.touches(c) {
                        list.push((p, j));
                    }
                }
            }
        }
        w
    }
}

/// A metric with its range.
#[derive(Debug, Clone)]
pub struct MetricModel {
    pub min: f64,
    pub max: f64,
    pub initial: f64,
    pub kind: MetricKind,
    pub divergence: f64,
}

/// A party's numbers.
#[derive(Debug, Clone)]
pub struct PartyModel {
    pub reservation: f64,
    pub spread: f64,
    /// Weight per metric (dense, 0 where unset).
    pub weights: Vec<f64>,
    /// The nonzero weights as (metric, weight), in metric order.
    pub weighted: Vec<(usize, f64)>,
    /// Allies, as party indices.
    pub allies: Vec<usize>,
    pub red_lines: Vec<Cond>,
    /// What each red line depends on.
    pub red_line_deps: Vec<Deps>,
    /// Index into `scenario.personalities` (None when the scenario has none).
    pub personality: Option<usize>,
}

/// A clause's options: its variants, then "struck" at index `variants`.
#[derive(Debug, Clone)]
pub struct ClauseModel {
    pub variants: usize,
    pub options: Vec<OptionModel>,
    pub strikable: bool,
    pub initial: usize,
    /// Clauses whose options link to this one (requires or excludes it).
    pub linked_from: Vec<usize>,
}

impl ClauseModel {
    /// The option index meaning "struck from the draft".
    pub fn struck(&self) -> usize {
        self.variants
    }
}

/// One option of a clause: a variant or the strike.
#[derive(Debug, Clone)]
pub struct OptionModel {
    /// Utility per party (dense).
    pub utility: Vec<f64>,
    /// (metric index, delta) pairs.
    pub effects: Vec<(usize, f64)>,
    /// Conditions on the rest of the draft for this option to stand.
    pub requires: Vec<Link>,
    pub excludes: Vec<Link>,
    /// Bitset of the parties whose consent this wording needs.
    pub consent: u64,
}

/// A linkage reference: a clause present, or a clause at a given variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub clause: usize,
    pub variant: Option<usize>,
}

/// An interaction term.
#[derive(Debug, Clone)]
pub struct CombinationModel {
    pub when: Cond,
    pub deps: Deps,
    pub utility: Vec<f64>,
    pub effects: Vec<(usize, f64)>,
}

/// An event card's mechanics.
#[derive(Debug, Clone)]
pub struct EventModel {
    pub trigger: TriggerModel,
    pub probability: f64,
    pub once: bool,
    pub effects: Vec<(usize, f64)>,
    /// (party, reservation delta).
    pub reservation: Vec<(usize, f64)>,
    pub deadline: i32,
    pub amend: Vec<(usize, usize)>,
    pub pen: Option<Option<usize>>,
    /// Who must sign from then on (a flag per party).
    pub signatories: Option<Vec<bool>>,
}

/// When an event card may fire.
#[derive(Debug, Clone)]
pub enum TriggerModel {
    Round(u32),
    FromRound(u32),
    When(Cond),
    Manual,
}

/// A diplomatic action's mechanics.
#[derive(Debug, Clone)]
pub struct ActionModel {
    /// Which parties may take it (all when the scenario lists none).
    pub parties: Vec<bool>,
    pub from_round: u32,
    pub limit: u32,
    pub effects: Vec<(usize, f64)>,
    pub shifts: Vec<(TargetModel, f64)>,
    pub cost: f64,
    pub when: Option<Cond>,
}

/// Whom a shift falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetModel {
    Actor,
    Allies,
    Others,
    All,
    Party(usize),
}

/// The rules with parties as indices.
#[derive(Debug, Clone, Default)]
pub struct EachRoundModel {
    pub effects: Vec<(usize, f64)>,
    pub reservation: Vec<f64>,
}

/// What the seats at a table may see. One value per table, read by every
/// screen (and nothing else decides it): the scenario gives the default
/// (`rules.info`), the facilitator switches items for one table or all.
/// A facilitator with reveal on sees everything whatever it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InfoSettings {
    /// The deal-space advisor (`A`).
    pub advisor: bool,
    /// The what-if deal previews of a wording, a package or a revision.
    pub what_if: bool,
    /// Other parties' acceptance numbers (the public chance each signs).
    pub others_acceptance: bool,
    /// The reasons the AI seats give for their moves, in the ticker.
    pub ai_reasons: bool,
}

impl Default for InfoSettings {
    fn default() -> InfoSettings {
        InfoSettings::ALL
    }
}

impl InfoSettings {
    /// Everything shown.
    pub const ALL: InfoSettings = InfoSettings {
        advisor: true,
        what_if: true,
        others_acceptance: true,
        ai_reasons: true,
    };

    /// The items in a fixed order, with their names (menus, the console).
    pub fn items(self) -> [(InfoItem, bool); 4] {
        [
            (InfoItem::Advisor, self.advisor),
            (InfoItem::WhatIf, self.what_if),
            (InfoItem::OthersAcceptance, self.others_acceptance),
            (InfoItem::AiReasons, self.ai_reasons),
        ]
    }

    /// Whether one item is on.
    pub fn get(self, item: InfoItem) -> bool {
        match item {
            InfoItem::Advisor => self.advisor,
            InfoItem::WhatIf => self.what_if,
            InfoItem::OthersAcceptance => self.others_acceptance,
            InfoItem::AiReasons => self.ai_reasons,
        }
    }

    /// The same settings with one item switched.
    pub fn toggled(mut self, item: InfoItem) -> InfoSettings {
        let slot = match item {
            InfoItem::Advisor => &mut self.advisor,
            InfoItem::WhatIf => &mut self.what_if,
            InfoItem::OthersAcceptance => &mut self.others_acceptance,
            InfoItem::AiReasons => &mut self.ai_reasons,
        };
        *slot = !*slot;
        self
    }
}

/// One item of [`InfoSettings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfoItem {
    Advisor,
    WhatIf,
    OthersAcceptance,
    AiReasons,
}

impl InfoItem {
    /// Every item, in menu order.
    pub const ALL: [InfoItem; 4] = [
        InfoItem::Advisor,
        InfoItem::WhatIf,
        InfoItem::OthersAcceptance,
        InfoItem::AiReasons,
    ];

    /// A label for menus and the console.
    pub fn label(self) -> &'static str {
        match self {
            InfoItem::Advisor => "advisor",
            InfoItem::WhatIf => "what-if deal previews",
            InfoItem::OthersAcceptance => "others' acceptance",
            InfoItem::AiReasons => "AI reasons in the ticker",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RulesModel {
    pub turn_order: Vec<usize>,
    pub mediator: Option<usize>,
    pub rounds: u32,
    /// Whose signature a deal needs (all parties when the scenario lists none).
    pub signatories: Vec<usize>,
    /// Per party, whether it is a signatory.
    pub signatory: Vec<bool>,
    pub votes_per_party: u32,
    pub revision_threshold: f64,
    pub pen_weight: f64,
    pub package_size: usize,
    pub each_round: EachRoundModel,
    pub final_vote: bool,
    pub advisor: bool,
    /// What the seats may see when a table starts (the facilitator can
    /// change it; the table's [`InfoSettings`] then rule).
    pub info: InfoSettings,
    pub walkout_allowed: bool,
    pub walkout_from_round: u32,
    pub walkout_penalty: f64,
    pub collapse: Vec<(Cond, u32)>,
    /// Bitset of the parties some wording's consent can need: they vote
    /// beside the signatories.
    pub consenters: u64,
    /// Effects of each refusal the deal did not need.
    pub dissent: Vec<(usize, f64)>,
    pub ratification: Option<RatificationModel>,
}

/// The vote at home after the signing (see [`crate::core::schema::Ratification`]).
#[derive(Debug, Clone)]
pub struct RatificationModel {
    pub when: Cond,
    pub chance: f64,
    pub slopes: Vec<(usize, f64)>,
}

impl RatificationModel {
    /// The public chance the vote passes, given the metrics.
    pub fn chance(&self, metrics: &[f64], initial: &[MetricModel]) -> f64 {
        let moved: f64 = self
            .slopes
            .iter()
            .map(|&(m, k)| k * (metrics[m] - initial[m].initial))
            .sum();
        (self.chance + moved).clamp(0.0, 1.0)
    }
}

impl Model {
    pub fn party_count(&self) -> usize {
        self.parties.len()
    }

    /// The index of a party id.
    pub fn party_index(&self, id: &str) -> Option<usize> {
        self.scenario.parties.iter().position(|p| p.id == id)
    }

    /// The index of a clause id.
    pub fn clause_index(&self, id: &str) -> Option<usize> {
        self.scenario.clauses.iter().position(|c| c.id == id)
    }

    /// The index of a metric id.
    pub fn metric_index(&self, id: &str) -> Option<usize> {
        self.scenario.metrics.iter().position(|m| m.id == id)
    }

    /// The index of an event card id.
    pub fn event_index(&self, id: &str) -> Option<usize> {
        self.scenario.events.iter().position(|e| e.id == id)
    }

    /// The index of a diplomatic action id.
    pub fn action_index(&self, id: &str) -> Option<usize> {
        self.scenario.actions.iter().position(|a| a.id == id)
    }

    /// The option index of a variant id within a clause; "struck" is the strike option.
    pub fn option_index(&self, clause: usize, id: &str) -> Option<usize> {
        if id == "struck" {
            return Some(self.clauses[clause].struck());
        }
        self.scenario.clauses[clause]
            .variants
            .iter()
            .position(|v| v.id == id)
    }

    /// The id of an option ("struck" for the strike).
    pub fn option_id(&self, clause: usize, option: usize) -> &str {
        self.scenario.clauses[clause]
            .variants
            .get(option)
            .map_or("struck", |v| v.id.as_str())
    }

    /// A short label for an option ("struck" for the strike).
    pub fn option_label(&self, clause: usize, option: usize) -> &str {
        self.scenario.clauses[clause]
            .variants
            .get(option)
            .map_or("struck", |v| v.label.as_str())
    }

    /// A party's short name.
    pub fn party_short(&self, party: usize) -> &str {
        &self.scenario.parties[party].short
    }

    /// A party's name.
    pub fn party_name(&self, party: usize) -> &str {
        &self.scenario.parties[party].name
    }

    /// The index of a party id, or the message a user reads when it is not one.
    pub fn find_party(&self, id: &str) -> Result<usize, String> {
        self.party_index(id).ok_or_else(|| {
            let known: Vec<&str> = self
                .scenario
                .parties
                .iter()
                .map(|p| p.id.as_str())
                .collect();
            format!(
                "unknown party '{id}'; expected one of: {}",
                known.join(", ")
            )
        })
    }

    /// A clause as a reader knows it: "point 21 (Title)".
    pub fn clause_words(&self, clause: usize) -> String {
        let c = &self.scenario.clauses[clause];
        format!("point {} ({})", c.number, c.title)
    }

    /// The draft as the scenario writes it.
    pub fn initial_package(&self) -> Package {
        Package {
            options: self.clauses.iter().map(|c| c.initial).collect(),
        }
    }

    /// The initial draft with substitutions: `(clause id, variant id or "struck")`.
    pub fn package(&self, changes: &[(&str, &str)]) -> Result<Package, String> {
        let mut pkg = self.initial_package();
        for (clause, variant) in changes {
            let c = self
                .clause_index(clause)
                .ok_or_else(|| format!("unknown clause '{clause}'"))?;
            let o = self
                .option_index(c, variant)
                .ok_or_else(|| format!("clause '{clause}' has no variant '{variant}'"))?;
            pkg.options[c] = o;
        }
        Ok(pkg)
    }

    /// The words of collapse condition `i`, if there is one.
    pub fn collapse_text(&self, i: usize) -> Option<&str> {
        self.scenario.rules.collapse.get(i).map(|c| c.text.as_str())
    }
}
