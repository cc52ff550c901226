//! What a booker thinks of a meeting they had with the owner.

use serde::{Deserialize, Serialize};

/// A rating outside 1–5 stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a rating is 1 to 5 stars, got {0}")]
pub struct RatingError(pub i64);

/// One to five stars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Rating(u8);

impl Rating {
    /// The lowest rating.
    pub const MIN: u8 = 1;
    /// The highest rating.
    pub const MAX: u8 = 5;

    /// Checks that `stars` is between 1 and 5.
    pub fn new(stars: i64) -> Result<Self, RatingError> {
        u8::try_from(stars)
            .ok()
            .filter(|s| (Self::MIN..=Self::MAX).contains(s))
            .map(Self)
            .ok_or(RatingError(stars))
    }

    /// The number of stars.
    pub fn stars(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for Rating {
    type Error = RatingError;
    fn try_from(stars: i64) -> Result<Self, Self::Error> {
        Self::new(stars)
    }
}

impl From<Rating> for i64 {
    fn from(rating: Rating) -> Self {
        i64::from(rating.0)
    }
}

/// The average of some ratings in tenths of a star (4.5 stars is 45), for
/// showing without floating point; `None` when there are none.
pub fn average_tenths(ratings: &[Rating]) -> Option<i64> {
    let count = i64::try_from(ratings.len()).ok()?;
    let sum: i64 = ratings.iter().map(|r| i64::from(r.0)).sum();
    average_tenths_of(sum, count)
}

/// The average of `count` ratings whose stars add up to `stars`, in
/// tenths of a star, rounded half up; `None` without ratings.
pub fn average_tenths_of(stars: i64, count: i64) -> Option<i64> {
    (count > 0).then(|| (10 * stars + count / 2) / count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rating_outside_one_to_five_stars_is_refused_by_the_constructor() {
        assert_eq!(Rating::new(0), Err(RatingError(0)));
        assert_eq!(Rating::new(6), Err(RatingError(6)));
        assert_eq!(Rating::new(-1), Err(RatingError(-1)));
        assert_eq!(Rating::new(5).map(Rating::stars), Ok(5));
    }

    #[test]
    fn the_average_rating_is_in_tenths_rounded_half_up() {
        let r = |s| Rating::new(s).unwrap();
        assert_eq!(average_tenths(&[]), None);
        assert_eq!(average_tenths(&[r(4), r(5)]), Some(45));
        assert_eq!(average_tenths(&[r(5), r(5), r(4)]), Some(47));
    }
}
