//! Off-site backups: a backup file encrypted on the node (XChaCha20-Poly1305 in the STREAM
//! construction, 1 MiB segments, with a key kept outside the data directory) before it leaves,
//! written to S3-compatible object storage (AWS S3, MinIO, Ceph, …) through the `object_store`
//! crate, listed, fetched and decrypted back, and pruned by count and age.
//!
//! The store is named `s3://BUCKET/PREFIX`; where it is and the credentials come from the usual
//! environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, and for a server of
//! the provider's own `AWS_ENDPOINT` with `AWS_ALLOW_HTTP=true` when it is plain HTTP).

use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
use futures_util::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, WriteMultipart};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

/// The first bytes of every encrypted backup.
pub const MAGIC: &[u8] = b"LANTERN-OFFSITE-1\n";
/// Plaintext bytes per encrypted segment.
const SEGMENT: usize = 1 << 20;
/// The authentication tag each segment carries.
const TAG: usize = 16;
/// XChaCha20's 24-byte nonce less the STREAM counter and last-segment flag.
const NONCE_PREFIX: usize = 19;

/// The off-site encryption key: 32 random bytes, written as hex to a file of its own, kept
/// away from the data directory (whoever holds the bucket and the key holds the backups).
pub struct Key([u8; 32]);

impl Key {
    /// Make a new key and write it to `path` (a new file, mode 0600).
    pub fn generate(path: &Path) -> Result<Key, String> {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k).map_err(|e| e.to_string())?;
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        let mut f = o
            .open(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        writeln!(f, "{}", hex::encode(k)).map_err(|e| format!("{}: {e}", path.display()))?;
        f.sync_all()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Key(k))
    }

    /// Read a key file written by [`Key::generate`].
    pub fn read(path: &Path) -> Result<Key, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let bytes = hex::decode(text.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| {
                format!(
                    "{}: expected the 64 hexadecimal characters of an off-site key (`lantern backup-key`)",
                    path.display()
                )
            })?;
        Ok(Key(bytes))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.0.into())
    }
}

/// Encrypt `input` into `out`: the magic, a random nonce prefix, then the segments.
pub fn encrypt(key: &Key, mut input: impl Read, mut out: impl Write) -> Result<u64, String> {
    let mut prefix = [0u8; NONCE_PREFIX];
    getrandom::fill(&mut prefix).map_err(|e| e.to_string())?;
    let mut enc = EncryptorBE32::from_aead(key.cipher(), prefix.as_slice().into());
    let mut written = (MAGIC.len() + NONCE_PREFIX) as u64;
    out.write_all(MAGIC).map_err(|e| e.to_string())?;
    out.write_all(&prefix).map_err(|e| e.to_string())?;
    let mut current = read_segment(&mut input)?;
    loop {
        let next = read_segment(&mut input)?;
        if next.is_empty() {
            let c = enc
                .encrypt_last(current.as_slice())
                .map_err(|_| "encryption failed".to_string())?;
            out.write_all(&c).map_err(|e| e.to_string())?;
            return Ok(written + c.len() as u64);
        }
        let c = enc
            .encrypt_next(current.as_slice())
            .map_err(|_| "encryption failed".to_string())?;
        out.write_all(&c).map_err(|e| e.to_string())?;
        written += c.len() as u64;
        current = next;
    }
}

fn read_segment(r: &mut impl Read) -> Result<Vec<u8>, String> {
    let mut buf = Vec::with_capacity(SEGMENT);
    r.take(SEGMENT as u64)
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    Ok(buf)
}

/// Decrypts what [`encrypt`] wrote, fed in pieces of any size; refuses anything altered,
/// reordered, cut short or encrypted under another key.
struct Decrypting<W: Write> {
    key: XChaCha20Poly1305,
    dec: Option<DecryptorBE32<XChaCha20Poly1305>>,
    buf: Vec<u8>,
    out: W,
    written: u64,
}

impl<W: Write> Decrypting<W> {
    fn new(key: &Key, out: W) -> Self {
        Decrypting {
            key: key.cipher(),
            dec: None,
            buf: Vec::new(),
            out,
            written: 0,
        }
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.buf.extend_from_slice(bytes);
        if self.dec.is_none() {
            if self.buf.len() < MAGIC.len() + NONCE_PREFIX {
                return Ok(());
            }
            if &self.buf[..MAGIC.len()] != MAGIC {
                return Err(
                    "not an encrypted Lantern backup (its first bytes are not LANTERN-OFFSITE-1)"
                        .into(),
                );
            }
            let prefix = self.buf[MAGIC.len()..MAGIC.len() + NONCE_PREFIX].to_vec();
            self.dec = Some(DecryptorBE32::from_aead(
                self.key.clone(),
                prefix.as_slice().into(),
            ));
            self.buf.drain(..MAGIC.len() + NONCE_PREFIX);
        }
        // A whole segment is decrypted only once more follows it: the last is told apart.
        while self.buf.len() > SEGMENT + TAG {
            let seg: Vec<u8> = self.buf.drain(..SEGMENT + TAG).collect();
            let dec = self.dec.as_mut().ok_or("no header")?;
            let p = dec
                .decrypt_next(seg.as_slice())
                .map_err(|_| "the backup does not decrypt: altered, or another key".to_string())?;
            self.out.write_all(&p).map_err(|e| e.to_string())?;
            self.written += p.len() as u64;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<u64, String> {
        let dec = self
            .dec
            .take()
            .ok_or("the backup is cut short (no header)")?;
        let p = dec.decrypt_last(self.buf.as_slice()).map_err(|_| {
            "the backup does not decrypt: altered, cut short, or another key".to_string()
        })?;
        self.out.write_all(&p).map_err(|e| e.to_string())?;
        self.out.flush().map_err(|e| e.to_string())?;
        Ok(self.written + p.len() as u64)
    }
}

/// Decrypt a whole encrypted backup held in `input`.
pub fn decrypt(key: &Key, mut input: impl Read, out: impl Write) -> Result<u64, String> {
    let mut d = Decrypting::new(key, out);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = input.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return d.finish();
        }
        d.feed(&buf[..n])?;
    }
}

/// An object kept off-site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Its name under the prefix.
    pub name: String,
    /// Its size in bytes (encrypted).
    pub bytes: u64,
}

/// A bucket and prefix in S3-compatible storage.
pub struct Offsite {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    url: String,
    rt: tokio::runtime::Runtime,
}

impl Offsite {
    /// `s3://BUCKET/PREFIX`, with the endpoint and credentials from the environment.
    pub fn open(url: &str) -> Result<Offsite, String> {
        let rest = url.strip_prefix("s3://").ok_or_else(|| {
            format!("{url}: expected s3://BUCKET/PREFIX (S3-compatible object storage)")
        })?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!("{url}: no bucket named"));
        }
        let mut b = AmazonS3Builder::from_env().with_bucket_name(bucket);
        if std::env::var_os("AWS_REGION").is_none()
            && std::env::var_os("AWS_DEFAULT_REGION").is_none()
        {
            b = b.with_region("eu-west-2");
        }
        let store = b.build().map_err(|e| format!("{url}: {e}"))?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Offsite {
            store: Arc::new(store),
            prefix: prefix.trim_matches('/').to_string(),
            url: url.to_string(),
            rt,
        })
    }

    /// The URL it was opened with.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn path(&self, name: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(name)
        } else {
            ObjectPath::from(format!("{}/{name}", self.prefix))
        }
    }

    /// Encrypt `file` and store it as `name`; returns the bytes stored.
    pub fn put_encrypted(&self, key: &Key, file: &Path, name: &str) -> Result<u64, String> {
        let f = std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
        // Encrypted in memory segment by segment, then sent as a multipart upload.
        let mut enc = Vec::new();
        let n = encrypt(key, std::io::BufReader::new(f), &mut enc)?;
        let path = self.path(name);
        self.rt.block_on(async {
            let upload = self
                .store
                .put_multipart(&path)
                .await
                .map_err(|e| format!("{}: {e}", self.url))?;
            let mut w = WriteMultipart::new(upload);
            w.write(&enc);
            w.finish().await.map_err(|e| format!("{}: {e}", self.url))?;
            Ok::<_, String>(())
        })?;
        Ok(n)
    }

    /// Fetch `name`, decrypt it and write the backup to `to` (a new file, mode 0600).
    pub fn get_decrypted(&self, key: &Key, name: &str, to: &Path) -> Result<u64, String> {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        let f = o.open(to).map_err(|e| format!("{}: {e}", to.display()))?;
        let mut d = Decrypting::new(key, std::io::BufWriter::new(f));
        let path = self.path(name);
        self.rt.block_on(async {
            let got = self
                .store
                .get(&path)
                .await
                .map_err(|e| format!("{}/{name}: {e}", self.url))?;
            let mut s = got.into_stream();
            while let Some(chunk) = s.next().await {
                let chunk = chunk.map_err(|e| format!("{}/{name}: {e}", self.url))?;
                d.feed(&chunk)?;
            }
            Ok::<_, String>(())
        })?;
        d.finish().map_err(|e| format!("{}/{name}: {e}", self.url))
    }

    /// Every object under the prefix, by name.
    pub fn list(&self) -> Result<Vec<Stored>, String> {
        let prefix = (!self.prefix.is_empty()).then(|| ObjectPath::from(self.prefix.as_str()));
        let mut out = self.rt.block_on(async {
            let mut s = self.store.list(prefix.as_ref());
            let mut out = Vec::new();
            while let Some(m) = s.next().await {
                let m = m.map_err(|e| format!("{}: {e}", self.url))?;
                let name = m.location.filename().unwrap_or_default().to_string();
                out.push(Stored {
                    name,
                    bytes: m.size,
                });
            }
            Ok::<_, String>(out)
        })?;
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Delete `name`.
    pub fn delete(&self, name: &str) -> Result<(), String> {
        let path = self.path(name);
        self.rt
            .block_on(self.store.delete(&path))
            .map_err(|e| format!("{}/{name}: {e}", self.url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        Key([7u8; 32])
    }

    #[test]
    fn encrypts_and_decrypts_every_size_across_segment_edges() {
        for n in [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 2 * SEGMENT + 5] {
            let plain: Vec<u8> = (0..n).map(|i| (i * 31 % 251) as u8).collect();
            let mut enc = Vec::new();
            encrypt(&key(), plain.as_slice(), &mut enc).unwrap();
            assert!(!enc.windows(16).any(|w| n > 64 && w == &plain[..16]));
            let mut back = Vec::new();
            decrypt(&key(), enc.as_slice(), &mut back).unwrap();
            assert_eq!(back, plain, "size {n}");
        }
    }

    #[test]
    fn a_flipped_byte_a_cut_or_another_key_is_refused() {
        let plain = vec![42u8; SEGMENT + 100];
        let mut enc = Vec::new();
        encrypt(&key(), plain.as_slice(), &mut enc).unwrap();
        let mut flipped = enc.clone();
        flipped[MAGIC.len() + NONCE_PREFIX + 10] ^= 1;
        assert!(decrypt(&key(), flipped.as_slice(), Vec::new()).is_err());
        // Cut at the segment boundary: the first segment alone is not a last segment.
        let cut = &enc[..MAGIC.len() + NONCE_PREFIX + SEGMENT + TAG];
        assert!(decrypt(&key(), cut, Vec::new()).is_err());
        assert!(decrypt(&Key([8u8; 32]), enc.as_slice(), Vec::new()).is_err());
        assert!(decrypt(&key(), &b"plain text"[..], Vec::new()).is_err());
    }
}
