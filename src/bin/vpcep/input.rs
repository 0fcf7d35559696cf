//! Bounded reads of the files and standard input that flags name (`--body`, `--seed`): never
//! more than the limit plus one byte, so `/dev/zero` or an endless pipe ends in a usage error
//! instead of filling the memory.

use std::{io::Read, path::Path};

/// The most bytes `--body` and `--seed` read: the emulator's request body limit (1 MiB),
/// far more than a request with 200 port mappings needs.
pub const MAX_INPUT_BYTES: usize = otc_vpcep::emulator::MAX_BODY_BYTES;

/// Reads `path` (standard input for `-`), given with `flag`, up to `limit` bytes. A longer
/// input is refused after reading `limit + 1` bytes; the message names the flag and the limit.
pub fn read(flag: &str, path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().lock().take(cap).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|file| file.take(cap).read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("{flag} {shown}: {e}"))?;
    if bytes.len() > limit {
        return Err(format!(
            "{flag} {shown}: larger than the limit of {} ({limit} bytes)",
            size(limit)
        ));
    }
    Ok(bytes)
}

/// The JSON value of the file (or standard input) `path` that `flag` names, read as [`read`]
/// reads it: not JSON, or a key repeated, is a usage error naming the flag.
pub fn json(flag: &str, path: &Path) -> Result<serde_json::Value, String> {
    let bytes = read(flag, path, MAX_INPUT_BYTES)?;
    otc_vpcep::json::from_slice(&bytes).map_err(|e| {
        let problem = if e.is_data() {
            "repeats a key"
        } else {
            "not JSON"
        };
        format!("{flag} {}: {problem}: {e}", path.display())
    })
}

/// A size in the largest binary unit that divides it.
fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_file_is_refused_after_the_limit_plus_one_byte() {
        let error = read("--body", Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert_eq!(
            error,
            "--body /dev/zero: larger than the limit of 1 MiB (1048576 bytes)"
        );
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(1 << 20), "1 MiB");
        assert_eq!(size(4096), "4 KiB");
        assert_eq!(size(1000), "1000 bytes");
    }
}
