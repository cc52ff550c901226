//! Renders meetbot's transport-neutral screens as text, in Russian or
//! English, from the Fluent locale files in `locales/` (embedded at build time).
//!
//! Chat adapters (Telegram, the console) share it so that a screen reads the
//! same everywhere; a screen's chart is drawn here too, as a PNG picture
//! with its labels in the reader's language. Depends on ports, domain and
//! the chart drawer only; never on a transport, a database or the use cases.

use std::borrow::Cow;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use meetbot_domain::{Language, Zone};
use meetbot_ports::{Attachment, Chart, Plot, Screen, Text, TextArg};

const RU: &str = include_str!("../locales/ru.ftl");
const EN: &str = include_str!("../locales/en.ftl");

/// A screen as text: what a chat adapter shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedScreen {
    /// The message, paragraphs separated by blank lines.
    pub text: String,
    /// Buttons in rows.
    pub buttons: Vec<Vec<RenderedButton>>,
    /// A file sent along.
    pub attachment: Option<Attachment>,
    /// The screen's chart as a PNG picture; none when the screen has no
    /// chart or it could not be drawn (then the text still goes out).
    pub picture: Option<Vec<u8>>,
}

/// A button as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedButton {
    /// The label.
    pub label: String,
    /// The data sent back when pressed.
    pub data: String,
}

/// Turns message keys and arguments into text in a language.
pub struct Translator {
    ru: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Translator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Translator")
    }
}

impl Default for Translator {
    fn default() -> Self {
        Self::new()
    }
}

fn bundle(language: &str, source: &str) -> FluentBundle<FluentResource> {
    let id = language.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks (U+2068/U+2069) around arguments show up as garbage in chats.
    bundle.set_use_isolating(false);
    let resource =
        FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, errors)| {
            tracing::error!(
                language,
                ?errors,
                "locale file has errors; the rest of it is used"
            );
            partial
        });
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(language, ?errors, "locale file has duplicate messages");
    }
    bundle
}

const RU_WEEKDAYS: [&str; 7] = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"];
const RU_MONTHS: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

fn date_text(language: Language, date: NaiveDate) -> String {
    match language {
        Language::Ru => format!(
            "{}, {} {} {}",
            RU_WEEKDAYS[date.weekday().num_days_from_monday() as usize],
            date.day(),
            RU_MONTHS[date.month0() as usize],
            date.year()
        ),
        Language::En => date.format("%a, %-d %B %Y").to_string(),
    }
}

fn time_text(language: Language, at: DateTime<Utc>, zone: Zone) -> String {
    let local = at.with_timezone(&zone.tz());
    format!(
        "{}, {} ({})",
        date_text(language, local.date_naive()),
        local.format("%H:%M"),
        local.format("%Z")
    )
}

impl Translator {
    /// One translator for the whole process, made on first use: for texts
    /// outside the messengers' screens (toasts, `/health`).
    pub fn shared() -> &'static Self {
        static SHARED: std::sync::LazyLock<Translator> = std::sync::LazyLock::new(Translator::new);
        &SHARED
    }

    /// A translator with the embedded Russian and English locales.
    pub fn new() -> Self {
        Self {
            ru: bundle("ru", RU),
            en: bundle("en", EN),
        }
    }

    fn bundle(&self, language: Language) -> &FluentBundle<FluentResource> {
        match language {
            Language::Ru => &self.ru,
            Language::En => &self.en,
        }
    }

    /// An argument as Fluent takes it. Plain text is lent, not copied.
    fn argument<'a>(&self, language: Language, value: &'a TextArg) -> FluentValue<'a> {
        match value {
            TextArg::Plain(text) => FluentValue::from(text.as_str()),
            TextArg::Number(n) => FluentValue::from(*n),
            TextArg::Key(key) => FluentValue::from(self.message(language, key, &[])),
            TextArg::Time { at, zone } => FluentValue::from(time_text(language, *at, *zone)),
            TextArg::Date(date) => FluentValue::from(date_text(language, *date)),
            TextArg::Clock { at, zone } => {
                FluentValue::from(at.with_timezone(&zone.tz()).format("%H:%M").to_string())
            }
            TextArg::Text(text) => FluentValue::from(self.text(language, text)),
            TextArg::Lines(lines) => FluentValue::from(
                lines
                    .iter()
                    .map(|line| self.text(language, line))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        }
    }

    /// Whether the message exists in a language.
    pub fn has(&self, language: Language, key: &str) -> bool {
        self.bundle(language)
            .get_message(key)
            .and_then(|m| m.value())
            .is_some()
    }

    /// A text in a language. A missing message shows as its key (and is
    /// logged), so a gap in a locale never loses the rest of the screen.
    pub fn text(&self, language: Language, text: &Text) -> String {
        self.message(language, &text.key, &text.args)
    }

    /// The message `key` with `args` in a language (see [`Self::text`]).
    /// The arguments' names and plain texts are lent to Fluent, not copied.
    fn message(
        &self,
        language: Language,
        key: &str,
        args: &[(Cow<'static, str>, TextArg)],
    ) -> String {
        let bundle = self.bundle(language);
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key = %key, ?language, "missing message");
            return key.to_owned();
        };
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(name.as_ref(), self.argument(language, value));
        }
        let mut errors = Vec::new();
        let rendered = bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned();
        if !errors.is_empty() {
            tracing::warn!(key = %key, ?errors, "message rendered with errors");
        }
        rendered
    }

    /// A whole screen in a language.
    pub fn screen(&self, language: Language, screen: &Screen) -> RenderedScreen {
        let paragraphs: Vec<String> = screen
            .texts
            .iter()
            .map(|t| self.text(language, t))
            .collect();
        RenderedScreen {
            text: paragraphs.join("\n\n"),
            buttons: screen
                .buttons
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|b| RenderedButton {
                            label: self.text(language, &b.label),
                            data: b.data.clone(),
                        })
                        .collect()
                })
                .collect(),
            attachment: screen.attachment.clone(),
            picture: screen
                .chart
                .as_ref()
                .and_then(|chart| self.picture(language, chart)),
        }
    }

    /// A chart as a PNG picture, labelled in a language. A chart that
    /// cannot be drawn is logged and left out: the screen's text still says
    /// what matters.
    pub fn picture(&self, language: Language, chart: &Chart) -> Option<Vec<u8>> {
        match meetbot_charts::render(chart, &|text| self.text(language, text)) {
            Ok(png) => Some(png),
            Err(error) => {
                tracing::error!(key = %chart.title.key, %error, "a chart could not be drawn");
                None
            }
        }
    }

    /// Keys a screen uses (its texts, buttons and key arguments) that a
    /// locale lacks, as `language:key`; empty when the screen renders fully.
    pub fn missing_keys(&self, screen: &Screen) -> Vec<String> {
        let mut texts: Vec<&Text> = screen.texts.iter().collect();
        texts.extend(screen.all_buttons().map(|b| &b.label));
        if let Some(chart) = &screen.chart {
            texts.extend(chart_texts(chart));
        }
        let mut keys: Vec<&str> = Vec::new();
        while let Some(text) = texts.pop() {
            keys.push(&text.key);
            for (_, value) in &text.args {
                match value {
                    TextArg::Key(key) => keys.push(key),
                    TextArg::Text(inner) => texts.push(inner),
                    TextArg::Lines(lines) => texts.extend(lines),
                    _ => {}
                }
            }
        }
        let mut missing = Vec::new();
        for language in [Language::Ru, Language::En] {
            for key in &keys {
                if !self.has(language, key) {
                    missing.push(format!("{}:{key}", language.as_str()));
                }
            }
        }
        missing.sort();
        missing.dedup();
        missing
    }

    /// Message ids defined in one locale but not the other.
    pub fn unpaired_messages(&self) -> Vec<String> {
        let ids = |source: &str| -> Vec<String> {
            source
                .lines()
                .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
                .collect()
        };
        let (ru, en) = (ids(RU), ids(EN));
        let mut unpaired: Vec<String> = ru
            .iter()
            .filter(|k| !en.contains(k))
            .map(|k| format!("en lacks {k}"))
            .collect();
        unpaired.extend(
            en.iter()
                .filter(|k| !ru.contains(k))
                .map(|k| format!("ru lacks {k}")),
        );
        unpaired
    }
}

/// Every text a chart draws: its title and its labels.
fn chart_texts(chart: &Chart) -> Vec<&Text> {
    let mut texts = vec![&chart.title];
    match &chart.plot {
        Plot::StackedBars { categories, series } => {
            texts.extend(categories);
            texts.extend(series.iter().map(|s| &s.label));
        }
        Plot::HeatMap { rows, columns, .. } => {
            texts.extend(rows);
            texts.extend(columns);
        }
        Plot::Line { categories, .. } => texts.extend(categories),
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_locales_define_the_same_messages() {
        assert_eq!(Translator::new().unpaired_messages(), Vec::<String>::new());
    }

    #[test]
    fn russian_plural_and_arguments_render_without_isolation_marks() {
        let t = Translator::new();
        let text = Text::new("error-limit-reached").arg("n", TextArg::Number(3));
        let ru = t.text(Language::Ru, &text);
        assert!(ru.contains("3 предстоящие встречи"), "{ru}");
        assert!(!ru.contains('\u{2068}'));
        assert!(t.text(Language::En, &text).contains("3 upcoming meetings"));
    }

    #[test]
    fn plural_forms_follow_each_languages_rules_where_a_number_meets_a_noun() {
        let t = Translator::new();
        let limit = |language, n| {
            t.text(
                language,
                &Text::new("error-limit-reached").arg("n", TextArg::Number(n)),
            )
        };
        for (n, words) in [
            (1, "1 предстоящая встреча"),
            (2, "2 предстоящие встречи"),
            (5, "5 предстоящих встреч"),
            (11, "11 предстоящих встреч"),
            (21, "21 предстоящая встреча"),
            (22, "22 предстоящие встречи"),
        ] {
            let ru = limit(Language::Ru, n);
            assert!(ru.contains(words), "{n}: {ru}");
        }
        assert!(limit(Language::En, 1).contains("1 upcoming meeting,"));
        assert!(limit(Language::En, 2).contains("2 upcoming meetings,"));
        let export = |language, n| {
            t.text(
                language,
                &Text::new("export-ics")
                    .plain("from", "01.01")
                    .plain("to", "31.01")
                    .arg("count", TextArg::Number(n)),
            )
        };
        assert!(export(Language::Ru, 1).contains(": 1 встреча —"));
        assert!(export(Language::Ru, 3).contains(": 3 встречи —"));
        assert!(export(Language::Ru, 11).contains(": 11 встреч —"));
        assert!(export(Language::En, 1).contains(": 1 meeting —"));
        assert!(export(Language::En, 5).contains(": 5 meetings —"));
        let told = |language, n| {
            t.text(
                language,
                &Text::new("bookers-told").arg("count", TextArg::Number(n)),
            )
        };
        for (n, words) in [
            (1, "1 участнику встречи"),
            (2, "2 участникам встреч"),
            (5, "5 участникам встреч"),
            (11, "11 участникам встреч"),
            (21, "21 участнику встречи"),
        ] {
            assert!(told(Language::Ru, n).contains(words), "{n}");
        }
        assert!(told(Language::En, 1).contains("1 booker of a meeting"));
        assert!(told(Language::En, 2).contains("2 bookers of meetings"));
        let n = |key: &'static str, n| {
            t.text(Language::En, &Text::new(key).arg("n", TextArg::Number(n)))
        };
        assert!(n("error-change-too-late", 1).contains("up to 1 hour before"));
        assert!(n("error-change-too-late", 24).contains("up to 24 hours before"));
        assert!(n("error-slot-beyond-horizon", 1).contains("at most 1 day)"));
        assert!(n("error-slot-inside-notice", 1).contains("1 minute of notice"));
    }

    #[test]
    fn times_show_in_the_readers_zone_with_its_abbreviation() {
        let t = Translator::new();
        let at: DateTime<Utc> = "2030-01-09T07:00:00Z".parse().unwrap();
        let text = Text::new("plain").arg(
            "text",
            TextArg::Time {
                at,
                zone: Zone::moscow(),
            },
        );
        assert_eq!(
            t.text(Language::Ru, &text),
            "ср, 9 января 2030, 10:00 (MSK)"
        );
        assert_eq!(
            t.text(Language::En, &text),
            "Wed, 9 January 2030, 10:00 (MSK)"
        );
    }

    #[test]
    fn a_message_inside_a_message_renders_with_its_own_arguments() {
        let t = Translator::new();
        let inner = Text::new("error-limit-reached").arg("n", TextArg::Number(3));
        let text = Text::new("plain").text("text", inner.clone());
        assert_eq!(t.text(Language::En, &text), t.text(Language::En, &inner));
        let missing = Screen::text(Text::new("plain").text("text", Text::new("no-such-inner")));
        assert_eq!(
            t.missing_keys(&missing),
            ["en:no-such-inner", "ru:no-such-inner"]
        );
    }

    #[test]
    fn a_missing_message_shows_its_key() {
        let t = Translator::new();
        assert_eq!(
            t.text(Language::En, &Text::new("no-such-message")),
            "no-such-message"
        );
        assert_eq!(
            t.missing_keys(&Screen::text(Text::new("no-such-message"))),
            ["en:no-such-message", "ru:no-such-message"]
        );
    }

    #[test]
    fn role_and_status_keys_render_in_both_languages() {
        let t = Translator::new();
        for language in [Language::Ru, Language::En] {
            for role in meetbot_domain::Role::ALL {
                assert!(t.has(
                    language,
                    &format!("role-{}", role.as_str().to_ascii_lowercase())
                ));
            }
            for status in meetbot_domain::Status::ALL {
                let key = format!(
                    "status-{}",
                    status.as_str().to_ascii_lowercase().replace('_', "-")
                );
                assert!(t.has(language, &key), "{key}");
            }
        }
    }

    fn chart(title: &'static str, values: Vec<u32>) -> Chart {
        Chart {
            title: Text::new(title),
            plot: Plot::StackedBars {
                categories: vec![Text::new("weekday-1"), Text::new("weekday-2")],
                series: vec![meetbot_ports::Series {
                    label: Text::new("role-manager"),
                    values,
                }],
            },
        }
    }

    #[test]
    fn a_screen_with_a_chart_carries_it_as_a_png_picture_beside_its_text() {
        let t = Translator::new();
        let screen =
            Screen::text(Text::new("chart-no-data")).with_chart(chart("role-owner", vec![3, 5]));

        let rendered = t.screen(Language::En, &screen);

        let picture = rendered.picture.expect("a picture");
        assert!(picture.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(rendered.text, "No data yet.");
        assert_eq!(
            t.screen(Language::En, &Screen::text(Text::new("chart-no-data")))
                .picture,
            None
        );
    }

    #[test]
    fn a_chart_is_labelled_in_the_readers_language() {
        let t = Translator::new();
        let screen = Screen::default().with_chart(chart("role-owner", vec![3, 5]));

        let ru = t.screen(Language::Ru, &screen).picture;
        let en = t.screen(Language::En, &screen).picture;

        assert!(ru.is_some() && en.is_some());
        assert_ne!(ru, en);
    }

    #[test]
    fn a_chart_that_cannot_be_drawn_is_left_out_and_the_text_still_goes() {
        let t = Translator::new();
        let screen =
            Screen::text(Text::new("chart-no-data")).with_chart(chart("role-owner", vec![1]));

        let rendered = t.screen(Language::Ru, &screen);

        assert_eq!(rendered.picture, None);
        assert_eq!(rendered.text, "Пока нет данных.");
    }

    #[test]
    fn missing_keys_include_the_texts_of_a_chart() {
        let t = Translator::new();
        let screen = Screen::default().with_chart(chart("no-such-chart-title", vec![1, 2]));

        assert_eq!(
            t.missing_keys(&screen),
            ["en:no-such-chart-title", "ru:no-such-chart-title"]
        );
    }
}
