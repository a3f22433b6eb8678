//! The scenario file format: serde types read from RON.
//!
//! These types are the single source of truth for what a scenario may say.
//! They are deliberately plain data: ids are strings, numbers are `f64`, and
//! every cross-reference is checked by [`crate::scenario::validate`] before the
//! engine ever sees a scenario. `docs/SCENARIOS.md` documents each field.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A map from party id to a number (utilities, shifts). Missing parties count 0.
pub type PartyValues = BTreeMap<String, f64>;

/// A whole scenario file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub meta: Meta,
    pub metrics: Vec<Metric>,
    pub parties: Vec<Party>,
    /// AI negotiator personalities that parties can use.
    #[serde(default)]
    pub personalities: Vec<Personality>,
    pub clauses: Vec<Clause>,
    /// Interaction terms: extra utility and effects when a condition on the
    /// draft holds (e.g. a NATO renunciation beside an Article-5-like guarantee).
    #[serde(default)]
    pub combinations: Vec<Combination>,
    #[serde(default)]
    pub events: Vec<EventCard>,
    /// Diplomatic moves a party may take once per turn beside its stances.
    #[serde(default)]
    pub actions: Vec<ActionDef>,
    pub rules: Rules,
    /// What happened, as checks on all-AI games (docs/CALIBRATION.md):
    /// `backchannel hindcast` plays them and shows each share beside the record.
    #[serde(default)]
    pub hindcast: Vec<Hindcast>,
}

/// One fact of the record, checked against all-AI games: the share of games
/// (or of deals) in which `when` holds at the end of round `round` (or at the
/// end of the game) should lie in `expect`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hindcast {
    pub id: String,
    /// What happened, in plain words, with the date.
    pub record: String,
    /// The end of this round (None: the end of the game).
    #[serde(default)]
    pub round: Option<u32>,
    /// Count among all games, or among the games that ended in a signed
    /// text (ratified or not).
    #[serde(default)]
    pub among: Among,
    pub when: Condition,
    /// The range the share should lie in (0..1).
    pub expect: (f64, f64),
    #[serde(default)]
    pub sources: Vec<String>,
}

/// Which games a hindcast counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Among {
    #[default]
    Games,
    Signed,
}

/// Who wrote the scenario, about what, and from which sources.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// The date the scenario is set on, free text (e.g. "2025-11-21").
    pub date: String,
    pub version: String,
    #[serde(default)]
    pub sources: Vec<String>,
    /// Free-form notes for teachers (calibration remarks, caveats).
    #[serde(default)]
    pub notes: String,
    /// Questions for the class after a game, printed on each table's debrief
    /// and the teacher's sheet (optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub debrief_questions: Vec<String>,
}

/// A tracked quantity of the world.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub id: String,
    pub name: String,
    pub description: String,
    pub min: f64,
    pub max: f64,
    /// The starting value; for a derived metric it is only shown before the
    /// first computation.
    pub initial: f64,
    #[serde(default)]
    pub kind: MetricKind,
    /// Cohesion-style penalty: the metric falls by `divergence × mean |a_p − a_q|`
    /// over allied pairs, where `a` is acceptance probability (0..1).
    #[serde(default)]
    pub divergence: f64,
    /// What the metric is an index of: named components, each in its own
    /// unit with a weight (metric points per unit). An effect on
    /// `"metric.component"` moves the metric by `delta × weight × credibility`.
    #[serde(default)]
    pub components: Vec<Component>,
}

/// One named component of an index metric (docs/MODEL.md, "Indices").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub id: String,
    pub name: String,
    /// What is measured, and in which unit.
    pub description: String,
    /// The unit of the component's deltas ("% of Ukraine", "100k troops").
    #[serde(default)]
    pub unit: String,
    /// The value at the scenario's start, in the unit (for the explanation).
    #[serde(default)]
    pub initial: f64,
    /// Metric points per unit.
    pub weight: f64,
    /// How far a promise in this component is believed (0..1): a guarantee
    /// counts at its credibility.
    #[serde(default = "default_one")]
    pub credibility: f64,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// How a metric gets its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MetricKind {
    /// initial + draft effects + event and action deltas, clamped to the range.
    #[default]
    Stock,
    /// `max × Π a_p`: the probability that every signatory signs, on the metric's scale.
    DealLikelihood,
}

/// A seat at the table.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub id: String,
    pub name: String,
    /// Two- to four-letter label for narrow screens (e.g. "UA").
    pub short: String,
    /// A colour name ("blue", "yellow", …) or "#rrggbb".
    pub colour: String,
    /// What everyone knows about this party.
    pub description: String,
    /// What only this party's player sees.
    pub brief: String,
    #[serde(default)]
    pub goals: Vec<String>,
    #[serde(default)]
    pub red_lines: Vec<RedLine>,
    /// The party's bottom line (R_p, what no deal is worth to it) as the
    /// public prior `(mean, spread)`: the true value is drawn once per game
    /// from a logistic distribution with this mean and scale, and only the
    /// party's own seat sees it. Required; `None` is reported by validation.
    #[serde(default)]
    pub reservation: Option<Prior>,
    /// Utility per point of each metric above its initial value.
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    #[serde(default)]
    pub allies: Vec<String>,
    #[serde(default)]
    pub ai: PartyAi,
}

/// A public prior on a party's bottom line: a logistic distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prior {
    /// The expected bottom line (utility points).
    pub mean: f64,
    /// The logistic scale s (> 0): the public chance that the party signs a
    /// text worth U to it starts at σ((U − mean) / s).
    pub spread: f64,
}

/// A party's default AI seat.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyAi {
    /// Personality id; empty means the scenario's first personality.
    #[serde(default)]
    pub personality: String,
}

/// Something a party will not sign.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedLine {
    pub id: String,
    /// Plain words, shown to the party (and in reports).
    pub text: String,
    /// Crossed when this condition on the draft holds.
    pub crossed_if: Condition,
    /// Where the position is on record.
    #[serde(default)]
    pub sources: Vec<String>,
}

/// A condition on the draft and the metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Condition {
    /// Clause (by id) currently has this variant (by id).
    Variant(String, String),
    /// Clause is struck from the draft.
    Struck(String),
    /// Clause is in the draft (any variant).
    Present(String),
    /// Clause has been agreed at the table.
    Agreed(String),
    /// Metric value is below the number.
    MetricBelow(String, f64),
    /// Metric value is above the number.
    MetricAbove(String, f64),
    AllOf(Vec<Condition>),
    AnyOf(Vec<Condition>),
    Not(Box<Condition>),
    Always,
}

/// A named AI negotiating style.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Personality {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Accepts a clause when its own utility for it is within this much of its best option.
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    /// How much the party lowers its demands (utility) per round as the deadline nears.
    #[serde(default)]
    pub concession: f64,
    /// Weight 0..1 it gives to others' acceptance when choosing what to propose.
    #[serde(default = "default_half")]
    pub cooperation: f64,
    /// Probability 0..1 of taking a diplomatic action on a turn.
    #[serde(default = "default_half")]
    pub activity: f64,
    /// Walks out when its acceptance probability stays below this (0 = never).
    #[serde(default)]
    pub walkout_below: f64,
    /// Calls a vote when deal likelihood is at least this (0..1).
    #[serde(default = "default_vote")]
    pub vote_at: f64,
    /// Random jitter on its evaluations (utility points).
    #[serde(default)]
    pub noise: f64,
    /// Opening rounds: for this many rounds the seat proposes its own best
    /// wordings (anchoring), whoever's red lines they cross; afterwards it
    /// proposes only wordings that cross no one's (docs/AI.md, "Proposals").
    #[serde(default)]
    pub anchor: u32,
}

fn default_tolerance() -> f64 {
    1.0
}
fn default_half() -> f64 {
    0.5
}
fn default_vote() -> f64 {
    0.5
}

/// One point of the draft.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub id: String,
    /// The point's number in the draft as published.
    pub number: u32,
    pub title: String,
    /// The full text as it stands in the draft (the first variant's text may
    /// repeat it; this is what the clause is about).
    pub text: String,
    pub category: Category,
    /// The drafted wording first, then alternatives a party can propose.
    pub variants: Vec<Variant>,
    /// Which variant the draft starts with; empty means the first.
    #[serde(default)]
    pub initial: String,
    /// Whether a party may propose to strike the clause.
    #[serde(default = "default_true")]
    pub strikable: bool,
    /// What striking the clause does (default: no effects, utility 0 for all).
    #[serde(default)]
    pub strike: StrikeTerms,
    /// This clause can stand only while these hold (refs: "clause" or "clause/variant").
    #[serde(default)]
    pub requires: Vec<String>,
    /// This clause cannot stand beside these.
    #[serde(default)]
    pub excludes: Vec<String>,
    /// Parties whose consent this clause needs: while it is in the text
    /// (not struck), the deal needs their signatures too (a variant may say
    /// otherwise with its own `consent_of`).
    #[serde(default)]
    pub consent_of: Vec<String>,
    /// Where the clause's text is on record.
    #[serde(default)]
    pub sources: Vec<String>,
}

fn default_true() -> bool {
    true
}

/// The topic of a clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    Territory,
    Security,
    Military,
    Economy,
    Sanctions,
    Humanitarian,
    Governance,
    Process,
}

impl Category {
    pub fn name(self) -> &'static str {
        match self {
            Category::Territory => "territory",
            Category::Security => "security",
            Category::Military => "military",
            Category::Economy => "economy",
            Category::Sanctions => "sanctions",
            Category::Humanitarian => "humanitarian",
            Category::Governance => "governance",
            Category::Process => "process",
        }
    }
}

/// One wording of a clause.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub id: String,
    /// A short label for lists ("600k cap").
    pub label: String,
    pub text: String,
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// Utility of this wording for each party (relative to striking the clause).
    #[serde(default)]
    pub utility: PartyValues,
    /// Parties on record as backing this wording (informational, for AI and UI).
    #[serde(default)]
    pub backed_by: Vec<String>,
    #[serde(default)]
    pub requires: Vec<String>,
    #[serde(default)]
    pub excludes: Vec<String>,
    /// Which region outlines in the map this wording concerns, and how.
    #[serde(default)]
    pub regions: Vec<RegionStatus>,
    /// Whose consent this wording needs, in place of the clause's
    /// `consent_of` (`Some([])`: none, e.g. an item moved to a separate track).
    #[serde(default)]
    pub consent_of: Option<Vec<String>>,
    /// Where the wording and the positions on it are on record.
    #[serde(default)]
    pub sources: Vec<String>,
}

/// What striking a clause does.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrikeTerms {
    #[serde(default)]
    pub effects: Vec<Effect>,
    #[serde(default)]
    pub utility: PartyValues,
    #[serde(default)]
    pub regions: Vec<RegionStatus>,
}

/// A change to a metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effect {
    pub metric: String,
    pub delta: f64,
}

/// What a wording says about a map region (for the map screen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionStatus {
    /// Region id as in `assets/map.ron` (e.g. "crimea", "donetsk").
    pub region: String,
    pub status: RegionControl,
}

/// How the draft treats a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegionControl {
    /// Recognised as Russian (de jure or de facto).
    Recognised,
    /// Frozen on the line of contact.
    Frozen,
    /// Demilitarised buffer zone.
    Demilitarised,
    /// Returned to or kept by Ukraine.
    Ukrainian,
    /// Left to later talks.
    Deferred,
}

/// An interaction term between clauses.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Combination {
    pub id: String,
    pub description: String,
    /// Must only mention clauses (Variant, Struck, Present), not metrics, so
    /// that the deal space stays analysable.
    pub when: Condition,
    #[serde(default)]
    pub utility: PartyValues,
    #[serde(default)]
    pub effects: Vec<Effect>,
}

/// A news shock or scheduled moment, drawn at the start of a round.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventCard {
    pub id: String,
    pub title: String,
    pub text: String,
    /// The real date, if the card is historical.
    #[serde(default)]
    pub date: String,
    pub trigger: Trigger,
    /// Chance 0..1 that it fires when its trigger holds.
    #[serde(default = "default_one")]
    pub probability: f64,
    /// Fires at most once per game (default) or every time its trigger holds.
    #[serde(default = "default_true")]
    pub once: bool,
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// Changes to parties' reservation values.
    #[serde(default)]
    pub reservation: PartyValues,
    /// Rounds added to (or taken from) the deadline.
    #[serde(default)]
    pub deadline: i32,
    /// Wordings the card writes into the draft: (clause id, variant id or
    /// "struck"). Applied to open clauses only; stances on them are reset.
    #[serde(default)]
    pub amend: Vec<(String, String)>,
    /// The card hands the pen to this party ("" takes it away: the neutral rule).
    #[serde(default)]
    pub pen: Option<String>,
    /// The card changes whose signature the deal needs: these parties (an
    /// empty list: every party).
    #[serde(default)]
    pub signatories: Option<Vec<String>>,
    #[serde(default)]
    pub sources: Vec<String>,
}

fn default_one() -> f64 {
    1.0
}

/// When an event card may fire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Trigger {
    /// At the start of exactly this round.
    Round(u32),
    /// At the start of this round or any later one.
    FromRound(u32),
    /// At the start of a round in which the condition holds.
    When(Condition),
    /// Only when a facilitator injects it.
    Manual,
}

/// A diplomatic move beside clause stances.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionDef {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Which parties may take it; empty means all.
    #[serde(default)]
    pub parties: Vec<String>,
    /// Earliest round it can be taken.
    #[serde(default = "default_one_u32")]
    pub from_round: u32,
    /// How often one party may take it in a game (0 = unlimited).
    #[serde(default)]
    pub limit: u32,
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// Reservation changes, by whom they fall on.
    #[serde(default)]
    pub shifts: Vec<Shift>,
    /// What taking the action costs the actor, in utility points, counted in
    /// its score whatever the ending (political capital, a concession made
    /// elsewhere). Must be ≥ 0.
    #[serde(default)]
    pub cost: f64,
    /// The shifts apply only when this holds on the draft as the action is
    /// taken (a threat must be credible, a linkage must be real). The cost
    /// and the metric effects apply either way.
    #[serde(default)]
    pub when: Option<Condition>,
}

fn default_one_u32() -> u32 {
    1
}

/// A change to some parties' reservation values caused by an action.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    pub target: Target,
    pub reservation: f64,
}

/// Whom an action's shift falls on, relative to the party taking it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Target {
    Actor,
    Allies,
    Others,
    All,
    Party(String),
}

/// How the negotiation runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Party ids in the order they take turns; every party exactly once.
    pub turn_order: Vec<String>,
    /// The pen-holder: the seat that decides, at each round end, which
    /// proposals and packages go into the draft. None: the neutral rule.
    #[serde(default)]
    pub mediator: Option<String>,
    /// The AI pen-holder maximises its own utility plus this weight times the
    /// natural log of the public chance of a deal (utility points per nat).
    #[serde(default = "default_pen_weight")]
    pub pen_weight: f64,
    /// The most clauses one package may change (1..=4).
    #[serde(default = "default_package")]
    pub package_size: u32,
    /// What each round without a deal does (the war goes on).
    #[serde(default)]
    pub each_round: EachRound,
    /// Whether the deadline ends with a vote on the text as it stands.
    #[serde(default = "default_true")]
    pub final_vote: bool,
    /// Whether the seats' advisor (`A`) and the what-if deal previews start
    /// on at a table (the facilitator can switch them either way).
    #[serde(default = "default_true")]
    pub advisor: bool,
    /// What the seats may see at a table, each item on or off; an item left
    /// out takes its default (docs/SCENARIOS.md, "What the seats may see").
    #[serde(default)]
    pub info: InfoRules,
    /// Number of rounds before the deadline passes.
    pub rounds: u32,
    /// Parties whose signature makes a deal; empty means all.
    #[serde(default)]
    pub signatories: Vec<String>,
    /// How many signing votes one party may call in a game.
    #[serde(default = "default_votes")]
    pub votes_per_party: u32,
    /// Without a pen-holder, the neutral rule adopts a proposal only if it
    /// raises the table's support score (docs/MODEL.md, in nats) by more than this.
    #[serde(default)]
    pub revision_threshold: f64,
    #[serde(default)]
    pub walkout: Walkout,
    /// The talks collapse at the end of a round when any of these holds.
    #[serde(default)]
    pub collapse: Vec<Collapse>,
    /// Utility change for the party that walks out (on top of its reservation).
    #[serde(default)]
    pub walkout_penalty: f64,
    /// What a refusal costs when the deal does not need that party's
    /// signature (no clause needing its consent is in the text): applied
    /// once per such refusal when the deal is made without it.
    #[serde(default)]
    pub dissent: Vec<Effect>,
    /// The second level: a signed text that needs a vote at home.
    #[serde(default)]
    pub ratification: Option<Ratification>,
}

/// A vote at home after the signing (a two-level game): when the signed text
/// meets `when`, it takes effect only if the vote passes, with a public chance
/// `chance + Σ slope × (metric − its initial value)`, clamped to 0..1.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ratification {
    /// What the vote is ("a referendum in Ukraine").
    pub name: String,
    /// Plain words for the briefs and the end screen.
    pub text: String,
    /// The signed text needs the vote when this holds.
    pub when: Condition,
    /// The chance the vote passes at the scenario's start (an opinion figure).
    pub chance: f64,
    /// How metrics move the chance (per point of the metric).
    #[serde(default)]
    pub slopes: BTreeMap<String, f64>,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// The scenario's default information settings (`rules.info`). Each item
/// is optional: `advisor` and `what_if` default to `rules.advisor`, the
/// others to on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InfoRules {
    #[serde(default)]
    pub advisor: Option<bool>,
    #[serde(default)]
    pub what_if: Option<bool>,
    #[serde(default)]
    pub others_acceptance: Option<bool>,
    #[serde(default)]
    pub ai_reasons: Option<bool>,
}

fn default_votes() -> u32 {
    2
}
fn default_pen_weight() -> f64 {
    10.0
}
fn default_package() -> u32 {
    3
}

/// The cost of delay: applied at the end of every round that passes without
/// a deal (and, for the bottom lines, on to the deadline when the talks end
/// without one).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EachRound {
    /// Metric changes (the front moves, the economy bleeds).
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// Changes to parties' true bottom lines (public amounts).
    #[serde(default)]
    pub reservation: PartyValues,
}

/// Whether and when a party may walk out.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Walkout {
    #[serde(default = "default_true")]
    pub allowed: bool,
    #[serde(default = "default_one_u32")]
    pub from_round: u32,
}

impl Default for Walkout {
    fn default() -> Self {
        Walkout {
            allowed: true,
            from_round: 1,
        }
    }
}

/// A collapse condition, checked at round end.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Collapse {
    /// Plain words for the end screen.
    pub text: String,
    pub when: Condition,
    /// How many consecutive round ends the condition must hold.
    #[serde(default = "default_one_u32")]
    pub rounds: u32,
}
