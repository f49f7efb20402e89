//! The operation meter: every evaluation step costs operations; going over the budget stops the
//! script (semantics.md §4.3).

/// Why a running script stopped early.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Stop {
    /// The operation budget ran out at this line.
    Budget { budget: u64, line: u32 },
    /// A runtime error at this line.
    Error { line: u32, message: String },
}

impl Stop {
    /// The reason as `ProcessingFailed` reports it.
    pub fn reason(&self) -> String {
        match self {
            Stop::Budget { budget, line } => {
                format!("operation budget of {budget} exceeded at line {line}")
            }
            Stop::Error { line, message } => format!("line {line}: {message}"),
        }
    }
}

/// Units of work that cost one operation (bytes of strings, elements of collections).
pub(crate) const WORK_PER_OP: u64 = 64;

/// Counts operations against a budget and remembers the current line.
#[derive(Debug)]
pub(crate) struct Meter {
    pub used: u64,
    pub budget: u64,
    units: u64,
    pub line: u32,
}

impl Meter {
    /// A fresh meter.
    pub fn new(budget: u64) -> Meter {
        Meter {
            used: 0,
            budget,
            units: 0,
            line: 1,
        }
    }

    /// Charges `n` operations.
    pub fn ops(&mut self, n: u64) -> Result<(), Stop> {
        match self.used.checked_add(n) {
            Some(total) if total <= self.budget => {
                self.used = total;
                Ok(())
            }
            _ => {
                self.used = self.budget;
                Err(Stop::Budget {
                    budget: self.budget,
                    line: self.line,
                })
            }
        }
    }

    /// Charges `n` units of work ([`WORK_PER_OP`] units = one operation).
    pub fn work(&mut self, n: u64) -> Result<(), Stop> {
        self.units = self.units.saturating_add(n);
        let whole = self.units / WORK_PER_OP;
        self.units %= WORK_PER_OP;
        if whole > 0 {
            self.ops(whole)
        } else {
            Ok(())
        }
    }

    /// A runtime error at the current line.
    pub fn error(&self, message: impl Into<String>) -> Stop {
        Stop::Error {
            line: self.line,
            message: message.into(),
        }
    }
}
