//! Views of a plan. Each only reads the [`super::Plan`]; the text and Markdown views draw the
//! same lines (`lines`), and the JSON view is the plan itself, so the formats cannot disagree.

pub mod json;
mod lines;
pub mod markdown;
pub mod text;
mod visible;
