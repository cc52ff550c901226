//! What can go wrong in a use case, each with the message key that explains
//! it to the person in their language.

use meetbot_domain::availability::AvailabilityError;
use meetbot_domain::booking::PolicyError;
use meetbot_domain::cadence::CadenceError;
use meetbot_domain::meeting::MeetingTypeError;
use meetbot_domain::reminder::OffsetError;
use meetbot_domain::{BookingRefusal, ChangeRefusal, Denial, SlotRefusal, ValueError, ZoneError};
use meetbot_ports::{BookingError, StoreError};

/// Why a use case did not do what was asked. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UseCaseError {
    /// The permission table says no.
    #[error("refused: {0}")]
    Denied(Denial),
    /// The person, meeting or meeting type does not exist.
    #[error("not found")]
    NotFound,
    /// Somebody decided first (the registration was already approved, say).
    #[error("already decided")]
    AlreadyDecided,
    /// The slot cannot be booked.
    #[error("slot refused: {0}")]
    Slot(SlotRefusal),
    /// The person may not book now.
    #[error("booking refused: {0}")]
    Booking(BookingRefusal),
    /// The meeting may not be changed now.
    #[error("change refused: {0}")]
    Change(ChangeRefusal),
    /// A value typed by the person does not fit; the string is the message key.
    #[error("invalid input: {0}")]
    Invalid(&'static str),
    /// A number typed is outside what is allowed, from `min` to `max`.
    #[error("out of range: {got} is not within {min}..={max}")]
    OutOfRange {
        /// The smallest allowed.
        min: i64,
        /// The largest allowed.
        max: i64,
        /// What was typed.
        got: i64,
    },
    /// The store failed; the person is told to try again later.
    #[error("store failure: {0}")]
    Store(StoreError),
}

impl UseCaseError {
    /// The message key that explains this error to a person.
    pub fn text_key(&self) -> &'static str {
        match self {
            Self::Denied(Denial::NotRegistered) => "error-not-registered",
            Self::Denied(Denial::AwaitingApproval) => "error-awaiting-approval",
            Self::Denied(Denial::Rejected) => "error-rejected",
            Self::Denied(Denial::Blocked) => "error-blocked",
            Self::Denied(Denial::OwnerOnly) => "error-owner-only",
            Self::Denied(Denial::NotYours) => "error-not-yours",
            Self::NotFound => "error-not-found",
            Self::AlreadyDecided => "error-already-decided",
            Self::Slot(SlotRefusal::InPast) => "error-slot-in-past",
            Self::Slot(SlotRefusal::InsideNotice(_)) => "error-slot-inside-notice",
            Self::Slot(SlotRefusal::BeyondHorizon(_)) => "error-slot-beyond-horizon",
            Self::Slot(SlotRefusal::OutsideWorkingHours) => "error-slot-outside-hours",
            Self::Slot(SlotRefusal::Taken) => "error-slot-taken",
            Self::Booking(BookingRefusal::NotActive) => "error-not-active",
            Self::Booking(BookingRefusal::LimitReached(_)) => "error-limit-reached",
            Self::Change(ChangeRefusal::NotScheduled(_)) => "error-meeting-not-scheduled",
            Self::Change(ChangeRefusal::AlreadyStarted) => "error-meeting-started",
            Self::Change(ChangeRefusal::TooLate(_)) => "error-change-too-late",
            Self::Invalid(key) => key,
            Self::OutOfRange { .. } => "error-number-out-of-range",
            Self::Store(_) => "error-try-later",
        }
    }

    /// Whether this refuses what was asked as not allowed, not there or
    /// decided already: what a forged or replayed button gets, unlike a
    /// time taken meanwhile or a value that does not fit, which a person
    /// pressing fresh buttons meets.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            Self::Denied(_) | Self::NotFound | Self::AlreadyDecided
        )
    }

    /// The number the explanation needs, if any (the limit, the cutoff hours).
    pub fn number(&self) -> Option<i64> {
        match self {
            Self::Slot(SlotRefusal::InsideNotice(minutes)) => Some(*minutes),
            Self::Slot(SlotRefusal::BeyondHorizon(days)) => Some(i64::from(*days)),
            Self::Booking(BookingRefusal::LimitReached(limit)) => Some(i64::from(*limit)),
            Self::Change(ChangeRefusal::TooLate(hours)) => Some(i64::from(*hours)),
            _ => None,
        }
    }
}

impl From<StoreError> for UseCaseError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(_) => Self::AlreadyDecided,
            other => Self::Store(other),
        }
    }
}

impl From<BookingError> for UseCaseError {
    fn from(error: BookingError) -> Self {
        match error {
            BookingError::SlotTaken => Self::Slot(SlotRefusal::Taken),
            BookingError::LimitReached(limit) => Self::Booking(BookingRefusal::LimitReached(limit)),
            BookingError::NotFound => Self::NotFound,
            BookingError::NotScheduled(status) => Self::Change(ChangeRefusal::NotScheduled(status)),
            BookingError::Store(e) => Self::Store(e),
        }
    }
}

impl From<Denial> for UseCaseError {
    fn from(denial: Denial) -> Self {
        Self::Denied(denial)
    }
}

impl From<ValueError> for UseCaseError {
    fn from(error: ValueError) -> Self {
        Self::Invalid(match error {
            ValueError::Empty => "error-value-empty",
            ValueError::TooLong { .. } => "error-value-too-long",
            ValueError::NotAnEmail(_) => "error-email-invalid",
            ValueError::Unknown(_) => "error-value-unknown",
        })
    }
}

impl From<AvailabilityError> for UseCaseError {
    fn from(error: AvailabilityError) -> Self {
        match error {
            AvailabilityError::BadWindow | AvailabilityError::BadWindowText(_) => {
                Self::Invalid("error-hours-invalid")
            }
            AvailabilityError::BadStep(_) => Self::Invalid("error-step-invalid"),
            AvailabilityError::OutOfRange { min, max, got, .. } => {
                Self::OutOfRange { min, max, got }
            }
        }
    }
}

impl From<PolicyError> for UseCaseError {
    fn from(error: PolicyError) -> Self {
        match error {
            PolicyError::BadLimit(got) => Self::OutOfRange {
                min: 1,
                max: 50,
                got,
            },
            PolicyError::BadCutoff(got) => Self::OutOfRange {
                min: 0,
                max: 720,
                got,
            },
        }
    }
}

impl From<CadenceError> for UseCaseError {
    fn from(error: CadenceError) -> Self {
        match error {
            CadenceError::BadPeriod(got) => Self::OutOfRange {
                min: 1,
                max: 365,
                got,
            },
            CadenceError::BadNudge { period, got } => Self::OutOfRange {
                min: 1,
                max: i64::from(period),
                got,
            },
        }
    }
}

impl From<OffsetError> for UseCaseError {
    fn from(OffsetError(got): OffsetError) -> Self {
        Self::OutOfRange {
            min: 1,
            max: 14 * 24 * 60,
            got,
        }
    }
}

impl From<MeetingTypeError> for UseCaseError {
    fn from(_: MeetingTypeError) -> Self {
        Self::Invalid("error-meeting-type-invalid")
    }
}

impl From<ZoneError> for UseCaseError {
    fn from(_: ZoneError) -> Self {
        Self::Invalid("error-zone-invalid")
    }
}
