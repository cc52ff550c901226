//! The real binary without a Telegram token: the console transport on the
//! embedded SQLite file, driven through stdin and stdout through one full
//! booking, as the README's first command gives it to a person.
#![expect(
    clippy::expect_used,
    reason = "a test reports a broken step by panicking"
)]

use std::process::Stdio;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

struct Terminal {
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
}

impl Terminal {
    fn start(dir: &std::path::Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_meetbot"))
            .current_dir(dir)
            .env_clear()
            .env("MEETBOT__LOG__LEVEL", "warn")
            .env("MEETBOT__HTTP__LISTEN", "127.0.0.1:0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("the meetbot binary starts");
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        Self {
            child,
            stdin,
            stdout,
        }
    }

    /// Everything printed up to the next prompt.
    async fn screen(&mut self) -> String {
        let mut bytes = Vec::new();
        let mut byte = [0u8; 1];
        while !bytes.ends_with(b"> ") {
            let read = tokio::time::timeout(
                std::time::Duration::from_secs(60),
                self.stdout.read(&mut byte),
            )
            .await
            .expect("the console answers within a minute")
            .expect("stdout is readable");
            assert!(
                read > 0,
                "the console ended early:\n{}",
                String::from_utf8_lossy(&bytes)
            );
            bytes.push(byte[0]);
        }
        String::from_utf8(bytes).expect("the console prints UTF-8")
    }

    async fn type_line(&mut self, line: &str) -> String {
        self.stdin
            .write_all(format!("{line}\n").as_bytes())
            .await
            .expect("stdin is writable");
        self.screen().await
    }
}

/// The number of the first button whose label starts with one of `prefixes`.
fn first_button(screen: &str, prefixes: &[&str]) -> Option<String> {
    screen.split('[').skip(1).find_map(|piece| {
        let (number, rest) = piece.split_once("] ")?;
        prefixes
            .iter()
            .any(|p| rest.starts_with(p))
            .then(|| number.to_owned())
    })
}

#[tokio::test]
async fn console_binary_books_a_meeting_through_stdin_and_stdout() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut terminal = Terminal::start(dir.path());
    let welcome = terminal.screen().await;
    assert!(welcome.contains("TELEGRAM_BOT_TOKEN"), "{welcome}");

    let types = terminal.type_line("/book").await;
    let thirty = first_button(&types, &["30 мин", "30 min"])
        .unwrap_or_else(|| panic!("no 30-minute type:\n{types}"));
    let mut month = terminal.type_line(&thirty).await;
    // Near the end of a month every bookable day may be in the next one.
    let day = loop {
        if let Some(day) = first_button(&month, &["🟢", "🟡"]) {
            break day;
        }
        let next = first_button(&month, &["›"]).expect("a next-month button");
        month = terminal.type_line(&next).await;
    };
    let slots = terminal.type_line(&day).await;
    let slot = first_button(&slots, &["0", "1"])
        .unwrap_or_else(|| panic!("no time on a green day:\n{slots}"));
    let topic = terminal.type_line(&slot).await;
    let confirm = terminal.type_line("Console check").await;
    assert!(
        topic.contains("Тема") || topic.contains("Topic") || topic.contains("topic"),
        "{topic}"
    );
    let confirm_button =
        first_button(&confirm, &["✅"]).unwrap_or_else(|| panic!("no confirm button:\n{confirm}"));
    let booked = terminal.type_line(&confirm_button).await;
    assert!(booked.contains("Console check"), "{booked}");
    let mine = terminal.type_line("/my").await;
    assert!(mine.contains("Console check"), "{mine}");

    drop(terminal.stdin);
    let status = terminal.child.wait().await.expect("the binary exits");
    assert!(
        status.success(),
        "the console ends cleanly at the end of input: {status}"
    );
    assert!(
        dir.path().join("data/meetbot.sqlite3").exists(),
        "the embedded SQLite file is the default database"
    );
}
