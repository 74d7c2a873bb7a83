//! The pure text side of Postcraft Studio's writing tools.
