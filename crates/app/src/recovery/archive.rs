//! One file holding several: a minimal POSIX ustar writer (backups; any `tar` unpacks it) and a
//! minimal ZIP writer (evidence packs: Windows and macOS open a `.zip` with a double click), with
//! readers for what each writes. ZIP entries are stored, not compressed: the PDF is compressed
//! already and the pack stays byte-for-byte what the manifest signs.

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

/// CRC-32 (IEEE, as ZIP uses).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// MS-DOS date and time, as ZIP keeps them (UTC: ZIP has no zone).
fn dos_time(t: jiff::Timestamp) -> (u16, u16) {
    let d = t.to_zoned(jiff::tz::TimeZone::UTC).datetime();
    let year = (i32::from(d.year()) - 1980).clamp(0, 127) as u16;
    let date = (year << 9) | ((d.month() as u16) << 5) | d.day() as u16;
    let time = ((d.hour() as u16) << 11) | ((d.minute() as u16) << 5) | (d.second() as u16 / 2);
    (time, date)
}

/// Archive `files` under the folder `dir` as a ZIP file (stored entries, UTF-8 names).
pub fn zip(dir: &str, files: &[(String, Vec<u8>)], mtime: jiff::Timestamp) -> Vec<u8> {
    let (time, date) = dos_time(mtime);
    let mut out = Vec::new();
    let mut central = Vec::new();
    let le16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let le32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    for (name, bytes) in files {
        let path = format!("{dir}/{name}");
        let crc = crc32(bytes);
        let size = bytes.len() as u32;
        let offset = out.len() as u32;
        // Local file header: version 2.0, UTF-8 names (bit 11), stored.
        le32(&mut out, 0x0403_4b50);
        for x in [20, 0x0800, 0, time, date] {
            le16(&mut out, x);
        }
        for x in [crc, size, size] {
            le32(&mut out, x);
        }
        le16(&mut out, path.len() as u16);
        le16(&mut out, 0);
        out.extend_from_slice(path.as_bytes());
        out.extend_from_slice(bytes);
        // Its central directory entry.
        le32(&mut central, 0x0201_4b50);
        for x in [20, 20, 0x0800, 0, time, date] {
            le16(&mut central, x);
        }
        for x in [crc, size, size] {
            le32(&mut central, x);
        }
        for x in [path.len() as u16, 0, 0, 0, 0] {
            le16(&mut central, x);
        }
        le32(&mut central, 0o100644 << 16);
        le32(&mut central, offset);
        central.extend_from_slice(path.as_bytes());
    }
    let (at, len) = (out.len() as u32, central.len() as u32);
    out.extend_from_slice(&central);
    le32(&mut out, 0x0605_4b50);
    for x in [0, 0, files.len() as u16, files.len() as u16] {
        le16(&mut out, x);
    }
    le32(&mut out, len);
    le32(&mut out, at);
    le16(&mut out, 0);
    out
}

/// Read a ZIP file [`zip`] wrote (stored entries, each checked against its CRC): each file's
/// name (without its folder) and bytes.
pub fn unzip(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let u16_at = |at: usize| -> Result<u16, String> {
        bytes
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .ok_or_else(|| format!("the archive ends at byte {} (cut short?)", bytes.len()))
    };
    let u32_at = |at: usize| -> Result<u32, String> {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| format!("the archive ends at byte {} (cut short?)", bytes.len()))
    };
    let mut out = Vec::new();
    let mut at = 0;
    while u32_at(at)? == 0x0403_4b50 {
        let method = u16_at(at + 8)?;
        let flags = u16_at(at + 6)?;
        let crc = u32_at(at + 14)?;
        let size = u32_at(at + 18)? as usize;
        let name_len = u16_at(at + 26)? as usize;
        let extra = u16_at(at + 28)? as usize;
        let name_at = at + 30;
        let path = bytes
            .get(name_at..name_at + name_len)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .ok_or("the archive ends inside a file name (cut short?)")?;
        if method != 0 || flags & 0x0008 != 0 {
            return Err(format!(
                "{path}: compressed or streamed (Lantern's packs store their files as they are; was the pack repacked?)"
            ));
        }
        let start = name_at + name_len + extra;
        let data = bytes
            .get(start..start + size)
            .ok_or_else(|| format!("{path}: the archive ends before the file does"))?;
        if crc32(data) != crc {
            return Err(format!(
                "{path}: its CRC does not match (the file was changed or damaged)"
            ));
        }
        let name = path.rsplit('/').next().unwrap_or(&path).to_string();
        out.push((name, data.to_vec()));
        at = start + size;
    }
    if u32_at(at)? != 0x0201_4b50 {
        return Err(format!(
            "byte {at}: neither a file nor the archive's directory"
        ));
    }
    Ok(out)
}

/// Read an archive either writer made, told apart by its first bytes.
pub fn unpack(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    if bytes.starts_with(b"PK\x03\x04") {
        unzip(bytes)
    } else {
        untar(bytes)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn what_zip_writes_unzip_reads_and_a_changed_byte_is_refused() {
        let files = vec![
            ("a.txt".to_string(), b"hello".to_vec()),
            ("b.bin".to_string(), vec![7u8; 1300]),
        ];
        let z = super::zip("x", &files, "2026-12-01T13:51:00Z".parse().unwrap());
        assert_eq!(super::unpack(&z).unwrap(), files);
        assert_eq!(
            super::crc32(b"123456789"),
            0xCBF4_3926,
            "the standard check value"
        );
        assert!(super::unzip(&z[..40]).is_err());
        let mut bad = z.clone();
        let at = z.windows(5).position(|w| w == b"hello").unwrap();
        bad[at] ^= 1;
        assert!(super::unzip(&bad).unwrap_err().contains("CRC"));
    }

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
