//! The architecture, checked rather than hoped for: the dependency rules on
//! the graph cargo resolves, the size and naming rules on the sources, and
//! every text key in both translations.

mod dependencies;
mod sources;
mod translations;
