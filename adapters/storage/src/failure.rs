//! How a failure travels out of a blocking database call, and what callers see.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use meetbot_ports::{BookingError, StoreError};

/// Anything that can end a database call: a diesel error (mapped late, so
/// a booking can tell an exclusion violation from other failures), or an
/// answer already decided by the store's own checks.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The database said no.
    Db(DieselError),
    /// A store-level answer (`NotFound`, `Conflict`, a row that does not fit).
    Store(StoreError),
    /// A booking refused by its checks.
    Booking(BookingError),
}

impl From<DieselError> for Failure {
    fn from(e: DieselError) -> Self {
        Self::Db(e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<BookingError> for Failure {
    fn from(e: BookingError) -> Self {
        Self::Booking(e)
    }
}

/// Maps a diesel error to what the `Store` contract promises.
pub(crate) fn store_error(e: DieselError) -> StoreError {
    match e {
        DieselError::NotFound => StoreError::NotFound,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            StoreError::AlreadyExists
        }
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
            StoreError::Conflict(info.message().to_owned())
        }
        other => StoreError::Unexpected(other.to_string()),
    }
}

impl From<Failure> for StoreError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Db(e) => store_error(e),
            Failure::Store(e) => e,
            // Only `book` produces these, and it converts to `BookingError`.
            Failure::Booking(e) => StoreError::Unexpected(e.to_string()),
        }
    }
}

impl From<Failure> for BookingError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Booking(e) => e,
            // Postgres' exclusion constraint caught an overlap the checks
            // missed; whatever the cause, the slot is taken.
            Failure::Db(DieselError::DatabaseError(DatabaseErrorKind::ExclusionViolation, _)) => {
                BookingError::SlotTaken
            }
            other => BookingError::Store(other.into()),
        }
    }
}
