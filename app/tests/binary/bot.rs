//! The bot's process as the Telegram tests drive it: started against the
//! fake Bot API on a database, stopped as systemd stops it (SIGTERM) or
//! killed (SIGKILL); and the steps of a conversation several tests share.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic reports a broken set-up"
)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use chrono::{Datelike, Duration as Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use meetbot_domain::{DisplayName, Language, Role, Status, User, UserId, Zone};
use meetbot_testkit::free_port;
use meetbot_testkit::telegram::{FakeTelegram, Person, Recorded};

/// Shaped like a real token, so the log layer's shape rule could catch it
/// too; the word "canary" must never reach a log.
pub const TOKEN: &str = "987654321:AAHcanaryCANARYcanaryCANARYcanary12";
pub const WEBHOOK_SECRET: &str = "hook-secret_0123456789";
pub const OWNER: i64 = 100;

/// The settings of webhook mode, for [`Bot::start`]'s `extra`.
pub const WEBHOOK: [(&str, &str); 3] = [
    ("MEETBOT__TELEGRAM__MODE", "webhook"),
    ("WEBHOOK_URL", "https://bot.example.org/telegram/hook"),
    ("MEETBOT__TELEGRAM__WEBHOOK_SECRET", WEBHOOK_SECRET),
];

/// The bot's process; killed if a test fails before stopping it.
pub struct Bot {
    child: tokio::process::Child,
    log: PathBuf,
    /// Where its HTTP server listens.
    pub http: SocketAddr,
}

impl Bot {
    /// Starts the binary in `dir` on the SQLite file there, against `fake`,
    /// with only the environment given here (and `extra`).
    pub async fn start(fake: &FakeTelegram, dir: &Path, extra: &[(&str, &str)]) -> Bot {
        let database = format!("sqlite://{}", dir.join("meetbot.sqlite3").display());
        Self::start_on(fake, dir, &database, extra).await
    }

    /// Starts the binary in `dir` on the database at `database` (a
    /// `sqlite://` or `postgres://` URL), against `fake`, and waits until
    /// `/health` says it is up. Its log goes to a file of its own in `dir`.
    pub async fn start_on(
        fake: &FakeTelegram,
        dir: &Path,
        database: &str,
        extra: &[(&str, &str)],
    ) -> Bot {
        let http = free_port();
        let log = dir.join(format!("meetbot-{}.log", http.port()));
        let child = crate::meetbot_in(dir)
            .env("TELEGRAM_BOT_TOKEN", TOKEN)
            .env("MEETBOT__TELEGRAM__API_URL", &fake.url)
            .env("MEETBOT__TELEGRAM__OWNER_IDS", OWNER.to_string())
            .env("DATABASE_URL", database)
            .env("MEETBOT__HTTP__LISTEN", http.to_string())
            .envs(extra.iter().copied())
            .stdin(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let bot = Bot { child, log, http };
        bot.wait_until_healthy().await;
        bot
    }

    async fn wait_until_healthy(&self) {
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(answer) = client.get(self.url("/health")).send().await
                && answer.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the bot did not become healthy; its log:\n{}", self.logs());
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> u32 {
        self.child.id().unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.http)
    }

    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM, as systemd or `docker stop` do.
    pub fn terminate(&self) {
        let pid = self.child.id().unwrap();
        let pid = rustix::process::Pid::from_raw(i32::try_from(pid).unwrap()).unwrap();
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    }

    /// Waits up to `limit` for the process to end.
    pub async fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        tokio::time::timeout(limit, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("the bot did not exit within {limit:?}"))
            .unwrap()
    }

    /// Stops the bot as systemd would (SIGTERM) and waits for it to exit.
    pub async fn stop(mut self) -> (ExitStatus, String) {
        self.terminate();
        let status = self.wait_exit(Duration::from_secs(15)).await;
        (status, self.logs())
    }

    /// Kills the bot with SIGKILL: no destructor runs, nothing is flushed.
    pub async fn kill(mut self) {
        // tokio's kill is SIGKILL on Unix, and it waits for the process.
        self.child.kill().await.unwrap();
    }
}

/// A weekday at least two days ahead (Moscow time), within the default
/// 30-day horizon, and the UTC instant of 10:00 Moscow on it.
pub fn booking_day() -> (NaiveDate, i64) {
    let moscow_today = (Utc::now() + Days::hours(3)).date_naive();
    let day = weekday_on_or_after(moscow_today + Days::days(2));
    (day, ten_moscow(day))
}

/// `day`, or the first weekday after it.
pub fn weekday_on_or_after(mut day: NaiveDate) -> NaiveDate {
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day += Days::days(1);
    }
    day
}

/// The UTC instant of 10:00 Moscow (UTC+3, no daylight saving) on `day`.
pub fn ten_moscow(day: NaiveDate) -> i64 {
    Utc.from_utc_datetime(&day.and_time(NaiveTime::from_hms_opt(7, 0, 0).unwrap()))
        .timestamp()
}

/// The month screen showing `day`: the one just sent, or the next month's.
pub async fn month_with(
    fake: &FakeTelegram,
    who: &Person,
    month: Recorded,
    day: NaiveDate,
) -> Recorded {
    let data = format!("1:dy:{}", day.format("%Y%m%d"));
    if month.button(&data).is_some() {
        return month;
    }
    let next = format!("1:mo:{}:{}", day.year(), day.month());
    let mark = fake.mark();
    fake.press(who, &month, &next);
    fake.wait_for_button(mark, who.id, &data).await
}

/// Leads `manager` (approved already) through /book to the confirmation
/// of a one-hour meeting starting at `slot` (unix seconds) on `day`: the
/// meeting type, the day, the time, no topic. Returns the confirmation,
/// whose "1:ok" button books.
pub async fn up_to_confirmation(
    fake: &FakeTelegram,
    manager: &Person,
    day: NaiveDate,
    slot: i64,
) -> Recorded {
    let mark = fake.mark();
    fake.say(manager, "/book");
    let types = fake.wait_for_button(mark, manager.id, "1:mt:m60").await;
    let month = fake
        .press_and_wait_for_button(manager, &types, "1:mt:m60", "1:dy:")
        .await;
    let month = month_with(fake, manager, month, day).await;
    let day_data = format!("1:dy:{}", day.format("%Y%m%d"));
    let slot_data = format!("1:sl:{slot}");
    let slots = fake
        .press_and_wait_for_button(manager, &month, &day_data, &slot_data)
        .await;
    let topic = fake
        .press_and_wait_for_button(manager, &slots, &slot_data, "1:nt")
        .await;
    let confirm = fake
        .press_and_wait_for_button(manager, &topic, "1:nt", "1:ok")
        .await;
    assert!(confirm.text().contains("Book this meeting?"), "{confirm:?}");
    confirm
}

/// Puts `people` into the database at `database` (migrating it first) with
/// `role`, as if they had registered and the owner had decided: the set-up
/// of a test that is about something else.
pub async fn seed(database: &str, people: &[Person], role: Role) {
    let store = meetbot_storage::connect(database).await.unwrap();
    for person in people {
        store.insert_user(&member(person, role)).await.unwrap();
    }
}

/// `person` as the store holds a member with `role`.
fn member(person: &Person, role: Role) -> User {
    User {
        id: UserId(person.id),
        name: DisplayName::new(&person.first_name).unwrap(),
        username: None,
        role,
        status: Status::Active,
        department: None,
        email: None,
        language: Language::from_telegram(Some(&person.language_code)),
        zone: Zone::moscow(),
        subscribed: true,
        registered_at: Utc::now(),
        unreachable_since: None,
    }
}
