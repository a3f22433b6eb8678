//! Semantic validation: turns a parsed [`Scenario`] into a [`Model`], or into
//! every problem found, each with the field path it concerns.

use super::model::*;
use super::schema::*;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

/// One semantic problem in a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where, as a field path: `clauses[6].variants[1].utility.ru`.
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Collects diagnostics while resolving ids.
struct Checker<'a> {
    s: &'a Scenario,
    out: Vec<Diagnostic>,
    parties: HashMap<&'a str, usize>,
    metrics: HashMap<&'a str, usize>,
    clauses: HashMap<&'a str, usize>,
}

fn list(ids: impl Iterator<Item = impl AsRef<str>>) -> String {
    let v: Vec<String> = ids.map(|s| s.as_ref().to_string()).collect();
    if v.len() > 12 {
        format!("{}, … ({} in all)", v[..12].join(", "), v.len())
    } else {
        v.join(", ")
    }
}

impl<'a> Checker<'a> {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        // Paths and messages echo map keys and references from the file.
        let (mut path, mut message) = (path.into(), message.into());
        crate::text::clean_line_in(&mut path);
        crate::text::clean_line_in(&mut message);
        self.out.push(Diagnostic { path, message });
    }

    /// Index ids, reporting empty and duplicate ones.
    fn index<T>(
        &mut self,
        what: &str,
        items: &'a [T],
        id: impl Fn(&'a T) -> &'a str,
    ) -> HashMap<&'a str, usize> {
        let mut map = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let key = id(item);
            self.check_id(&format!("{what}[{i}].id"), key);
            if let Some(first) = map.insert(key, i) {
                self.err(
                    format!("{what}[{i}].id"),
                    format!(
                        "duplicate id '{key}' (first used by {what}[{first}]); ids must be unique"
                    ),
                );
                map.insert(key, first);
            }
        }
        map
    }

    fn check_id(&mut self, path: &str, id: &str) {
        if id.is_empty() {
            self.err(path, "empty id; expected letters, digits, '_' or '-'");
        } else if let Some(d) = super::clean::control(path, id) {
            self.out.push(d);
        } else if !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            self.err(
                path,
                format!("id '{id}' has characters other than letters, digits, '_' or '-'"),
            );
        }
    }

    /// Every number of a scenario passes here: finite and at most
    /// [`MAX_MAGNITUDE`] in size, so sums of them stay finite on every screen.
    fn finite(&mut self, path: &str, v: f64) -> bool {
        if !v.is_finite() {
            self.err(path, format!("{v} is not a finite number"));
            false
        } else if v.abs() > MAX_MAGNITUDE {
            self.err(
                path,
                format!(
                    "{v:e} is too large; expected a number from -{MAX_MAGNITUDE} to {MAX_MAGNITUDE}"
                ),
            );
            false
        } else {
            true
        }
    }

    fn in_range(&mut self, path: &str, v: f64, lo: f64, hi: f64) {
        if !(lo..=hi).contains(&v) {
            self.err(path, format!("{v} is out of range; expected {lo} to {hi}"));
        }
    }

    fn party(&mut self, path: &str, id: &str) -> Option<usize> {
        let found = self.parties.get(id).copied();
        if found.is_none() {
            let known = list(self.s.parties.iter().map(|p| &p.id));
            self.err(
                path,
                format!("unknown party '{id}'; expected one of: {known}"),
            );
        }
        found
    }

    fn metric(&mut self, path: &str, id: &str, stock_only: bool) -> Option<usize> {
        match self.metrics.get(id).copied() {
            None => {
                let known = list(self.s.metrics.iter().map(|m| &m.id));
                self.err(
                    path,
                    format!("unknown metric '{id}'; expected one of: {known}"),
                );
                None
            }
            Some(m) if stock_only && self.s.metrics[m].kind != MetricKind::Stock => {
                self.err(
                    path,
                    format!("metric '{id}' is derived from the draft and cannot be used here; expected a stock metric"),
                );
                None
            }
            Some(m) => Some(m),
        }
    }

    fn clause(&mut self, path: &str, id: &str) -> Option<usize> {
        let found = self.clauses.get(id).copied();
        if found.is_none() {
            let known = list(self.s.clauses.iter().map(|c| &c.id));
            self.err(
                path,
                format!("unknown clause '{id}'; expected one of: {known}"),
            );
        }
        found
    }

    fn variant(&mut self, path: &str, clause: usize, id: &str) -> Option<usize> {
        let c = &self.s.clauses[clause];
        if id == "struck" {
            return Some(c.variants.len());
        }
        let found = c.variants.iter().position(|v| v.id == id);
        if found.is_none() {
            let known = list(
                c.variants
                    .iter()
                    .map(|v| &v.id)
                    .chain(["struck".to_string()].iter()),
            );
            self.err(
                path,
                format!(
                    "clause '{}' has no variant '{id}'; expected one of: {known}",
                    c.id
                ),
            );
        }
        found
    }

    fn party_values(&mut self, path: &str, values: &BTreeMap<String, f64>) -> Vec<f64> {
        let mut dense = vec![0.0; self.s.parties.len()];
        for (id, &v) in values {
            let p = format!("{path}.{id}");
            if let Some(i) = self.party(&p, id)
                && self.finite(&p, v)
            {
                dense[i] = v;
            }
        }
        dense
    }

    /// Compile effects. `metric` names a metric, or one component of an
    /// index metric as `"metric.component"`: the metric then moves by
    /// `delta × weight × credibility` (docs/MODEL.md, "Indices").
    fn effects(&mut self, path: &str, effects: &[Effect]) -> Vec<(usize, f64)> {
        let mut out = Vec::new();
        for (i, e) in effects.iter().enumerate() {
            let mp = format!("{path}[{i}].metric");
            let (m, scale) = match e.metric.split_once('.') {
                None => (self.metric(&mp, &e.metric, true), 1.0),
                Some((metric, part)) => match self.metric(&mp, metric, true) {
                    None => (None, 1.0),
                    Some(m) => {
                        let comps = &self.s.metrics[m].components;
                        match comps.iter().find(|c| c.id == part) {
                            Some(c) => (Some(m), c.weight * c.credibility),
                            None => {
                                let known = list(comps.iter().map(|c| &c.id));
                                let expected = if comps.is_empty() {
                                    format!("metric '{metric}' has no components")
                                } else {
                                    format!("expected one of: {known}")
                                };
                                self.err(
                                    &mp,
                                    format!("unknown component '{part}' of '{metric}'; {expected}"),
                                );
                                (None, 1.0)
                            }
                        }
                    }
                },
            };
            let ok = self.finite(&format!("{path}[{i}].delta"), e.delta);
            if let (Some(m), true) = (m, ok) {
                out.push((m, e.delta * scale));
            }
        }
        out
    }

    /// Check a list of sources: each a web address.
    fn sources(&mut self, path: &str, sources: &[String]) {
        for (i, src) in sources.iter().enumerate() {
            if !(src.starts_with("https://") || src.starts_with("http://")) || src.contains(' ') {
                self.err(
                    format!("{path}[{i}]"),
                    format!("'{src}' is not a web address; expected https://…"),
                );
            }
        }
    }

    /// Compile a list of party ids into a bitset.
    fn party_bits(&mut self, path: &str, ids: &[String]) -> u64 {
        let mut bits = 0;
        for (j, id) in ids.iter().enumerate() {
            if let Some(pi) = self.party(&format!("{path}[{j}]"), id) {
                bits |= 1 << pi;
            }
        }
        bits
    }

    /// Compile a condition. `clauses_only` forbids metric terms; `stock_only`
    /// forbids derived metrics.
    fn cond(&mut self, path: &str, c: &Condition, clauses_only: bool, stock_only: bool) -> Cond {
        let metric_term = |me: &mut Self, id: &str, v: f64, below: bool| {
            if clauses_only {
                me.err(path, "this condition may only mention clauses (Variant, Struck, Present, Agreed), not metrics");
                return Cond::Always;
            }
            let Some(m) = me.metric(path, id, stock_only) else {
                return Cond::Always;
            };
            me.finite(path, v);
            if below {
                Cond::MetricBelow(m, v)
            } else {
                Cond::MetricAbove(m, v)
            }
        };
        match c {
            Condition::Variant(cl, v) => {
                let Some(ci) = self.clause(path, cl) else {
                    return Cond::Always;
                };
                match self.variant(path, ci, v) {
                    Some(o) => Cond::Option(ci, o),
                    None => Cond::Always,
                }
            }
            Condition::Struck(cl) => self.clause(path, cl).map_or(Cond::Always, Cond::Struck),
            Condition::Present(cl) => self.clause(path, cl).map_or(Cond::Always, Cond::Present),
            Condition::Agreed(cl) => {
                if clauses_only {
                    self.err(path, "Agreed(..) depends on the talks, not the text; here only Variant, Struck and Present are allowed");
                }
                self.clause(path, cl).map_or(Cond::Always, Cond::Agreed)
            }
            Condition::MetricBelow(m, v) => metric_term(self, m, *v, true),
            Condition::MetricAbove(m, v) => metric_term(self, m, *v, false),
            Condition::AllOf(cs) => Cond::All(
                cs.iter()
                    .enumerate()
                    .map(|(i, c)| {
                        self.cond(&format!("{path}.AllOf[{i}]"), c, clauses_only, stock_only)
                    })
                    .collect(),
            ),
            Condition::AnyOf(cs) => Cond::Any(
                cs.iter()
                    .enumerate()
                    .map(|(i, c)| {
                        self.cond(&format!("{path}.AnyOf[{i}]"), c, clauses_only, stock_only)
                    })
                    .collect(),
            ),
            Condition::Not(c) => Cond::Not(Box::new(self.cond(
                &format!("{path}.Not"),
                c,
                clauses_only,
                stock_only,
            ))),
            Condition::Always => Cond::Always,
        }
    }

    fn links(&mut self, path: &str, own: usize, refs: &[String]) -> Vec<Link> {
        let mut out = Vec::new();
        for (i, r) in refs.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let (cl, var) = match r.split_once('/') {
                Some((c, v)) => (c, Some(v)),
                None => (r.as_str(), None),
            };
            let Some(ci) = self.clause(&p, cl) else {
                continue;
            };
            if ci == own {
                self.err(
                    &p,
                    format!("clause '{cl}' refers to itself; expected another clause"),
                );
                continue;
            }
            let variant = match var {
                Some(v) => match self.variant(&p, ci, v) {
                    Some(o) if o == self.s.clauses[ci].variants.len() => {
                        self.err(&p, "expected a variant id, not 'struck' (use excludes with the clause id instead)");
                        continue;
                    }
                    Some(o) => Some(o),
                    None => continue,
                },
                None => None,
            };
            out.push(Link {
                clause: ci,
                variant,
            });
        }
        out
    }
}

/// Validate a parsed scenario and compile it. `checksum` is the file's checksum.
pub fn compile(mut s: Scenario, checksum: String) -> Result<Model, Vec<Diagnostic>> {
    // Names with control characters are refused; other text is cleaned before
    // anything can show it.
    let names = super::clean::check_names(&s);
    super::clean::clean(&mut s);
    let mut k = Checker {
        s: &s,
        out: Vec::new(),
        parties: HashMap::new(),
        metrics: HashMap::new(),
        clauses: HashMap::new(),
    };
    k.check_id("meta.id", &s.meta.id);
    if s.meta.title.trim().is_empty() {
        k.err("meta.title", "empty title; expected a few words");
    }

    // Sizes first: past these, the rest is not worth reading.
    let sizes = [
        ("metrics", s.metrics.len(), 1, MAX_METRICS),
        ("parties", s.parties.len(), 2, MAX_PARTIES),
        ("clauses", s.clauses.len(), 1, MAX_CLAUSES),
    ];
    for (what, n, lo, hi) in sizes {
        if n < lo || n > hi {
            k.err(what, format!("{n} {what}; expected {lo} to {hi}"));
        }
    }
    if !k.out.is_empty() {
        return Err(k.out);
    }
    k.out.extend(names);

    k.metrics = k.index("metrics", &s.metrics, |m| &m.id);
    k.parties = k.index("parties", &s.parties, |p| &p.id);
    k.clauses = k.index("clauses", &s.clauses, |c| &c.id);
    let personalities = k.index("personalities", &s.personalities, |p| &p.id);
    k.index("combinations", &s.combinations, |c| &c.id);
    k.index("events", &s.events, |e| &e.id);
    k.index("actions", &s.actions, |a| &a.id);

    // Metrics.
    let mut deal_metric = None;
    let mut metrics = Vec::new();
    for (i, m) in s.metrics.iter().enumerate() {
        let p = format!("metrics[{i}]");
        let ok = k.finite(&format!("{p}.min"), m.min)
            & k.finite(&format!("{p}.max"), m.max)
            & k.finite(&format!("{p}.initial"), m.initial);
        if ok && m.min >= m.max {
            k.err(
                format!("{p}.max"),
                format!("max {} must be above min {}", m.max, m.min),
            );
        } else if ok {
            k.in_range(&format!("{p}.initial"), m.initial, m.min, m.max);
        }
        if k.finite(&format!("{p}.divergence"), m.divergence) && m.divergence < 0.0 {
            k.err(format!("{p}.divergence"), "negative; expected 0 or more");
        }
        if m.kind == MetricKind::DealLikelihood {
            if let Some(first) = deal_metric {
                k.err(format!("{p}.kind"), format!("a second DealLikelihood metric (first: metrics[{first}]); expected at most one"));
            }
            deal_metric = Some(i);
        }
        let mut comp_ids = HashMap::new();
        for (j, c) in m.components.iter().enumerate() {
            let cp = format!("{p}.components[{j}]");
            k.check_id(&format!("{cp}.id"), &c.id);
            if comp_ids.insert(c.id.as_str(), j).is_some() {
                k.err(
                    format!("{cp}.id"),
                    format!("duplicate component id '{}'", c.id),
                );
            }
            k.finite(&format!("{cp}.weight"), c.weight);
            k.finite(&format!("{cp}.initial"), c.initial);
            if k.finite(&format!("{cp}.credibility"), c.credibility) {
                k.in_range(&format!("{cp}.credibility"), c.credibility, 0.0, 1.0);
            }
            k.sources(&format!("{cp}.sources"), &c.sources);
        }
        metrics.push(MetricModel {
            min: m.min,
            max: m.max,
            initial: m.initial,
            kind: m.kind,
            divergence: m.divergence,
        });
    }

    // Personalities.
    for (i, pe) in s.personalities.iter().enumerate() {
        let p = format!("personalities[{i}]");
        for (field, v, lo, hi) in [
            ("tolerance", pe.tolerance, 0.0, 1e6),
            ("concession", pe.concession, 0.0, 1e6),
            ("cooperation", pe.cooperation, 0.0, 1.0),
            ("activity", pe.activity, 0.0, 1.0),
            ("walkout_below", pe.walkout_below, 0.0, 1.0),
            ("vote_at", pe.vote_at, 0.0, 1.0),
            ("noise", pe.noise, 0.0, 1e6),
        ] {
            let fp = format!("{p}.{field}");
            if k.finite(&fp, v) {
                k.in_range(&fp, v, lo, hi);
            }
        }
    }

    // Parties.
    let mut parties = Vec::new();
    for (i, pa) in s.parties.iter().enumerate() {
        let p = format!("parties[{i}]");
        if pa.short.trim().is_empty() || pa.short.chars().count() > 4 {
            k.err(
                format!("{p}.short"),
                format!(
                    "'{}' is not a short name; expected 1 to 4 characters",
                    pa.short
                ),
            );
        }
        if ratatui::style::Color::from_str(&pa.colour).is_err() {
            k.err(
                format!("{p}.colour"),
                format!(
                    "unknown colour '{}'; expected a name (black, red, green, yellow, blue, magenta, cyan, gray, white, or light…/dark… of these) or \"#rrggbb\"",
                    pa.colour
                ),
            );
        }
        let (reservation, spread) = match pa.reservation {
            None => {
                k.err(
                    format!("{p}.reservation"),
                    "missing; every party needs a bottom line, a public prior (mean: …, spread: …) on what no deal is worth to it",
                );
                (0.0, 1.0)
            }
            Some(r) => {
                k.finite(&format!("{p}.reservation.mean"), r.mean);
                if k.finite(&format!("{p}.reservation.spread"), r.spread) && r.spread <= 0.0 {
                    k.err(
                        format!("{p}.reservation.spread"),
                        format!("{} must be above 0", r.spread),
                    );
                }
                (r.mean, r.spread.max(1e-9))
            }
        };
        let mut weights = vec![0.0; s.metrics.len()];
        for (id, &w) in &pa.weights {
            let wp = format!("{p}.weights.{id}");
            if let Some(m) = k.metric(&wp, id, true)
                && k.finite(&wp, w)
            {
                weights[m] = w;
            }
        }
        let mut allies = Vec::new();
        for (j, a) in pa.allies.iter().enumerate() {
            let ap = format!("{p}.allies[{j}]");
            if let Some(ai) = k.party(&ap, a) {
                if ai == i {
                    k.err(&ap, "a party cannot be its own ally");
                } else if !allies.contains(&ai) {
                    allies.push(ai);
                }
            }
        }
        let mut red_ids = HashMap::new();
        let mut red_lines = Vec::new();
        for (j, rl) in pa.red_lines.iter().enumerate() {
            let rp = format!("{p}.red_lines[{j}]");
            k.check_id(&format!("{rp}.id"), &rl.id);
            if red_ids.insert(rl.id.as_str(), j).is_some() {
                k.err(
                    format!("{rp}.id"),
                    format!("duplicate red line id '{}'", rl.id),
                );
            }
            red_lines.push(k.cond(&format!("{rp}.crossed_if"), &rl.crossed_if, false, true));
            k.sources(&format!("{rp}.sources"), &rl.sources);
        }
        let personality = if pa.ai.personality.is_empty() {
            (!s.personalities.is_empty()).then_some(0)
        } else {
            let found = personalities.get(pa.ai.personality.as_str()).copied();
            if found.is_none() {
                let known = list(s.personalities.iter().map(|p| &p.id));
                k.err(
                    format!("{p}.ai.personality"),
                    format!(
                        "unknown personality '{}'; expected one of: {known}",
                        pa.ai.personality
                    ),
                );
            }
            found
        };
        if red_lines.len() > MAX_RED_LINES {
            k.err(
                format!("{p}.red_lines"),
                format!(
                    "{} red lines; expected at most {MAX_RED_LINES}",
                    red_lines.len()
                ),
            );
        }
        let red_line_deps = red_lines
            .iter()
            .map(|c| Deps::of(c, s.clauses.len()))
            .collect();
        parties.push(PartyModel {
            red_line_deps,
            reservation,
            spread,
            weighted: weights
                .iter()
                .enumerate()
                .filter(|(_, w)| **w != 0.0)
                .map(|(m, &w)| (m, w))
                .collect(),
            weights,
            allies,
            red_lines,
            personality,
        });
    }

    // Clauses.
    let mut clauses = Vec::new();
    for (i, c) in s.clauses.iter().enumerate() {
        let p = format!("clauses[{i}]");
        if c.variants.is_empty() {
            k.err(
                format!("{p}.variants"),
                "no variants; expected at least the drafted wording",
            );
            clauses.push(ClauseModel {
                variants: 0,
                options: vec![],
                strikable: c.strikable,
                initial: 0,
                linked_from: Vec::new(),
            });
            continue;
        }
        if c.variants.len() > MAX_VARIANTS {
            k.err(
                format!("{p}.variants"),
                format!(
                    "{} variants; expected at most {MAX_VARIANTS}",
                    c.variants.len()
                ),
            );
        }
        let mut seen = HashMap::new();
        let mut options = Vec::new();
        let consent = k.party_bits(&format!("{p}.consent_of"), &c.consent_of);
        k.sources(&format!("{p}.sources"), &c.sources);
        for (j, v) in c.variants.iter().enumerate() {
            let vp = format!("{p}.variants[{j}]");
            k.check_id(&format!("{vp}.id"), &v.id);
            if v.id == "struck" {
                k.err(
                    format!("{vp}.id"),
                    "'struck' is reserved for the strike; choose another id",
                );
            }
            if let Some(first) = seen.insert(v.id.as_str(), j) {
                k.err(
                    format!("{vp}.id"),
                    format!("duplicate variant id '{}' (first: variants[{first}])", v.id),
                );
            }
            for (b, party) in v.backed_by.iter().enumerate() {
                k.party(&format!("{vp}.backed_by[{b}]"), party);
            }
            k.sources(&format!("{vp}.sources"), &v.sources);
            let consent = match &v.consent_of {
                None => consent,
                Some(ids) => k.party_bits(&format!("{vp}.consent_of"), ids),
            };
            options.push(OptionModel {
                utility: k.party_values(&format!("{vp}.utility"), &v.utility),
                effects: k.effects(&format!("{vp}.effects"), &v.effects),
                requires: k.links(&format!("{vp}.requires"), i, &v.requires),
                excludes: k.links(&format!("{vp}.excludes"), i, &v.excludes),
                consent,
            });
        }
        let requires = k.links(&format!("{p}.requires"), i, &c.requires);
        let excludes = k.links(&format!("{p}.excludes"), i, &c.excludes);
        // Clause-level links hold for every variant.
        for o in &mut options {
            o.requires.extend(requires.iter().copied());
            o.excludes.extend(excludes.iter().copied());
        }
        options.push(OptionModel {
            utility: k.party_values(&format!("{p}.strike.utility"), &c.strike.utility),
            effects: k.effects(&format!("{p}.strike.effects"), &c.strike.effects),
            requires: vec![],
            excludes: vec![],
            consent: 0,
        });
        let initial = if c.initial.is_empty() {
            0
        } else {
            match c.variants.iter().position(|v| v.id == c.initial) {
                Some(j) => j,
                None => {
                    let known = list(c.variants.iter().map(|v| &v.id));
                    k.err(
                        format!("{p}.initial"),
                        format!("no variant '{}'; expected one of: {known}", c.initial),
                    );
                    0
                }
            }
        };
        clauses.push(ClauseModel {
            variants: c.variants.len(),
            options,
            strikable: c.strikable,
            initial,
            linked_from: Vec::new(),
        });
    }
    check_cycles(&mut k, &clauses);
    for c in 0..clauses.len() {
        let mut targets: Vec<usize> = clauses[c]
            .options
            .iter()
            .flat_map(|o| o.requires.iter().chain(&o.excludes).map(|l| l.clause))
            .collect();
        targets.sort_unstable();
        targets.dedup();
        for t in targets {
            clauses[t].linked_from.push(c);
        }
    }

    // Combinations.
    if s.combinations.len() > MAX_COMBINATIONS {
        k.err(
            "combinations",
            format!(
                "{} combinations; expected at most {MAX_COMBINATIONS}",
                s.combinations.len()
            ),
        );
    }
    let mut combinations = Vec::new();
    for (i, c) in s.combinations.iter().enumerate() {
        let p = format!("combinations[{i}]");
        let when = k.cond(&format!("{p}.when"), &c.when, true, true);
        combinations.push(CombinationModel {
            deps: Deps::of(&when, s.clauses.len()),
            when,
            utility: k.party_values(&format!("{p}.utility"), &c.utility),
            effects: k.effects(&format!("{p}.effects"), &c.effects),
        });
    }

    // Events.
    let mut events = Vec::new();
    for (i, e) in s.events.iter().enumerate() {
        let p = format!("events[{i}]");
        if k.finite(&format!("{p}.probability"), e.probability) {
            k.in_range(&format!("{p}.probability"), e.probability, 0.0, 1.0);
        }
        let trigger = match &e.trigger {
            Trigger::Round(0) | Trigger::FromRound(0) => {
                k.err(format!("{p}.trigger"), "rounds are numbered from 1");
                TriggerModel::Manual
            }
            Trigger::Round(n) => TriggerModel::Round(*n),
            Trigger::FromRound(n) => TriggerModel::FromRound(*n),
            Trigger::When(c) => {
                TriggerModel::When(k.cond(&format!("{p}.trigger.When"), c, false, false))
            }
            Trigger::Manual => TriggerModel::Manual,
        };
        if e.deadline.unsigned_abs() > 1000 {
            k.err(
                format!("{p}.deadline"),
                format!("{}; expected -1000 to 1000 rounds", e.deadline),
            );
        }
        let mut reservation = Vec::new();
        for (id, &v) in &e.reservation {
            let rp = format!("{p}.reservation.{id}");
            if let Some(pi) = k.party(&rp, id)
                && k.finite(&rp, v)
            {
                reservation.push((pi, v));
            }
        }
        let mut amend = Vec::new();
        for (j, (cid, vid)) in e.amend.iter().enumerate() {
            let ap = format!("{p}.amend[{j}]");
            if let Some(c) = k.clause(&ap, cid) {
                let struck = vid == "struck";
                if struck && !s.clauses[c].strikable {
                    k.err(&ap, format!("clause '{cid}' cannot be struck"));
                } else if struck {
                    amend.push((c, s.clauses[c].variants.len()));
                } else if let Some(v) = k.variant(&ap, c, vid) {
                    amend.push((c, v));
                }
            }
        }
        let pen = match e.pen.as_deref() {
            None => None,
            Some("") => Some(None),
            Some(id) => k.party(&format!("{p}.pen"), id).map(Some),
        };
        k.sources(&format!("{p}.sources"), &e.sources);
        let signatories = e.signatories.as_ref().map(|list| {
            let mut flags = vec![list.is_empty(); s.parties.len()];
            for (j, id) in list.iter().enumerate() {
                if let Some(pi) = k.party(&format!("{p}.signatories[{j}]"), id) {
                    flags[pi] = true;
                }
            }
            flags
        });
        events.push(EventModel {
            signatories,
            trigger,
            probability: e.probability,
            once: e.once,
            effects: k.effects(&format!("{p}.effects"), &e.effects),
            reservation,
            deadline: e.deadline,
            amend,
            pen,
        });
    }

    // Diplomatic actions.
    let mut actions = Vec::new();
    for (i, a) in s.actions.iter().enumerate() {
        let p = format!("actions[{i}]");
        let mut allowed = vec![a.parties.is_empty(); s.parties.len()];
        for (j, id) in a.parties.iter().enumerate() {
            if let Some(pi) = k.party(&format!("{p}.parties[{j}]"), id) {
                allowed[pi] = true;
            }
        }
        if a.from_round == 0 {
            k.err(format!("{p}.from_round"), "rounds are numbered from 1");
        }
        let mut shifts = Vec::new();
        for (j, sh) in a.shifts.iter().enumerate() {
            let sp = format!("{p}.shifts[{j}]");
            let target = match &sh.target {
                Target::Actor => Some(TargetModel::Actor),
                Target::Allies => Some(TargetModel::Allies),
                Target::Others => Some(TargetModel::Others),
                Target::All => Some(TargetModel::All),
                Target::Party(id) => k.party(&format!("{sp}.target"), id).map(TargetModel::Party),
            };
            if let Some(t) = target
                && k.finite(&format!("{sp}.reservation"), sh.reservation)
            {
                shifts.push((t, sh.reservation));
            }
        }
        if k.finite(&format!("{p}.cost"), a.cost) {
            k.in_range(&format!("{p}.cost"), a.cost, 0.0, MAX_MAGNITUDE);
        }
        let when = a
            .when
            .as_ref()
            .map(|c| k.cond(&format!("{p}.when"), c, false, false));
        actions.push(ActionModel {
            parties: allowed,
            from_round: a.from_round,
            limit: a.limit,
            effects: k.effects(&format!("{p}.effects"), &a.effects),
            shifts,
            cost: a.cost,
            when,
        });
    }

    // Rules.
    let r = &s.rules;
    let mut turn_order = Vec::new();
    for (j, id) in r.turn_order.iter().enumerate() {
        if let Some(pi) = k.party(&format!("rules.turn_order[{j}]"), id) {
            if turn_order.contains(&pi) {
                k.err(
                    format!("rules.turn_order[{j}]"),
                    format!("'{id}' takes a turn twice; expected each party once"),
                );
            }
            turn_order.push(pi);
        }
    }
    for (pi, pa) in s.parties.iter().enumerate() {
        if !turn_order.contains(&pi)
            && k.out
                .iter()
                .all(|d| !d.path.starts_with("rules.turn_order"))
        {
            k.err(
                "rules.turn_order",
                format!(
                    "party '{}' never takes a turn; expected every party once",
                    pa.id
                ),
            );
        }
    }
    let mediator = r
        .mediator
        .as_ref()
        .and_then(|m| k.party("rules.mediator", m));
    if r.rounds == 0 || r.rounds > 1000 {
        k.err("rules.rounds", format!("{}; expected 1 to 1000", r.rounds));
    }
    let mut signatories = Vec::new();
    for (j, id) in r.signatories.iter().enumerate() {
        if let Some(pi) = k.party(&format!("rules.signatories[{j}]"), id)
            && !signatories.contains(&pi)
        {
            signatories.push(pi);
        }
    }
    if signatories.is_empty() {
        signatories = (0..s.parties.len()).collect();
    }
    if k.finite("rules.revision_threshold", r.revision_threshold) {
        k.in_range("rules.revision_threshold", r.revision_threshold, 0.0, 100.0);
    }
    k.finite("rules.walkout_penalty", r.walkout_penalty);
    if k.finite("rules.pen_weight", r.pen_weight) {
        k.in_range("rules.pen_weight", r.pen_weight, 0.0, 1000.0);
    }
    if r.package_size == 0 || r.package_size as usize > MAX_PACKAGE {
        k.err(
            "rules.package_size",
            format!("{}; expected 1 to {MAX_PACKAGE} clauses", r.package_size),
        );
    }
    let each_round = EachRoundModel {
        effects: k.effects("rules.each_round.effects", &r.each_round.effects),
        reservation: k.party_values("rules.each_round.reservation", &r.each_round.reservation),
    };
    let mut collapse = Vec::new();
    for (j, c) in r.collapse.iter().enumerate() {
        let cp = format!("rules.collapse[{j}]");
        if c.rounds == 0 {
            k.err(
                format!("{cp}.rounds"),
                "0; expected 1 or more consecutive rounds",
            );
        }
        collapse.push((
            k.cond(&format!("{cp}.when"), &c.when, false, false),
            c.rounds.max(1),
        ));
    }

    let dissent = k.effects("rules.dissent", &r.dissent);
    let ratification = r.ratification.as_ref().map(|ra| {
        let rp = "rules.ratification";
        if k.finite(&format!("{rp}.chance"), ra.chance) {
            k.in_range(&format!("{rp}.chance"), ra.chance, 0.0, 1.0);
        }
        let mut slopes = Vec::new();
        for (id, &v) in &ra.slopes {
            let sp = format!("{rp}.slopes.{id}");
            if let Some(m) = k.metric(&sp, id, true)
                && k.finite(&sp, v)
            {
                slopes.push((m, v));
            }
        }
        k.sources(&format!("{rp}.sources"), &ra.sources);
        RatificationModel {
            when: k.cond(&format!("{rp}.when"), &ra.when, false, true),
            chance: ra.chance,
            slopes,
        }
    });
    let mut hindcast = Vec::new();
    let mut hids = HashMap::new();
    for (i, h) in s.hindcast.iter().enumerate() {
        let hp = format!("hindcast[{i}]");
        k.check_id(&format!("{hp}.id"), &h.id);
        if hids.insert(h.id.as_str(), i).is_some() {
            k.err(
                format!("{hp}.id"),
                format!("duplicate hindcast id '{}'", h.id),
            );
        }
        if h.round == Some(0) || h.round.is_some_and(|r| r > 1000) {
            k.err(format!("{hp}.round"), "rounds are numbered from 1");
        }
        let (lo, hi) = h.expect;
        if k.finite(&format!("{hp}.expect"), lo)
            && k.finite(&format!("{hp}.expect"), hi)
            && (!(0.0..=1.0).contains(&lo) || !(0.0..=1.0).contains(&hi) || lo > hi)
        {
            k.err(
                format!("{hp}.expect"),
                format!("({lo}, {hi}); expected two shares 0 ≤ low ≤ high ≤ 1"),
            );
        }
        k.sources(&format!("{hp}.sources"), &h.sources);
        hindcast.push(k.cond(&format!("{hp}.when"), &h.when, false, false));
    }
    let consenters = clauses
        .iter()
        .flat_map(|c| &c.options)
        .fold(0u64, |b, o| b | o.consent);
    let info = info_settings(&mut k, r.advisor, r.info);

    let mut out = k.out;
    if out.is_empty() {
        let mut ally_pairs = Vec::new();
        for p in 0..parties.len() {
            for q in p + 1..parties.len() {
                if parties[p].allies.contains(&q) || parties[q].allies.contains(&p) {
                    ally_pairs.push((p, q));
                }
            }
        }
        let signatory = (0..parties.len())
            .map(|p| signatories.contains(&p))
            .collect();
        let model = Model {
            watch: Watch::of(clauses.len(), &combinations, &parties),
            ally_pairs,
            checksum,
            metrics,
            parties,
            clauses,
            combinations,
            events,
            actions,
            hindcast,
            rules: RulesModel {
                turn_order,
                mediator,
                rounds: r.rounds,
                signatory,
                signatories,
                votes_per_party: r.votes_per_party,
                revision_threshold: r.revision_threshold,
                pen_weight: r.pen_weight,
                package_size: (r.package_size as usize).clamp(1, MAX_PACKAGE),
                each_round,
                final_vote: r.final_vote,
                advisor: r.advisor,
                info,
                walkout_allowed: r.walkout.allowed,
                walkout_from_round: r.walkout.from_round,
                walkout_penalty: r.walkout_penalty,
                collapse,
                consenters,
                dissent,
                ratification,
            },
            deal_metric,
            scenario: s,
        };
        let initial = model.initial_package();
        if let Some(broken) = model.linkage_problem(&initial.options) {
            out.push(Diagnostic {
                path: format!("clauses[{}]", broken.clause),
                message: format!(
                    "the initial draft breaks its own linkage: {}",
                    broken.describe(&model)
                ),
            });
            return Err(out);
        }
        return Ok(model);
    }
    out.truncate(200);
    Err(out)
}

/// Report requirement cycles between clauses (A requires B requires … A).
/// The table's default information settings from `rules.advisor` and
/// `rules.info`: the advisor and the what-if previews follow `advisor`
/// unless `info` names them; `info` may not switch on what `advisor: false`
/// switched off (two answers to one question).
fn info_settings(
    k: &mut Checker,
    advisor: bool,
    info: crate::core::schema::InfoRules,
) -> crate::core::model::InfoSettings {
    for (field, v) in [("advisor", info.advisor), ("what_if", info.what_if)] {
        if !advisor && v == Some(true) {
            k.err(
                format!("rules.info.{field}"),
                "true, but rules.advisor is false; give the setting in one place (rules.info)",
            );
        }
    }
    crate::core::model::InfoSettings {
        advisor: info.advisor.unwrap_or(advisor),
        what_if: info.what_if.unwrap_or(advisor),
        others_acceptance: info.others_acceptance.unwrap_or(true),
        ai_reasons: info.ai_reasons.unwrap_or(true),
    }
}

fn check_cycles(k: &mut Checker, clauses: &[ClauseModel]) {
    let n = clauses.len();
    let edges: Vec<Vec<usize>> = clauses
        .iter()
        .map(|c| {
            let mut e: Vec<usize> = c
                .options
                .iter()
                .flat_map(|o| o.requires.iter().map(|l| l.clause))
                .collect();
            e.sort_unstable();
            e.dedup();
            e
        })
        .collect();
    // 0 = unseen, 1 = on the stack, 2 = done.
    let mut mark = vec![0u8; n];
    for start in 0..n {
        if mark[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        mark[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&to) = edges[node].get(*next) {
                *next += 1;
                match mark[to] {
                    0 => {
                        mark[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => {
                        let from = stack.iter().position(|&(c, _)| c == to).unwrap_or(0);
                        let cycle: Vec<&str> = stack[from..]
                            .iter()
                            .map(|&(c, _)| k.s.clauses[c].id.as_str())
                            .chain([k.s.clauses[to].id.as_str()])
                            .collect();
                        let msg = format!(
                            "cyclic requirement {}; expected requirements without cycles",
                            cycle.join(" → ")
                        );
                        k.err(format!("clauses[{to}].requires"), msg);
                    }
                    _ => {}
                }
            } else {
                mark[node] = 2;
                stack.pop();
            }
        }
    }
}
