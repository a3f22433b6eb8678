//! Linkage: which clause options require or exclude others (`requires` /
//! `excludes` in a scenario). The one place the rule is written: validation
//! checks the initial draft with it, the engine refuses proposals and skips
//! revisions with it, the analysis prunes packages with it.

use super::model::{Link, Model};

/// Which way a linkage rule binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bond {
    /// The option needs the link to hold.
    Requires,
    /// The option cannot stand while the link holds.
    Excludes,
}

/// A linkage rule a draft breaks: clause `clause` at `option` `bond` `link`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Broken {
    pub clause: usize,
    pub option: usize,
    pub bond: Bond,
    pub link: Link,
}

impl Link {
    /// Whether the reference holds with each clause's option given by `at`.
    #[inline]
    pub fn holds(&self, model: &Model, at: impl Fn(usize) -> usize) -> bool {
        match self.variant {
            Some(v) => at(self.clause) == v,
            None => at(self.clause) != model.clauses[self.clause].struck(),
        }
    }
}

impl Broken {
    /// In words: "point 5 (Title) as 'X' requires point 6 (Title) in the draft".
    pub fn describe(&self, model: &Model) -> String {
        let verb = match self.bond {
            Bond::Requires => "requires",
            Bond::Excludes => "cannot stand beside",
        };
        let l = self.link;
        let what = match l.variant {
            Some(v) => format!(
                "{} worded as '{}'",
                model.clause_words(l.clause),
                model.option_label(l.clause, v)
            ),
            None => format!("{} in the draft", model.clause_words(l.clause)),
        };
        format!(
            "{} as '{}' {verb} {what}",
            model.clause_words(self.clause),
            model.option_label(self.clause, self.option)
        )
    }
}

impl Model {
    /// The first linkage rule a draft breaks, in clause order.
    pub fn linkage_problem(&self, options: &[usize]) -> Option<Broken> {
        (0..self.clauses.len()).find_map(|c| self.clause_linkage(options, c))
    }

    /// The linkage rule that setting clause `c` to `option` would break in
    /// `options` (only `c`'s own links and the clauses linking to `c` can break).
    #[inline]
    pub fn linkage_with(&self, options: &[usize], c: usize, option: usize) -> Option<Broken> {
        let clause = &self.clauses[c];
        let own = &clause.options[option];
        if clause.linked_from.is_empty() && own.requires.is_empty() && own.excludes.is_empty() {
            return None;
        }
        let at = |x: usize| if x == c { option } else { options[x] };
        self.linkage_at(&at, c).or_else(|| {
            clause
                .linked_from
                .iter()
                .find_map(|&d| self.linkage_at(&at, d))
        })
    }

    /// Whether clause `c`'s current option stands with the rest of the draft.
    #[inline]
    pub fn clause_linkage(&self, options: &[usize], c: usize) -> Option<Broken> {
        self.linkage_at(&|x| options[x], c)
    }

    /// Linkage of clause `c` with each clause's option given by `at`.
    #[inline]
    fn linkage_at(&self, at: &impl Fn(usize) -> usize, c: usize) -> Option<Broken> {
        let option = at(c);
        let opt = &self.clauses[c].options[option];
        let broken = |bond, link: &Link| Broken {
            clause: c,
            option,
            bond,
            link: *link,
        };
        opt.requires
            .iter()
            .find(|l| !l.holds(self, at))
            .map(|l| broken(Bond::Requires, l))
            .or_else(|| {
                opt.excludes
                    .iter()
                    .find(|l| l.holds(self, at))
                    .map(|l| broken(Bond::Excludes, l))
            })
    }
}
