//! Check selection: `--select` / `--ignore` by code, code prefix, name, or CalCheck number.

use crate::engine::Check;
use crate::registry::CHECKS;

/// A selector matched no check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSelector(pub String);

impl core::fmt::Display for UnknownSelector {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "unknown check selector {:?} (see `calcheck checks`)",
            self.0
        )
    }
}

impl std::error::Error for UnknownSelector {}

/// True when `selector` names `check`: `ALL`, its code (`CC101`), a code prefix (`CC1`, `CC`), its name
/// (`missing-start-time`), or one of its CalCheck numbers (`0020`). Case-insensitive.
pub fn matches(selector: &str, check: &dyn Check) -> bool {
    let m = check.meta();
    let s = selector.trim();
    s.eq_ignore_ascii_case("ALL")
        || s.eq_ignore_ascii_case(m.name)
        || m.calcheck.iter().any(|c| c == &s)
        || (s.len() >= 2
            && s.len() <= m.code.len()
            && m.code
                .get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s)))
}

/// The checks that `select` (all when empty) minus `ignore` pick from the registry.
pub fn select(
    select: &[String],
    ignore: &[String],
) -> Result<Vec<&'static dyn Check>, UnknownSelector> {
    for s in select.iter().chain(ignore) {
        if !CHECKS.iter().any(|c| matches(s, *c)) {
            return Err(UnknownSelector(s.clone()));
        }
    }
    Ok(CHECKS
        .iter()
        .copied()
        .filter(|c| select.is_empty() || select.iter().any(|s| matches(s, *c)))
        .filter(|c| !ignore.iter().any(|s| matches(s, *c)))
        .collect())
}

/// Finds one check by code, name or CalCheck number (for `calcheck explain`).
pub fn find(selector: &str) -> Option<&'static dyn Check> {
    let s = selector.trim();
    CHECKS.iter().copied().find(|c| {
        let m = c.meta();
        m.code.eq_ignore_ascii_case(s) || m.name.eq_ignore_ascii_case(s) || m.calcheck.contains(&s)
    })
}
