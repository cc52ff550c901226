//! The figures the owner's statistics are made of, as the store counts
//! them: aggregates over a period, never the rows themselves, so that
//! `/stats` over years of meetings stays fast.
//!
//! A meeting belongs to the period its start falls in; weeks, weekdays and
//! hours are read in the zone of the query (the owner's).

use chrono::{DateTime, NaiveDate, Utc};
use meetbot_domain::{Interval, MeetingId, MeetingStatus, Role, Status, UserId, Zone};

/// Which meetings to count, and the zone their weeks and hours are read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatisticsQuery {
    /// Meetings starting in this interval.
    pub period: Interval,
    /// The zone of weeks (Monday to Sunday), weekdays and hours.
    pub zone: Zone,
}

/// Who called a cancelled meeting off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Canceller {
    /// Its booker.
    Booker,
    /// Somebody else (the owner).
    Owner,
    /// The bot itself (no person).
    System,
}

impl Canceller {
    /// Who cancelled a meeting of `booker` that `cancelled_by` names.
    pub fn of(booker: UserId, cancelled_by: Option<UserId>) -> Self {
        match cancelled_by {
            None => Self::System,
            Some(by) if by == booker => Self::Booker,
            Some(_) => Self::Owner,
        }
    }
}

/// What became of meetings, counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcomes {
    /// Held (COMPLETED).
    pub held: u32,
    /// Ended without the booker (NO_SHOW).
    pub no_show: u32,
    /// Still SCHEDULED: ahead, under way, or ended a moment ago.
    pub upcoming: u32,
    /// Cancelled by their booker.
    pub cancelled_by_booker: u32,
    /// Cancelled by the owner.
    pub cancelled_by_owner: u32,
    /// Cancelled by the bot.
    pub cancelled_by_system: u32,
    /// Moved to another time (RESCHEDULED).
    pub moved: u32,
}

impl Outcomes {
    /// Counts `count` meetings in `status`; `canceller` matters for
    /// CANCELLED only.
    pub fn add(&mut self, status: MeetingStatus, canceller: Canceller, count: u32) {
        let field = match (status, canceller) {
            (MeetingStatus::Completed, _) => &mut self.held,
            (MeetingStatus::NoShow, _) => &mut self.no_show,
            (MeetingStatus::Scheduled, _) => &mut self.upcoming,
            (MeetingStatus::Rescheduled, _) => &mut self.moved,
            (MeetingStatus::Cancelled, Canceller::Booker) => &mut self.cancelled_by_booker,
            (MeetingStatus::Cancelled, Canceller::Owner) => &mut self.cancelled_by_owner,
            (MeetingStatus::Cancelled, Canceller::System) => &mut self.cancelled_by_system,
        };
        *field += count;
    }

    /// All cancellations, whoever made them.
    pub fn cancelled(&self) -> u32 {
        self.cancelled_by_booker + self.cancelled_by_owner + self.cancelled_by_system
    }

    /// Meetings that kept their time: held, no-show, upcoming.
    pub fn kept(&self) -> u32 {
        self.held + self.no_show + self.upcoming
    }
}

/// A meeting with a rating, for the list of the lowest rated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatedMeeting {
    /// The meeting.
    pub meeting: MeetingId,
    /// Its booker, who rated it.
    pub booker: UserId,
    /// When it started.
    pub start: DateTime<Utc>,
    /// One to five stars.
    pub stars: u8,
    /// The comment, if any.
    pub comment: Option<String>,
}

/// Ratings of a period's meetings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RatingFigures {
    /// How many meetings got one star, two stars, … five stars.
    pub by_stars: [u32; 5],
    /// Per week with ratings (its Monday): how many, and their sum of stars.
    pub weeks: Vec<(NaiveDate, u32, u32)>,
    /// The lowest rated, lowest first, then the latest first (at most
    /// [`LOWEST_RATED`]).
    pub lowest: Vec<RatedMeeting>,
}

/// How many of the lowest-rated meetings the figures name.
pub const LOWEST_RATED: usize = 5;

impl RatingFigures {
    /// How many ratings.
    pub fn count(&self) -> u32 {
        self.by_stars.iter().sum()
    }

    /// The sum of all stars.
    pub fn stars(&self) -> u32 {
        self.by_stars
            .iter()
            .zip(1..)
            .map(|(count, stars)| count * stars)
            .sum()
    }
}

/// The meetings of a period, counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeetingFigures {
    /// What became of the meetings starting in the period.
    pub outcomes: Outcomes,
    /// Bookings made in the period (by when they were made; moves not counted).
    pub booked: u32,
    /// The length of the held meetings, in minutes, together.
    pub held_minutes: u64,
    /// The length of the meetings that kept their time, in minutes, together.
    pub kept_minutes: u64,
    /// The meetings that kept their time, per meeting type code, the most
    /// first (then by code).
    pub by_type: Vec<(String, u32)>,
    /// Per week with meetings (its Monday), what became of them; oldest first.
    pub weeks: Vec<(NaiveDate, Outcomes)>,
    /// The meetings that kept their time by weekday (Monday first) and hour
    /// of their start.
    pub load: [[u32; 24]; 7],
    /// The ratings of the period's meetings.
    pub ratings: RatingFigures,
    /// The start of the period's first meeting.
    pub first_start: Option<DateTime<Utc>>,
}

/// People of one role, status and department, counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeopleCount {
    /// Their role.
    pub role: Role,
    /// Their status.
    pub status: Status,
    /// Their department.
    pub department: Option<String>,
    /// How many.
    pub count: u32,
}

/// Everybody, counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeopleFigures {
    /// By role, status and department, in that order.
    pub groups: Vec<PeopleCount>,
    /// How many registered in the period asked about.
    pub joined: u32,
}

/// One booker's meetings, all time, counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookerSummary {
    /// The booker.
    pub booker: UserId,
    /// Meetings held.
    pub held: u32,
    /// Meetings they did not come to.
    pub no_show: u32,
    /// SCHEDULED meetings that have not ended yet.
    pub upcoming: u32,
    /// Meetings they cancelled themselves.
    pub cancelled: u32,
    /// Meetings they moved.
    pub moved: u32,
    /// When their last held meeting started.
    pub last_held: Option<DateTime<Utc>>,
    /// How many meetings they rated.
    pub ratings: u32,
    /// The sum of their stars.
    pub stars: u32,
}

/// The answers to one occurrence of the group meeting, counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsvpCount {
    /// The occurrence's key (such as `group:2030-01-09`).
    pub occurrence: String,
    /// Who said yes.
    pub yes: u32,
    /// Who said no.
    pub no: u32,
}

impl BookerSummary {
    /// A booker with nothing counted yet.
    pub fn empty(booker: UserId) -> Self {
        Self {
            booker,
            held: 0,
            no_show: 0,
            upcoming: 0,
            cancelled: 0,
            moved: 0,
            last_held: None,
            ratings: 0,
            stars: 0,
        }
    }
}
