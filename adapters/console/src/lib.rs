//! A terminal chat transport: the person at the keyboard talks to meetbot
//! as if in a private chat. Screens print as text; buttons get numbers and
//! are pressed by typing the number. Same use cases as Telegram, other adapter.
//!
//! Depends on ports, domain, the use cases and the i18n renderer; never on
//! a database, Telegram or the app.

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
}

fn lock(board: &Mutex<Board>) -> MutexGuard<'_, Board> {
    board.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Console {
    /// A console that renders with `translator`.
    pub fn new(translator: Arc<Translator>) -> Arc<Self> {
        Arc::new(Self {
            translator,
            board: Mutex::new(Board::default()),
        })
    }

    /// Prints a rendered screen and numbers its live buttons.
    fn print(&self, message: MessageRef, screen: &RenderedScreen) {
        let mut board = lock(&self.board);
        let to = message.chat;
        if board.person != Some(to) {
            board
                .output
                .push_str(&format!("── to user {to} ──\n{}\n\n", screen.text));
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
