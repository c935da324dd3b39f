//! [`Shard`]: `actionhost test --shard I/N`, one of N disjoint parts of the selected cases, so a
//! CI matrix can split a suite across machines. The cases are sorted by file path, case name and
//! position, and shard I takes every Nth one from the Ith: the same files give the same split on
//! every machine, the N shards together run every case exactly once, and their sizes differ by
//! at most one.

use std::fmt;
use std::str::FromStr;

use super::case_file::CaseFile;

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The cases of `chosen` (file index, case index) this shard runs, in their given order.
    pub fn pick(&self, files: &[CaseFile], chosen: &[(usize, usize)]) -> Vec<(usize, usize)> {
        let mut sorted: Vec<(usize, usize)> = chosen.to_vec();
        sorted.sort_by(|&(fa, ca), &(fb, cb)| {
            let key = |f: usize, c: usize| (files[f].path.clone(), files[f].cases[c].name().to_owned(), c);
            key(fa, ca).cmp(&key(fb, cb))
        });
        let mine: std::collections::HashSet<(usize, usize)> = sorted
            .into_iter()
            .enumerate()
            .filter(|(rank, _)| rank % self.count == self.index - 1)
            .map(|(_, k)| k)
            .collect();
        chosen.iter().copied().filter(|k| mine.contains(k)).collect()
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let usage = "give I/N with 1 ≤ I ≤ N, e.g. 1/4";
        let (index, count) = text.split_once('/').ok_or_else(|| format!("{text:?} is not I/N; {usage}"))?;
        let number = |part: &str, what: &str| {
            part.trim()
                .parse::<usize>()
                .map_err(|_| format!("{text:?}: the {what} {part:?} is not a whole number; {usage}"))
        };
        let (index, count) = (number(index, "shard")?, number(count, "shard count")?);
        if count == 0 {
            return Err(format!("{text:?}: the shard count must be at least 1; {usage}"));
        }
        if index == 0 || index > count {
            return Err(format!("{text:?}: shard {index} does not exist, shards are numbered 1 to {count}; {usage}"));
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_i_of_n_and_refuses_the_rest() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "1/0", "x", "x/2", "1/y", "1/2/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
