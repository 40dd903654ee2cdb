//! Reading variables: the helpers every part of the configuration uses, and its one error type. Every secret
//! may also come from `NAME_FILE`, a path to read it from.

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: String,
    pub message: String,
}

pub(super) fn err(var: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var: var.to_owned(),
        message: message.into(),
    }
}

/// Like [`secret_value`], for a secret that may be absent: an empty `NAME_FILE` is the same as none.
pub(super) fn optional_secret(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
) -> Result<Option<String>, ConfigError> {
    let file_var = format!("{name}_FILE");
    let empty_file = lookup(name).filter(|v| !v.trim().is_empty()).is_none()
        && lookup(&file_var)
            .filter(|path| !path.trim().is_empty())
            .and_then(|path| std::fs::read_to_string(path.trim()).ok())
            .is_some_and(|contents| contents.trim().is_empty());
    if empty_file {
        return Ok(None);
    }
    secret_value(lookup, name)
}

/// `NAME`, else the contents of the file named by `NAME_FILE` (one trailing newline removed).
pub(super) fn secret_value(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
) -> Result<Option<String>, ConfigError> {
    if let Some(value) = lookup(name).filter(|v| !v.trim().is_empty()) {
        return Ok(Some(value.trim().to_owned()));
    }
    let file_var = format!("{name}_FILE");
    let Some(path) = lookup(&file_var).filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    let contents = std::fs::read_to_string(path.trim())
        .map_err(|e| err(&file_var, format!("cannot read {}: {e}", path.trim())))?;
    let value = contents.trim_end_matches(['\n', '\r']).to_owned();
    if value.is_empty() {
        return Err(err(&file_var, format!("{} is empty", path.trim())));
    }
    Ok(Some(value))
}

pub(super) fn parse_number(
    get: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: u32,
    min: u32,
    max: u32,
) -> Result<u32, ConfigError> {
    match get(name) {
        None => Ok(default),
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                err(
                    name,
                    format!("invalid value {raw:?} (expected a whole number from {min} to {max})"),
                )
            }),
    }
}

pub(super) fn parse_bool(
    get: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: bool,
) -> Result<bool, ConfigError> {
    match get(name).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(err(
            name,
            format!("invalid value {other:?} (expected true or false)"),
        )),
    }
}
