//! The audit log of a range as CSV, for a spreadsheet: one row an entry,
//! oldest first, times in the owner's zone.

use chrono::{DateTime, Utc};
use meetbot_domain::{Action, AuditDetails, Interval, UserId, Zone};
use meetbot_ports::{AuditCursor, AuditQuery};

use super::{AuditLine, Lookup};
use crate::error::UseCaseError;
use crate::services::Services;

/// The columns of the CSV: when (ISO 8601 in the owner's zone), who did it
/// (id and name; both empty for the bot), the action's stable code, its
/// target as recorded, the person it was done to, the start of the
/// meeting it is about, and what changed.
pub const CSV_HEADER: [&str; 8] = [
    "time", "actor_id", "actor", "action", "target", "person", "meeting", "details",
];

/// How many entries are read from the store at a time.
const BATCH: u32 = 500;

/// The most entries one export holds (the newest of the range): a file
/// Telegram still takes.
const MOST_ROWS: usize = 50_000;

/// The audit log of a range, as CSV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditExport {
    /// How many entries it holds.
    pub count: usize,
    /// The CSV, with a header row.
    pub csv: String,
}

/// Exports the entries of `range` (owner).
pub async fn export(
    s: &Services,
    actor: UserId,
    range: Interval,
) -> Result<AuditExport, UseCaseError> {
    s.actor(actor, Action::Export).await?;
    let zone = s.settings().await?.availability.zone();
    let mut entries = Vec::new();
    let mut cursor = AuditCursor::Newest;
    while entries.len() < MOST_ROWS {
        let batch = s
            .store
            .audit_log(AuditQuery {
                during: Some(range),
                cursor,
                ..AuditQuery::newest(BATCH)
            })
            .await?;
        let Some(last) = batch.last() else { break };
        cursor = AuditCursor::OlderThan(last.id);
        let done = batch.len() < BATCH as usize;
        entries.extend(batch);
        if done {
            break;
        }
    }
    entries.truncate(MOST_ROWS);
    entries.reverse();
    let mut lookup = Lookup::new(s);
    let mut lines = Vec::with_capacity(entries.len());
    for entry in entries {
        lines.push(lookup.line(entry).await?);
    }
    Ok(AuditExport {
        count: lines.len(),
        csv: csv_of(&lines, zone)?,
    })
}

/// The entries as CSV, with a header row.
fn csv_of(lines: &[AuditLine], zone: Zone) -> Result<String, UseCaseError> {
    let local = |at: DateTime<Utc>| at.with_timezone(&zone.tz()).to_rfc3339();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(CSV_HEADER).map_err(csv_failed)?;
    for line in lines {
        let event = &line.event;
        let name = |named: &Option<super::Named>| {
            named
                .as_ref()
                .and_then(|n| n.name.clone())
                .unwrap_or_default()
        };
        out.write_record([
            local(event.at),
            event.actor.map(|a| a.to_string()).unwrap_or_default(),
            name(&line.actor),
            event.action.as_str().to_owned(),
            event.target.clone().unwrap_or_default(),
            name(&line.person),
            line.meeting
                .as_ref()
                .map(|m| local(m.interval.start()))
                .unwrap_or_default(),
            details_text(line, zone),
        ])
        .map_err(csv_failed)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| csv_failed(e.into_error().into()))?;
    String::from_utf8(bytes).map_err(|e| {
        tracing::error!(error = %e, "the audit log's CSV is not UTF-8");
        UseCaseError::Invalid("error-try-later")
    })
}

/// What changed, in a form the same in every language (codes, as the
/// other columns): `MANAGER -> OWNER`, `hours: sat 10:00-14:00`. Details
/// of a form not known are given as recorded.
fn details_text(line: &AuditLine, zone: Zone) -> String {
    let local = |at: DateTime<Utc>| at.with_timezone(&zone.tz()).to_rfc3339();
    let Some(details) = &line.details else {
        return line.event.details.clone();
    };
    match details {
        AuditDetails::Role {
            from,
            to,
            configured,
        } => {
            let configured = if *configured { " (configured)" } else { "" };
            match from {
                Some(from) => format!("{from} -> {to}{configured}"),
                None => format!("{to}{configured}"),
            }
        }
        AuditDetails::Status { from, to } => format!("{from} -> {to}"),
        AuditDetails::Department { from, to } => format!(
            "{} -> {}",
            from.as_deref().unwrap_or("-"),
            to.as_deref().unwrap_or("-")
        ),
        AuditDetails::Booked { start } => local(*start),
        AuditDetails::Moved { start, .. } => format!("-> {}", local(*start)),
        AuditDetails::Setting {
            setting,
            value,
            reset: false,
        } => format!("{setting}: {value}"),
        AuditDetails::Setting {
            setting,
            value,
            reset: true,
        } => format!("{setting}: {value} reset"),
        AuditDetails::Refused { denial } => denial.to_string(),
        AuditDetails::StaleButton { data } => format!("button {data}"),
        AuditDetails::Broadcast { recipients } => format!("{recipients} recipients"),
        AuditDetails::ReminderFailed { recipient, error } => format!("to {recipient}: {error}"),
        AuditDetails::Rating { stars } => format!("{stars} stars"),
    }
}

// Writing CSV into memory cannot meet an I/O error; should the csv crate
// still report one, the person is asked to try again and the cause logged.
fn csv_failed(error: csv::Error) -> UseCaseError {
    tracing::error!(%error, "the audit log's CSV failed");
    UseCaseError::Invalid("error-try-later")
}
