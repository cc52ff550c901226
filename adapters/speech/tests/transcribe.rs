//! The speech adapter against a local fake of the OpenAI-compatible
//! transcription endpoint: what it posts, and how each answer is read.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic reports a broken set-up"
)]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use meetbot_ports::speech::{Audio, SpeechError, SpeechToText};
use meetbot_speech::OpenAiSpeech;
use secrecy::SecretString;

/// What the fake got: the authorization header and the raw body.
type Seen = Arc<Mutex<Vec<(Option<String>, String)>>>;

/// Starts a fake answering every transcription with `status` and `body`.
async fn fake(status: u16, body: &'static str) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let app = Router::new()
        .route(
            "/v1/audio/transcriptions",
            post(
                move |State(seen): State<Seen>, headers: HeaderMap, request: Bytes| async move {
                    let auth = headers
                        .get("authorization")
                        .map(|v| v.to_str().unwrap().to_owned());
                    let text = String::from_utf8_lossy(&request).into_owned();
                    seen.lock().unwrap().push((auth, text));
                    (StatusCode::from_u16(status).unwrap(), body)
                },
            ),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

fn voice() -> Audio {
    Audio {
        bytes: b"OggS fake opus".to_vec(),
        file_name: "voice.ogg".to_owned(),
        mime: "audio/ogg".to_owned(),
    }
}

#[tokio::test]
async fn voice_audio_is_posted_with_the_model_and_key_and_the_transcript_is_read() {
    let (url, seen) = fake(200, r#"{"text":"  завтра в 10 на час \n"}"#).await;
    let speech = OpenAiSpeech::new(
        &url,
        Some(SecretString::from("sk-test".to_owned())),
        "whisper-1",
    )
    .unwrap();

    let transcript = speech.transcribe(&voice()).await.unwrap();

    assert_eq!(transcript, "завтра в 10 на час");
    let seen = seen.lock().unwrap();
    let (auth, body) = &seen[0];
    assert_eq!(auth.as_deref(), Some("Bearer sk-test"));
    assert!(body.contains("name=\"model\"\r\n\r\nwhisper-1"), "{body}");
    assert!(body.contains("filename=\"voice.ogg\""), "{body}");
    assert!(body.contains("OggS fake opus"), "{body}");
}

#[tokio::test]
async fn voice_failures_are_sorted_into_unavailable_and_refused() {
    let (down, _) = fake(503, "overloaded").await;
    let (bad_key, _) = fake(401, r#"{"error":{"message":"Incorrect API key"}}"#).await;
    let (odd, _) = fake(200, "not json").await;

    let transcribe = |url: String| async move {
        OpenAiSpeech::new(&url, None, "whisper-1")
            .unwrap()
            .transcribe(&voice())
            .await
    };

    assert!(matches!(
        transcribe(down).await,
        Err(SpeechError::Unavailable(_))
    ));
    let refused = transcribe(bad_key).await;
    assert!(
        matches!(&refused, Err(SpeechError::Refused(reason)) if reason.contains("Incorrect API key")),
        "{refused:?}"
    );
    assert!(matches!(
        transcribe(odd).await,
        Err(SpeechError::Unexpected(_))
    ));
    // Nothing listens on port 9.
    assert!(matches!(
        transcribe("http://127.0.0.1:9".to_owned()).await,
        Err(SpeechError::Unavailable(_))
    ));
}
