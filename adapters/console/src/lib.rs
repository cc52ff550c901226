//! A terminal chat transport: the person at the keyboard talks to meetbot
//! as if in a private chat. Screens print as text; buttons get numbers and
//! are pressed by typing the number; a chart is saved as a PNG file whose
//! path is printed. Same use cases as Telegram, other adapter.
//!
//! Depends on ports, domain, the use cases and the i18n renderer; never on
//! a database, Telegram or the app.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use meetbot_domain::{Language, UserId};
use meetbot_i18n::{RenderedScreen, Translator};
use meetbot_ports::{MenuCommand, MessageRef, Messenger, MessengerError, Screen};
use meetbot_usecases::Services;
use meetbot_usecases::chat::{self, Event, Incoming};
use meetbot_usecases::registration::Profile;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio_util::sync::CancellationToken;

/// The console user's id when no owner id is configured.
pub const LOCAL_OWNER: UserId = UserId(1);

/// The person at the keyboard, who is the owner: the first of `owner_ids`,
/// else [`LOCAL_OWNER`], added to `owner_ids` here.
pub fn owner_at_keyboard(owner_ids: &mut Vec<UserId>) -> Profile {
    let owner = owner_ids.first().copied().unwrap_or(LOCAL_OWNER);
    if !owner_ids.contains(&owner) {
        owner_ids.push(owner);
    }
    Profile {
        id: owner,
        first_name: "Owner".to_owned(),
        last_name: None,
        username: None,
        language_code: None,
    }
}

/// Chats with `person` on this process's terminal until the input ends or
/// `shutdown` is cancelled. `services.messenger` must be `console`.
pub async fn serve(
    console: Arc<Console>,
    services: Services,
    person: Profile,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    tokio::select! {
        ended = console.run(
            services,
            person,
            BufReader::new(tokio::io::stdin()),
            tokio::io::stdout(),
        ) => ended,
        () = shutdown.cancelled() => Ok(()),
    }
}

/// The data of buttons that do nothing; they are shown without a number.
const INERT: &str = "1:no";

/// What is waiting to be printed, and the buttons the person can press.
#[derive(Debug, Default)]
struct Board {
    /// The person at the keyboard; messages to anybody else are marked.
    person: Option<UserId>,
    output: String,
    buttons: Vec<(String, MessageRef)>,
    next_message_id: i64,
}

/// The console chat: a [`Messenger`] that prints, and the input loop.
#[derive(Debug)]
pub struct Console {
    translator: Arc<Translator>,
    board: Mutex<Board>,
    /// Where charts are saved: `<data folder>/charts`.
    charts: PathBuf,
    /// The number of the last chart file tried.
    last_chart: AtomicU32,
}

fn lock(board: &Mutex<Board>) -> MutexGuard<'_, Board> {
    board.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Writes a file that must not exist yet.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)
}

impl Console {
    /// A console that renders with `translator` and saves charts in the
    /// `charts` folder of `data_folder` (made when the first one comes).
    pub fn new(translator: Arc<Translator>, data_folder: impl Into<PathBuf>) -> Arc<Self> {
        Arc::new(Self {
            translator,
            board: Mutex::new(Board::default()),
            charts: data_folder.into().join("charts"),
            last_chart: AtomicU32::new(0),
        })
    }

    /// Saves a chart's picture as `chart-<n>.png`, never over an earlier
    /// one (also of an earlier run); returns the line to print: its path,
    /// or why it could not be saved.
    fn save_chart(&self, png: &[u8]) -> String {
        match self.write_chart(png) {
            Ok(path) => format!("🖼 chart: {}\n", path.display()),
            Err(error) => {
                tracing::warn!(folder = %self.charts.display(), %error, "a chart was not saved");
                format!(
                    "🖼 the chart could not be saved in {}: {error}\n",
                    self.charts.display()
                )
            }
        }
    }

    fn write_chart(&self, png: &[u8]) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(&self.charts)?;
        loop {
            let n = self.last_chart.fetch_add(1, Ordering::Relaxed) + 1;
            let path = self.charts.join(format!("chart-{n}.png"));
            match write_new(&path, png) {
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
                written => return written.map(|()| path),
            }
        }
    }

    /// Prints a rendered screen and numbers its live buttons.
    fn print(&self, message: MessageRef, screen: &RenderedScreen) {
        // The file is written before the board is locked: the input loop
        // need not wait for the disk.
        let chart = screen.picture.as_deref().map(|png| self.save_chart(png));
        let mut board = lock(&self.board);
        let to = message.chat;
        if board.person != Some(to) {
            board
                .output
                .push_str(&format!("── to user {to} ──\n{}\n", screen.text));
            board.output.push_str(chart.as_deref().unwrap_or_default());
            board.output.push('\n');
            return;
        }
        board.output.push_str(&screen.text);
        board.output.push('\n');
        for row in &screen.buttons {
            let mut line = String::new();
            for button in row {
                if button.data == INERT {
                    line.push_str(&format!("  {}  ", button.label));
                } else {
                    board.buttons.push((button.data.clone(), message));
                    line.push_str(&format!("[{}] {}  ", board.buttons.len(), button.label));
                }
            }
            board.output.push_str(line.trim_end());
            board.output.push('\n');
        }
        if let Some(file) = &screen.attachment {
            board.output.push_str(&format!(
                "📎 {} ({} bytes)\n",
                file.file_name,
                file.bytes.len()
            ));
        }
        board.output.push_str(chart.as_deref().unwrap_or_default());
        board.output.push('\n');
    }

    fn take_output(&self) -> String {
        std::mem::take(&mut lock(&self.board).output)
    }

    /// What a line typed by the person means: a number presses that button.
    fn event_for(&self, line: &str) -> Event {
        let mut board = lock(&self.board);
        if let Ok(number) = line.parse::<usize>()
            && let Some((data, message)) = number
                .checked_sub(1)
                .and_then(|i| board.buttons.get(i))
                .cloned()
        {
            board.buttons.clear();
            return Event::Button {
                data,
                message: Some(message),
            };
        }
        Event::Text(line.to_owned())
    }

    /// Chats with the person at the terminal as `person` until the input ends.
    /// `services.messenger` must be this console.
    pub async fn run<R, W>(
        self: Arc<Self>,
        services: Services,
        person: Profile,
        input: R,
        mut output: W,
    ) -> std::io::Result<()>
    where
        R: AsyncBufRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        lock(&self.board).person = Some(person.id);
        let banner = "meetbot console: you are the owner. Type /help for commands; type a number to press a button; \
                      Ctrl-D to quit. To talk to the bot in Telegram instead, set TELEGRAM_BOT_TOKEN.\n\n";
        output.write_all(banner.as_bytes()).await?;
        chat::handle(
            &services,
            Incoming {
                from: person.clone(),
                event: Event::Text("/start".into()),
            },
        )
        .await;
        let mut lines = input.lines();
        loop {
            output.write_all(self.take_output().as_bytes()).await?;
            output.write_all(b"> ").await?;
            output.flush().await?;
            let Some(line) = lines.next_line().await? else {
                break;
            };
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let event = self.event_for(line);
            chat::handle(
                &services,
                Incoming {
                    from: person.clone(),
                    event,
                },
            )
            .await;
        }
        output.write_all(self.take_output().as_bytes()).await?;
        output.write_all(b"\nbye\n").await?;
        output.flush().await
    }
}

#[async_trait]
impl Messenger for Console {
    async fn send(
        &self,
        to: UserId,
        language: Language,
        screen: &Screen,
    ) -> Result<MessageRef, MessengerError> {
        let message = {
            let mut board = lock(&self.board);
            board.next_message_id += 1;
            MessageRef {
                chat: to,
                message_id: board.next_message_id,
            }
        };
        self.print(message, &self.translator.screen(language, screen));
        Ok(message)
    }

    async fn edit(
        &self,
        message: MessageRef,
        language: Language,
        screen: &Screen,
    ) -> Result<(), MessengerError> {
        // A terminal cannot change what it printed: the new version is printed below.
        self.print(message, &self.translator.screen(language, screen));
        Ok(())
    }

    async fn set_menu(
        &self,
        _to: UserId,
        _language: Language,
        _commands: &[MenuCommand],
    ) -> Result<(), MessengerError> {
        // The console has no command menu; /help lists the commands.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use meetbot_ports::{Chart, Plot, Series, Text};

    use super::*;

    fn screen_with_a_chart() -> Screen {
        Screen::text(Text::new("not-understood")).with_chart(Chart {
            title: Text::new("chart-no-data"),
            plot: Plot::StackedBars {
                categories: vec![Text::new("weekday-1")],
                series: vec![Series {
                    label: Text::new("role-manager"),
                    values: vec![3],
                }],
            },
        })
    }

    fn console_in(data: &Path) -> Arc<Console> {
        let console = Console::new(Arc::new(Translator::new()), data);
        lock(&console.board).person = Some(UserId(1));
        console
    }

    #[tokio::test]
    async fn a_chart_is_saved_as_a_png_in_the_charts_folder_and_its_path_printed() {
        let data = tempfile::tempdir().unwrap();
        let console = console_in(data.path());

        for _ in 0..2 {
            console
                .send(UserId(1), Language::En, &screen_with_a_chart())
                .await
                .unwrap();
        }

        let output = console.take_output();
        assert!(output.contains("did not understand"), "{output}");
        for n in [1, 2] {
            let path = data.path().join("charts").join(format!("chart-{n}.png"));
            assert!(
                output.contains(&format!("🖼 chart: {}\n", path.display())),
                "{output}"
            );
            assert!(
                std::fs::read(&path)
                    .unwrap()
                    .starts_with(b"\x89PNG\r\n\x1a\n")
            );
        }
    }

    #[tokio::test]
    async fn a_chart_never_replaces_one_saved_before() {
        let data = tempfile::tempdir().unwrap();
        let charts = data.path().join("charts");
        std::fs::create_dir_all(&charts).unwrap();
        std::fs::write(charts.join("chart-1.png"), b"an earlier run's").unwrap();
        let console = console_in(data.path());

        console
            .send(UserId(1), Language::En, &screen_with_a_chart())
            .await
            .unwrap();

        let output = console.take_output();
        assert!(output.contains("chart-2.png"), "{output}");
        assert_eq!(
            std::fs::read(charts.join("chart-1.png")).unwrap(),
            b"an earlier run's"
        );
    }

    #[tokio::test]
    async fn a_chart_that_cannot_be_saved_is_reported_and_the_rest_is_printed() {
        let data = tempfile::tempdir().unwrap();
        // A file where the charts folder should be.
        std::fs::write(data.path().join("charts"), b"").unwrap();
        let console = console_in(data.path());
        let screen = screen_with_a_chart().row(vec![meetbot_ports::Button {
            label: Text::new("button-confirm"),
            data: "1:ok".into(),
        }]);

        console
            .send(UserId(1), Language::En, &screen)
            .await
            .unwrap();

        let output = console.take_output();
        assert!(output.contains("did not understand"), "{output}");
        assert!(output.contains("[1] "), "{output}");
        assert!(
            output.contains("🖼 the chart could not be saved in"),
            "{output}"
        );
    }
}
