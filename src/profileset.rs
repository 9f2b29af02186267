//! The profile set file: `FHIRVALPS` magic, a little-endian u32 format version, then the
//! [`ProfileSet`] in postcard encoding. See `profiles/FORMAT.md`.

use crate::model::ProfileSet;

const MAGIC: &[u8; 9] = b"FHIRVALPS";
/// Bump whenever the model changes shape.
pub const FORMAT_VERSION: u32 = 16;

/// Bytes that are not a profile set this build can read (the message says why).
#[derive(Debug)]
pub struct FormatError(pub String);

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not a usable profile set: {}", self.0)
    }
}

impl std::error::Error for FormatError {}

/// The set in the file format (header, then postcard).
pub fn to_bytes(set: &ProfileSet) -> Result<Vec<u8>, FormatError> {
    let mut out = Vec::with_capacity(1 << 20);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    let body = postcard::to_allocvec(set).map_err(|e| FormatError(e.to_string()))?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// Read a set written by [`to_bytes`] (by this format version), and index it.
pub fn from_bytes(bytes: &[u8]) -> Result<ProfileSet, FormatError> {
    let rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or_else(|| FormatError("missing FHIRVALPS header".into()))?;
    let (version, body) = rest
        .split_first_chunk::<4>()
        .ok_or_else(|| FormatError("truncated header".into()))?;
    let version = u32::from_le_bytes(*version);
    if version != FORMAT_VERSION {
        return Err(FormatError(format!(
            "format version {version}, this build reads {FORMAT_VERSION}"
        )));
    }
    let mut set: ProfileSet = postcard::from_bytes(body).map_err(|e| FormatError(e.to_string()))?;
    set.reindex();
    Ok(set)
}

/// Starts with the profile set magic (`FHIRVALPS`).
pub fn is_profile_set(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

#[cfg(test)]
mod sizes;
