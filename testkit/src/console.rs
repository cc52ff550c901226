//! Reading the console transport's terminal as a person would: a screen up
//! to the next prompt, and the number of a button by its label.
#![expect(
    clippy::unwrap_used,
    reason = "test support: a panic reports a broken set-up"
)]

use tokio::io::{AsyncReadExt, DuplexStream};

/// Reads the console's output up to its next prompt.
pub async fn screen(output: &mut DuplexStream) -> String {
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    while !bytes.ends_with(b"> ") {
        let read = output.read(&mut byte).await.unwrap();
        assert!(
            read > 0,
            "the console stopped early; it printed:\n{}",
            String::from_utf8_lossy(&bytes)
        );
        bytes.push(byte[0]);
    }
    String::from_utf8(bytes).unwrap()
}

/// The number of the console button whose label contains `label`.
pub fn button(screen: &str, label: &str) -> String {
    for piece in screen.split('[').skip(1) {
        if let Some((number, rest)) = piece.split_once("] ")
            && rest.split("  ").next().unwrap_or("").contains(label)
        {
            return number.to_owned();
        }
    }
    panic!("no button {label:?} on the screen:\n{screen}");
}
