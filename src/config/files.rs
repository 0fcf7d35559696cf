//! Reading the small configuration files the client uses (clouds.yaml, secure.yaml, CA
//! certificates): whole, but never more than [`MAX_CONFIG_FILE_BYTES`].

use std::{io::Read, path::Path};

/// The largest configuration file read (1 MiB): a larger clouds.yaml, secure.yaml or CA
/// bundle is an error naming the file.
pub const MAX_CONFIG_FILE_BYTES: u64 = 1 << 20;

/// The bytes of the file at `path`, or why it cannot be read (without the path: the caller
/// names it). Reads at most one byte past the limit, whatever the file's size.
pub(crate) fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot be read: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read: {e}"))?;
    if bytes.len() as u64 > MAX_CONFIG_FILE_BYTES {
        return Err(format!(
            "is larger than {MAX_CONFIG_FILE_BYTES} bytes (1 MiB), too large for a \
             configuration file"
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_at_the_limit_is_read_and_one_past_it_is_refused() {
        let dir = std::env::temp_dir().join(format!("otc-vpcep-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.yaml");
        std::fs::write(&path, vec![b'#'; MAX_CONFIG_FILE_BYTES as usize]).unwrap();
        assert_eq!(
            read_bounded(&path).map(|b| b.len() as u64),
            Ok(MAX_CONFIG_FILE_BYTES)
        );
        std::fs::write(&path, vec![b'#'; MAX_CONFIG_FILE_BYTES as usize + 1]).unwrap();
        assert!(
            read_bounded(&path)
                .unwrap_err()
                .contains("larger than 1048576 bytes")
        );
        assert!(
            read_bounded(&dir.join("missing.yaml"))
                .unwrap_err()
                .starts_with("cannot be read")
        );
        std::fs::remove_dir_all(dir).ok();
    }
}
