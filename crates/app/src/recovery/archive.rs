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
