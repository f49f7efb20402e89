//! Kinesis Playground: a deterministic simulator of AWS streaming services ([`engine`]) and, with
//! the `web` feature, the Yew front-end that draws it live in the browser (`ui`).

pub mod engine;

#[cfg(feature = "web")]
pub mod ui;
