//! Conditions on the draft and the world, and the one way to evaluate them:
//! [`Cond::holds`] over any [`Facts`].
//!
//! Red lines, combinations, event triggers and collapse rules are all
//! conditions. The engine evaluates them on the game's state, the AI on a
//! draft with one clause swapped, the analysis on bare packages: each is a
//! [`Facts`], and the logic of `all`/`any`/`not` and of each atom lives here
//! once.

/// A compiled [`super::schema::Condition`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Option(usize, usize),
    Struck(usize),
    Present(usize),
    Agreed(usize),
    MetricBelow(usize, f64),
    MetricAbove(usize, f64),
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    Always,
}

/// What a condition is evaluated against.
pub trait Facts {
    /// The option clause `clause` stands at (a variant, or its strike index);
    /// `None` when these facts leave the clause out, so that every atom about
    /// it reads false.
    fn option(&self, clause: usize) -> Option<usize>;
    /// The option index meaning "clause struck".
    fn struck(&self, clause: usize) -> usize;
    /// Whether the table has agreed the clause.
    fn agreed(&self, clause: usize) -> bool;
    /// A metric's value (NaN when unknown: both comparisons then read false).
    fn metric(&self, metric: usize) -> f64;
}

impl Cond {
    /// Whether the condition holds on these facts.
    pub fn holds(&self, facts: &impl Facts) -> bool {
        match self {
            Cond::Option(c, o) => facts.option(*c) == Some(*o),
            Cond::Struck(c) => facts.option(*c) == Some(facts.struck(*c)),
            Cond::Present(c) => facts.option(*c).is_some_and(|o| o != facts.struck(*c)),
            Cond::Agreed(c) => facts.agreed(*c),
            Cond::MetricBelow(m, v) => facts.metric(*m) < *v,
            Cond::MetricAbove(m, v) => facts.metric(*m) > *v,
            Cond::All(cs) => cs.iter().all(|c| c.holds(facts)),
            Cond::Any(cs) => cs.iter().any(|c| c.holds(facts)),
            Cond::Not(c) => !c.holds(facts),
            Cond::Always => true,
        }
    }

    /// Call `f` with every clause the condition mentions (repeats included),
    /// wording and agreement alike.
    pub fn each_clause(&self, f: &mut impl FnMut(usize)) {
        match self {
            Cond::Option(c, _) | Cond::Struck(c) | Cond::Present(c) | Cond::Agreed(c) => f(*c),
            Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| c.each_clause(f)),
            Cond::Not(c) => c.each_clause(f),
            Cond::MetricBelow(..) | Cond::MetricAbove(..) | Cond::Always => {}
        }
    }
}

/// What a condition depends on, so that a one-clause change re-evaluates only
/// the conditions it can touch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deps {
    /// Bitset of the clauses the condition mentions.
    pub clauses: Vec<u64>,
    /// Mentions metrics or clause status, so it must always be re-evaluated.
    pub dynamic: bool,
}

impl Deps {
    /// The dependencies of a condition.
    pub fn of(cond: &Cond, clauses: usize) -> Deps {
        let mut d = Deps {
            clauses: vec![0; clauses.div_ceil(64)],
            dynamic: false,
        };
        d.add(cond);
        d
    }

    fn add(&mut self, cond: &Cond) {
        match cond {
            Cond::Option(c, _) | Cond::Struck(c) | Cond::Present(c) => {
                self.clauses[c / 64] |= 1 << (c % 64)
            }
            Cond::Agreed(_) | Cond::MetricBelow(..) | Cond::MetricAbove(..) => self.dynamic = true,
            Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| self.add(c)),
            Cond::Not(c) => self.add(c),
            Cond::Always => {}
        }
    }

    /// Whether a change to clause `c` can change the condition's truth.
    #[inline]
    pub fn touches(&self, c: usize) -> bool {
        self.dynamic || self.clauses[c / 64] & (1 << (c % 64)) != 0
    }
}
