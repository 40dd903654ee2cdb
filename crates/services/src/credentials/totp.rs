//! Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 30-second steps, 6 digits —
//! what every authenticator app reads from an `otpauth://` link. Secrets are 20 random bytes, shown to the
//! user in base32 (RFC 4648, no padding).

use rand::RngCore;

pub const STEP_SECONDS: u64 = 30;
pub const DIGITS: u32 = 6;
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes base32 as apps and people write it: any case, spaces and `=` padding ignored.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = ALPHABET
            .iter()
            .position(|&a| char::from(a) == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The code of time step `step` (RFC 4226 HOTP with the step as counter).
pub fn code_at_step(secret: &[u8], step: u64, digits: u32) -> u32 {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let tag = ring::hmac::sign(&key, &step.to_be_bytes());
    let mac = tag.as_ref();
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let binary = (u32::from(mac[offset]) & 0x7f) << 24
        | u32::from(mac[offset + 1]) << 16
        | u32::from(mac[offset + 2]) << 8
        | u32::from(mac[offset + 3]);
    binary % 10u32.pow(digits)
}

/// The step of a Unix time.
pub fn step_of(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

/// The step `code` belongs to, when it is the code of the current step or of one step either side (clocks
/// drift), and later than `last_used` (a code works once).
pub fn verify(secret: &[u8], code: &str, unix_seconds: u64, last_used: Option<u64>) -> Option<u64> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = code.parse().ok()?;
    let now = step_of(unix_seconds);
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .filter(|step| last_used.is_none_or(|used| *step > used))
        .find(|step| {
            let expected = code_at_step(secret, *step, DIGITS);
            super::tokens::constant_time_eq(
                format!("{expected:06}").as_bytes(),
                format!("{wanted:06}").as_bytes(),
            )
        })
}

/// The link authenticator apps read (as a QR code or pasted).
pub fn otpauth_uri(secret: &[u8], account: &str) -> String {
    let label: String = url_escape(&format!("JobBot:{account}"));
    format!(
        "otpauth://totp/{label}?secret={}&issuer=JobBot&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        base32(secret)
    )
}

fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' | b'@' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8 digits).
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59u64, 94_287_082u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(code_at_step(secret, step_of(time), 8), code, "T = {time}");
        }
    }

    #[test]
    fn a_code_works_in_its_window_and_once() {
        let secret = b"12345678901234567890";
        // 287082 is the 6-digit code of T = 59 (step 1).
        assert_eq!(verify(secret, "287082", 59, None), Some(1));
        assert_eq!(
            verify(secret, "287 082", 89, None),
            Some(1),
            "the next step still accepts it"
        );
        assert_eq!(
            verify(secret, "287082", 29, None),
            Some(1),
            "the previous step too"
        );
        assert_eq!(
            verify(secret, "287082", 120, None),
            None,
            "two steps later it is dead"
        );
        assert_eq!(verify(secret, "287082", 59, Some(1)), None, "already used");
        for bad in ["", "28708", "2870821", "abcdef", "28708x"] {
            assert_eq!(verify(secret, bad, 59, None), None, "{bad}");
        }
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(
            base32(b"12345678901234567890"),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
        assert_eq!(
            base32_decode("mzxw 6ytb oi======").as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(base32_decode("MZ1"), None, "1 is not base32");
        let secret = new_secret();
        assert_eq!(base32_decode(&base32(&secret)), Some(secret));
    }

    #[test]
    fn the_link_names_the_account_and_the_issuer() {
        let uri = otpauth_uri(b"12345678901234567890", "jade dupont@example.fr");
        assert_eq!(
            uri,
            "otpauth://totp/JobBot:jade%20dupont@example.fr?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=JobBot&algorithm=SHA1&digits=6&period=30"
        );
    }
}
