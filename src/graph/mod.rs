//! Extraction → RDF: IRIs ([`vocab`]) and quads with provenance ([`mint`]).

pub mod mint;
pub mod vocab;

pub use mint::{mint, Minted};
pub use vocab::Vocab;
