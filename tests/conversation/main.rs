//! What people do and are told: the use cases on in-memory and mocked
//! ports, the chat driven by typing and pressing buttons, forged button
//! data, and the console transport.

mod callback;
mod chat;
mod console;
mod usecases;
mod usecases_mocked;
