//! Every adapter of a port passes that port's contract suite: the stores on
//! SQLite and Postgres, the calendars against a fake Google and a real
//! Radicale server; and what each adapter adds beyond the contract (SQLite
//! backups and restores among it).

mod backup;
mod caldav;
mod google;
mod storage;
