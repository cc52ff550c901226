//! Percentiles of measured durations, by nearest rank.

use std::time::Duration;

/// The `p`-th percentile (0 to 100) of `values` by nearest rank: the
/// smallest value that at least `p` percent of them do not exceed. `None`
/// for no values.
pub fn percentile(values: &[Duration], p: f64) -> Option<Duration> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let rank = (p.clamp(0.0, 100.0) / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.saturating_sub(1)).copied()
}

/// The median (the 50th percentile by nearest rank).
pub fn median(values: &[Duration]) -> Option<Duration> {
    percentile(values, 50.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_millis(v)).collect()
    }

    #[test]
    fn percentiles_take_the_nearest_rank_of_unsorted_values() {
        let values = ms(&[50, 10, 40, 20, 30]);
        assert_eq!(percentile(&values, 0.0), Some(Duration::from_millis(10)));
        assert_eq!(median(&values), Some(Duration::from_millis(30)));
        assert_eq!(percentile(&values, 99.0), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&values, 100.0), Some(Duration::from_millis(50)));
    }

    #[test]
    fn the_99th_percentile_of_a_hundred_values_is_the_99th() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(
            percentile(&ms(&values), 99.0),
            Some(Duration::from_millis(99))
        );
    }

    #[test]
    fn no_values_have_no_percentile() {
        assert_eq!(median(&[]), None);
    }
}
