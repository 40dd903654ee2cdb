//! Versions of the texts users agree to. Changing one asks everyone again.

/// The terms of use accepted at sign-up.
pub const TERMS_VERSION: &str = "2026-11-21";
/// The privacy notice and cookie policy; a new version shows the consent banner again.
pub const PRIVACY_POLICY_VERSION: &str = "2026-11-26";
