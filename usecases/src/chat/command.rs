//! The text commands, read once from what a person typed (or from a menu
//! button, which runs a command as if typed).

use chrono::{Datelike, NaiveDate};
use meetbot_domain::{Role, Status};

use crate::error::UseCaseError;

/// The longest command name accepted, in bytes (Telegram allows 32).
const MAX_NAME_BYTES: usize = 32;

/// A command with its arguments, as typed: `/free 09.01` is
/// `Command::Free(Some(DateArg::DayMonth { day: 9, month: 1 }))`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `/start`: welcome back, or begin registering.
    Start,
    /// `/help`: what the person's role can do.
    Help,
    /// `/lang`: choose the language.
    Lang,
    /// `/stop`: stop receiving messages.
    Stop,
    /// `/book`: open the booking picker.
    Book,
    /// `/my`: the person's upcoming meetings.
    My,
    /// `/free [date]`: the free times of a day, today by default.
    Free(Option<DateArg>),
    /// `/profile`: the person's own card.
    Profile,
    /// `/feed`: the address of the person's calendar feed; `/feed off`
    /// ends it.
    Feed {
        /// `off`: revoke the address.
        revoke: bool,
    },
    /// `/vacation`, `/sick`, `/trip`, `/active`: set one's own status
    /// (only these four statuses have a command).
    SetStatus(Status),
    /// `/pending`: registrations waiting for a decision (owner).
    Pending,
    /// `/users`: everybody, each with a button to their card (owner).
    Users,
    /// `/settings`: the settings in force, each editable (owner).
    Settings,
    /// `/broadcast`: the next text goes to everybody (owner).
    Broadcast,
    /// `/audit`: the latest audit entries (owner).
    Audit,
    /// `/export [from to]`: meetings of a range as .ics and CSV (owner).
    Export(Option<(DateArg, DateArg)>),
    /// `/rsvp`: the head count of the next group meeting (owner).
    Rsvp,
    /// `/doctor`: what the bot's own checks find wrong, with fixes (owner).
    Doctor,
    /// `/stats [7|30|quarter|all|from to]`: the statistics of a period (owner).
    Stats(StatsPeriod),
    /// `/block [24.12 10:00-14:00 reason]`: close hours of a day (owner);
    /// without the range, asks for it.
    Block(Option<String>),
    /// `/timezone [Asia/Vladivostok]`: the zone one's times are shown in;
    /// without a name, common zones as buttons.
    TimeZone(Option<String>),
    /// `/cancel`: abandon the dialog in progress.
    Cancel,
    /// Any other command.
    Unknown,
}

/// Who sees a command in their command menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Audience {
    /// Everybody, registered or not.
    Everybody,
    /// Managers and owners.
    Members,
    /// Owners only.
    Owners,
    /// Nobody: the command works but is not listed.
    Unlisted,
}

impl Audience {
    fn includes(self, role: Option<Role>) -> bool {
        match self {
            Self::Everybody => true,
            Self::Members => matches!(role, Some(Role::Manager | Role::Owner)),
            Self::Owners => role == Some(Role::Owner),
            Self::Unlisted => false,
        }
    }
}

/// A date typed as an argument: complete, or a day and month whose year
/// depends on when it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateArg {
    /// `2030-01-09`, `09.01.2030`, or `20300109` from a button.
    Full(NaiveDate),
    /// `09.01`.
    DayMonth {
        /// The day of the month.
        day: u32,
        /// The month, 1 to 12.
        month: u32,
    },
}

impl DateArg {
    /// Reads `2030-01-09`, `09.01.2030` or `09.01`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some(Self::Full(date));
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, "%d.%m.%Y") {
            return Some(Self::Full(date));
        }
        let (day, month) = text.split_once('.')?;
        let (day, month) = (day.parse().ok()?, month.parse().ok()?);
        Some(Self::DayMonth { day, month })
    }

    /// The date meant, read on `today`: a day and month is this year's, or
    /// next year's once this year's has passed. `None` when no such day exists.
    pub fn on_or_after(self, today: NaiveDate) -> Option<NaiveDate> {
        match self {
            Self::Full(date) => Some(date),
            Self::DayMonth { day, month } => {
                match NaiveDate::from_ymd_opt(today.year(), month, day) {
                    Some(this_year) if this_year >= today => Some(this_year),
                    _ => NaiveDate::from_ymd_opt(today.year() + 1, month, day),
                }
            }
        }
    }

    /// The compact form inside button data: `20300109`, or `0901` for a day and month.
    fn code(self) -> String {
        match self {
            Self::Full(date) => date.format("%Y%m%d").to_string(),
            Self::DayMonth { day, month } => format!("{day:02}{month:02}"),
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        if !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match code.len() {
            8 => NaiveDate::parse_from_str(code, "%Y%m%d")
                .ok()
                .map(Self::Full),
            4 => {
                let day = code[..2].parse().ok().filter(|d| (1..=31).contains(d))?;
                let month = code[2..].parse().ok().filter(|m| (1..=12).contains(m))?;
                Some(Self::DayMonth { day, month })
            }
            _ => None,
        }
    }
}

/// The period typed after `/stats`, or pressed on one of its buttons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatsPeriod {
    /// `7`: the last seven days.
    Week,
    /// `30`, or nothing: the last thirty days.
    Month,
    /// `quarter`: this calendar quarter.
    Quarter,
    /// `all`: everything.
    All,
    /// Two dates: the days between them, both included.
    Range(DateArg, DateArg),
}

impl StatsPeriod {
    /// Reads the words after `/stats`.
    fn parse(arguments: &[&str]) -> Option<Self> {
        let word = |text: &str| text.to_lowercase();
        match arguments {
            [] => Some(Self::Month),
            [one] => match word(one).as_str() {
                "7" | "week" | "неделя" => Some(Self::Week),
                "30" | "month" | "месяц" => Some(Self::Month),
                "q" | "quarter" | "квартал" => Some(Self::Quarter),
                "all" | "всё" | "все" => Some(Self::All),
                _ => None,
            },
            [from, to] => DateArg::parse(from)
                .zip(DateArg::parse(to))
                .map(|(from, to)| Self::Range(from, to)),
            _ => None,
        }
    }

    /// The form inside button data, after `stats`.
    fn code(self) -> String {
        match self {
            Self::Week => "7".to_owned(),
            Self::Month => "30".to_owned(),
            Self::Quarter => "q".to_owned(),
            Self::All => "all".to_owned(),
            Self::Range(from, to) => format!("{}_{}", from.code(), to.code()),
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        match code {
            "7" => Some(Self::Week),
            "30" => Some(Self::Month),
            "q" => Some(Self::Quarter),
            "all" => Some(Self::All),
            range => {
                let (from, to) = range.split_once('_')?;
                Some(Self::Range(
                    DateArg::from_code(from)?,
                    DateArg::from_code(to)?,
                ))
            }
        }
    }
}

/// Every listed command with its default arguments, in menu order, and who
/// may see it. The command menu is read from this table.
const MENU: &[(Command, Audience)] = &[
    (Command::Start, Audience::Everybody),
    (Command::Help, Audience::Everybody),
    (Command::Lang, Audience::Everybody),
    (Command::Stop, Audience::Everybody),
    (Command::Book, Audience::Members),
    (Command::My, Audience::Members),
    (Command::Free(None), Audience::Members),
    (Command::Profile, Audience::Members),
    (Command::TimeZone(None), Audience::Members),
    (Command::Feed { revoke: false }, Audience::Members),
    (Command::SetStatus(Status::Vacation), Audience::Members),
    (Command::SetStatus(Status::Sick), Audience::Members),
    (Command::SetStatus(Status::BusinessTrip), Audience::Members),
    (Command::SetStatus(Status::Active), Audience::Members),
    (Command::Pending, Audience::Owners),
    (Command::Users, Audience::Owners),
    (Command::Settings, Audience::Owners),
    (Command::Block(None), Audience::Owners),
    (Command::Broadcast, Audience::Owners),
    (Command::Audit, Audience::Owners),
    (Command::Export(None), Audience::Owners),
    (Command::Rsvp, Audience::Owners),
    (Command::Stats(StatsPeriod::Month), Audience::Owners),
    (Command::Doctor, Audience::Owners),
    (Command::Cancel, Audience::Unlisted),
];

impl Command {
    /// The commands of a role's command menu (`None`: not registered), in order.
    pub fn menu_for(role: Option<Role>) -> impl Iterator<Item = &'static Command> {
        MENU.iter()
            .filter(move |(_, audience)| audience.includes(role))
            .map(|(command, _)| command)
    }

    /// The name typed after `/`; `unknown` for a command not known.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Help => "help",
            Self::Lang => "lang",
            Self::Stop => "stop",
            Self::Book => "book",
            Self::My => "my",
            Self::Free(_) => "free",
            Self::Profile => "profile",
            Self::Feed { .. } => "feed",
            Self::SetStatus(Status::Vacation) => "vacation",
            Self::SetStatus(Status::Sick) => "sick",
            Self::SetStatus(Status::BusinessTrip) => "trip",
            Self::SetStatus(Status::Active) => "active",
            // No command sets it; a person cannot make themselves inactive.
            Self::SetStatus(Status::Inactive) => "unknown",
            Self::Pending => "pending",
            Self::Users => "users",
            Self::Settings => "settings",
            Self::Broadcast => "broadcast",
            Self::Audit => "audit",
            Self::Export(_) => "export",
            Self::Rsvp => "rsvp",
            Self::Stats(_) => "stats",
            Self::Doctor => "doctor",
            Self::Block(_) => "block",
            Self::TimeZone(_) => "timezone",
            Self::Cancel => "cancel",
            Self::Unknown => "unknown",
        }
    }

    /// The command a name stands for, without arguments.
    fn named(name: &str) -> Self {
        MENU.iter()
            .map(|(command, _)| command)
            .find(|command| command.name() == name)
            .cloned()
            .unwrap_or(Self::Unknown)
    }

    /// Reads a typed command: `/free@meetbot 09.01`. `None` when the text is
    /// not a command; an error when its arguments do not read.
    pub fn parse(text: &str) -> Option<Result<Self, UseCaseError>> {
        let rest = text.trim().strip_prefix('/')?;
        let (head, argument) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let name = head.split('@').next().unwrap_or(head).to_lowercase();
        if name.is_empty() || name.len() > MAX_NAME_BYTES {
            return None;
        }
        let invalid_date = UseCaseError::Invalid("error-date-invalid");
        let arguments: Vec<&str> = argument.split_whitespace().collect();
        let command = match (Self::named(&name), arguments.as_slice()) {
            (Self::Free(_), []) => Ok(Self::Free(None)),
            (Self::Free(_), _) => DateArg::parse(argument)
                .map(|date| Self::Free(Some(date)))
                .ok_or(invalid_date),
            (Self::Export(_), []) => Ok(Self::Export(None)),
            (Self::Export(_), [from, to]) => DateArg::parse(from)
                .zip(DateArg::parse(to))
                .map(|range| Self::Export(Some(range)))
                .ok_or(invalid_date),
            (Self::Export(_), _) => Err(invalid_date),
            (Self::Feed { .. }, []) => Ok(Self::Feed { revoke: false }),
            (Self::Feed { .. }, ["off"]) => Ok(Self::Feed { revoke: true }),
            (Self::Feed { .. }, _) => Err(UseCaseError::Invalid("error-feed-argument")),
            (Self::Block(_), []) => Ok(Self::Block(None)),
            (Self::Block(_), _) => Ok(Self::Block(Some(argument.trim().to_owned()))),
            (Self::TimeZone(_), []) => Ok(Self::TimeZone(None)),
            (Self::TimeZone(_), [name]) => Ok(Self::TimeZone(Some((*name).to_owned()))),
            (Self::TimeZone(_), _) => Err(UseCaseError::Invalid("error-zone-invalid")),
            (Self::Stats(_), arguments) => StatsPeriod::parse(arguments)
                .map(Self::Stats)
                .ok_or(UseCaseError::Invalid("error-stats-period")),
            // `/free20300109`, as the next-day button of /free runs it.
            (Self::Unknown, _) => Ok(Self::from_button_code(&name)),
            (command, _) => Ok(command),
        };
        Some(command)
    }

    /// The command's form inside button data: its name, with a date
    /// argument appended (`free20300109`, `export20300101_20300131`).
    pub fn button_code(&self) -> String {
        match self {
            Self::Free(Some(date)) => format!("free{}", date.code()),
            Self::Export(Some((from, to))) => format!("export{}_{}", from.code(), to.code()),
            Self::Stats(period) => format!("stats{}", period.code()),
            other => other.name().to_owned(),
        }
    }

    /// Reads [`Command::button_code`] back; a code not known is
    /// [`Command::Unknown`], answered as an unknown command.
    pub fn from_button_code(code: &str) -> Self {
        if let Some(date) = code.strip_prefix("free").and_then(DateArg::from_code) {
            return Self::Free(Some(date));
        }
        let range = code.strip_prefix("export").and_then(|range| {
            let (from, to) = range.split_once('_')?;
            Some((DateArg::from_code(from)?, DateArg::from_code(to)?))
        });
        if let Some(range) = range {
            return Self::Export(Some(range));
        }
        if let Some(period) = code.strip_prefix("stats").and_then(StatsPeriod::from_code) {
            return Self::Stats(period);
        }
        Self::named(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn commands_lose_the_bot_name_and_keep_their_arguments() {
        assert_eq!(
            Command::parse("/free@meetbot 09.01"),
            Some(Ok(Command::Free(Some(DateArg::DayMonth {
                day: 9,
                month: 1
            }))))
        );
        assert_eq!(Command::parse("/BOOK"), Some(Ok(Command::Book)));
        assert_eq!(
            Command::parse("/trip"),
            Some(Ok(Command::SetStatus(Status::BusinessTrip)))
        );
        assert_eq!(
            Command::parse("/export 2030-01-01 31.01.2030"),
            Some(Ok(Command::Export(Some((
                DateArg::Full(date(2030, 1, 1)),
                DateArg::Full(date(2030, 1, 31))
            )))))
        );
        assert_eq!(
            Command::parse("/free20300109"),
            Some(Ok(Command::Free(Some(DateArg::Full(date(2030, 1, 9))))))
        );
    }

    #[test]
    fn text_that_is_no_command_or_an_unknown_one_is_told_apart() {
        assert_eq!(Command::parse("hello"), None);
        assert_eq!(Command::parse("/"), None);
        assert_eq!(Command::parse(&format!("/{}", "a".repeat(33))), None);
        assert_eq!(Command::parse("/frobnicate"), Some(Ok(Command::Unknown)));
        assert_eq!(Command::parse("/free2030"), Some(Ok(Command::Unknown)));
    }

    #[test]
    fn unreadable_dates_in_arguments_are_refused_with_the_date_hint() {
        let refused = Some(Err(UseCaseError::Invalid("error-date-invalid")));
        assert_eq!(Command::parse("/free tomorrowish"), refused);
        assert_eq!(Command::parse("/export 01.01"), refused);
        assert_eq!(Command::parse("/export 01.01 x"), refused);
    }

    #[test]
    fn every_command_round_trips_through_its_button_code() {
        let mut samples: Vec<Command> = MENU.iter().map(|(c, _)| c.clone()).collect();
        samples.extend([
            Command::Unknown,
            Command::Free(Some(DateArg::Full(date(2030, 1, 9)))),
            Command::Free(Some(DateArg::DayMonth { day: 31, month: 12 })),
            Command::Export(Some((
                DateArg::DayMonth { day: 1, month: 2 },
                DateArg::Full(date(2200, 12, 31)),
            ))),
        ]);
        for command in samples {
            let code = command.button_code();
            assert_eq!(Command::from_button_code(&code), command, "{code}");
        }
        assert_eq!(Command::from_button_code("nonsense"), Command::Unknown);
    }

    #[test]
    fn stats_reads_a_period_word_or_two_dates_in_either_language() {
        let stats = |text| Command::parse(text).and_then(Result::ok);
        assert_eq!(stats("/stats"), Some(Command::Stats(StatsPeriod::Month)));
        assert_eq!(stats("/stats 7"), Some(Command::Stats(StatsPeriod::Week)));
        assert_eq!(
            stats("/stats Квартал"),
            Some(Command::Stats(StatsPeriod::Quarter))
        );
        assert_eq!(stats("/stats all"), Some(Command::Stats(StatsPeriod::All)));
        assert_eq!(
            stats("/stats 01.01 31.03.2030"),
            Some(Command::Stats(StatsPeriod::Range(
                DateArg::DayMonth { day: 1, month: 1 },
                DateArg::Full(date(2030, 3, 31))
            )))
        );
        for wrong in ["/stats year", "/stats 01.01", "/stats 1 2 3"] {
            assert_eq!(
                Command::parse(wrong),
                Some(Err(UseCaseError::Invalid("error-stats-period"))),
                "{wrong}"
            );
        }
        for period in [StatsPeriod::Week, StatsPeriod::All, StatsPeriod::Quarter] {
            let command = Command::Stats(period);
            assert_eq!(Command::from_button_code(&command.button_code()), command);
        }
    }

    #[test]
    fn the_menu_grows_with_the_role() {
        let names = |role| {
            Command::menu_for(role)
                .map(Command::name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(None), ["start", "help", "lang", "stop"]);
        assert_eq!(names(Some(Role::Pending)), names(None));
        assert_eq!(names(Some(Role::Manager)).len(), 14);
        assert_eq!(
            names(Some(Role::Owner))[14..],
            [
                "pending",
                "users",
                "settings",
                "block",
                "broadcast",
                "audit",
                "export",
                "rsvp",
                "stats",
                "doctor"
            ]
        );
    }

    #[test]
    fn day_and_month_is_the_next_such_day() {
        let today = date(2030, 12, 20);
        let read = |text| DateArg::parse(text).and_then(|d| d.on_or_after(today));
        assert_eq!(read("05.01"), Some(date(2031, 1, 5)));
        assert_eq!(read("24.12"), Some(date(2030, 12, 24)));
        assert_eq!(read("2030-02-30"), None);
        assert_eq!(read("31.02"), None);
    }
}
