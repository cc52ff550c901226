//! The multipart form data of an upload (`sendDocument`, `sendPhoto`),
//! read byte by byte, so that a file's bytes come through as they were sent.

/// One field of a form.
#[derive(Debug)]
pub(super) struct Part {
    /// The field's name, such as `chat_id` or `photo`.
    pub name: String,
    /// The file name, for a file.
    pub file_name: Option<String>,
    /// The value or the file's content.
    pub bytes: Vec<u8>,
}

impl Part {
    /// The value as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// The fields of a `multipart/form-data` body; none when `content_type`
/// is something else.
pub(super) fn parts(content_type: &str, body: &[u8]) -> Vec<Part> {
    let Some(boundary) = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
    else {
        return Vec::new();
    };
    let delimiter = format!("--{}", boundary.trim_matches('"')).into_bytes();
    let mut parts = Vec::new();
    for chunk in split(body, &delimiter).into_iter().skip(1) {
        // `--boundary--` closes the form.
        if chunk.starts_with(b"--") {
            break;
        }
        let chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
        let Some(end) = find(chunk, b"\r\n\r\n") else {
            continue;
        };
        let headers = String::from_utf8_lossy(&chunk[..end]);
        let content = &chunk[end + 4..];
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let Some(name) = parameter(&headers, "name") else {
            continue;
        };
        parts.push(Part {
            name,
            file_name: parameter(&headers, "filename"),
            bytes: content.to_vec(),
        });
    }
    parts
}

/// A parameter of the `Content-Disposition` header, such as `name="photo"`.
fn parameter(headers: &str, key: &str) -> Option<String> {
    let disposition = headers
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
    disposition.split(';').find_map(|p| {
        let value = p.trim().strip_prefix(key)?.strip_prefix('=')?;
        Some(value.trim_matches('"').to_owned())
    })
}

/// `body` cut at every `delimiter`.
fn split<'a>(body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut rest = body;
    while let Some(at) = find(rest, delimiter) {
        pieces.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    pieces.push(rest);
    pieces
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
