//! What people do and are told: the use cases on in-memory and mocked
//! ports, the chat driven by typing and pressing buttons, forged button
//! data, the console transport, and sentences and voice messages instead
//! of buttons.

mod audit;
mod bidi;
mod calendar_files;
mod callback;
mod chat;
mod console;
mod doctor;
mod nl;
mod nl_transports;
mod round_trips;
mod stats;
mod usecases;
mod usecases_mocked;
