//! A minimal POSIX ustar writer, so an evidence pack downloads as one file that any `tar` (and
//! Windows 10's built-in `tar`) unpacks into the folder `lantern verify-evidence` checks.

/// Archive `files` under the folder `dir`.
pub fn tar(dir: &str, files: &[(String, Vec<u8>)], mtime: jiff::Timestamp) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, bytes) in files {
        let mut h = [0u8; 512];
        let path = format!("{dir}/{name}");
        let field = |h: &mut [u8; 512], at: usize, len: usize, v: &[u8]| {
            h[at..at + v.len().min(len)].copy_from_slice(&v[..v.len().min(len)]);
        };
        field(&mut h, 0, 100, path.as_bytes());
        field(&mut h, 100, 8, b"0000644\0");
        field(&mut h, 108, 8, b"0000000\0");
        field(&mut h, 116, 8, b"0000000\0");
        field(
            &mut h,
            124,
            12,
            format!("{:011o}\0", bytes.len()).as_bytes(),
        );
        field(
            &mut h,
            136,
            12,
            format!("{:011o}\0", mtime.as_second().max(0)).as_bytes(),
        );
        field(&mut h, 148, 8, b"        ");
        h[156] = b'0';
        field(&mut h, 257, 6, b"ustar\0");
        field(&mut h, 263, 2, b"00");
        field(&mut h, 265, 32, b"lantern\0");
        field(&mut h, 297, 32, b"lantern\0");
        let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
        field(&mut h, 148, 8, format!("{sum:06o}\0 ").as_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(bytes);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

/// Read an archive [`tar`] wrote: each file's name (without its folder) and bytes. Refuses
/// anything else by saying where it stopped making sense.
pub fn untar(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 512 <= bytes.len() {
        let h = &bytes[at..at + 512];
        if h.iter().all(|b| *b == 0) {
            return Ok(out);
        }
        let text = |from: usize, len: usize| {
            let f = &h[from..from + len];
            let end = f.iter().position(|b| *b == 0).unwrap_or(len);
            String::from_utf8_lossy(&f[..end]).trim().to_string()
        };
        let stored: u32 = u32::from_str_radix(text(148, 8).trim(), 8)
            .map_err(|_| format!("entry at byte {at}: not a tar header"))?;
        let sum: u32 = h
            .iter()
            .enumerate()
            .map(|(i, b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u32::from(*b)
                }
            })
            .sum();
        if sum != stored {
            return Err(format!(
                "entry at byte {at}: its header checksum does not match"
            ));
        }
        let path = text(0, 100);
        let size = usize::from_str_radix(&text(124, 12), 8)
            .map_err(|_| format!("{path}: size is not a number"))?;
        let start = at + 512;
        let end = start
            .checked_add(size)
            .filter(|e| *e <= bytes.len())
            .ok_or_else(|| format!("{path}: the archive ends before the file does"))?;
        let name = path.rsplit('/').next().unwrap_or(&path).to_string();
        out.push((name, bytes[start..end].to_vec()));
        at = start + size.div_ceil(512) * 512;
    }
    Err("the archive ends without its closing blocks (cut short?)".into())
}

#[cfg(test)]
mod tests {
    #[test]
    fn what_tar_writes_untar_reads_and_a_cut_archive_is_refused() {
        let files = vec![
            ("a.txt".to_string(), b"hello".to_vec()),
            ("b.bin".to_string(), vec![7u8; 1300]),
        ];
        let t = super::tar("x", &files, jiff::Timestamp::UNIX_EPOCH);
        assert_eq!(super::untar(&t).unwrap(), files);
        assert!(super::untar(&t[..700]).is_err());
        let mut bad = t.clone();
        bad[10] ^= 1;
        assert!(super::untar(&bad).unwrap_err().contains("checksum"));
    }
}
