//! Whether a node is working fully, and if not, what a person should know: the disk full or
//! nearly so, reads waiting to be recorded, a read-only copy. Shown on every page and by
//! `/healthz`.

use std::path::Path;

/// What is known of a node's health just now.
#[derive(Debug, Clone, Default)]
pub struct Health {
    /// Open read-only.
    pub read_only: bool,
    /// Reads shown but not yet in the journal (held while the disk was full).
    pub held_reads: usize,
    /// Bytes free to this account and the size of the file system holding the data directory.
    pub space: Option<(u64, u64)>,
}

/// Free space below which the disk counts as nearly full: 2% of the file system, at most 64 MiB.
pub fn low_space(total: u64) -> u64 {
    (total / 50).min(64 << 20)
}

/// Bytes free to this account and the total size of the file system holding `dir`.
pub fn disk_space(dir: &Path) -> Option<(u64, u64)> {
    let s = rustix::fs::statvfs(dir).ok()?;
    Some((
        s.f_bavail.saturating_mul(s.f_frsize),
        s.f_blocks.saturating_mul(s.f_frsize),
    ))
}

impl Health {
    /// Health of the data directory `dir` now, given what the server knows.
    pub fn of(dir: &Path, read_only: bool, held_reads: usize) -> Health {
        Health {
            read_only,
            held_reads,
            space: disk_space(dir),
        }
    }

    /// What is wrong, in words for the person at the screen; empty when all is well.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.read_only {
            out.push(
                "Read-only copy: you can read, but nothing can be changed or recorded here. Reads are written to this server's log."
                    .to_string(),
            );
        }
        if let Some((free, total)) = self.space
            && !self.read_only
            && free <= low_space(total)
        {
            out.push(format!(
                "The disk holding Lantern's data is full or nearly full ({} free): changes may not be saved. Reading still works. Tell your IT support now.",
                megabytes(free)
            ));
        }
        if self.held_reads > 0 && !self.read_only {
            out.push(format!(
                "{} read{} of essential information could not be recorded yet: {} held by the server and will be recorded when space returns.",
                self.held_reads,
                if self.held_reads == 1 { "" } else { "s" },
                if self.held_reads == 1 {
                    "it is"
                } else {
                    "they are"
                }
            ));
        }
        out
    }
}

fn megabytes(b: u64) -> String {
    if b < 1 << 20 {
        format!("{} KB", b / 1024)
    } else {
        format!("{} MB", b >> 20)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_and_held_reads_are_said_and_a_healthy_node_says_nothing() {
        let ok = Health {
            read_only: false,
            held_reads: 0,
            space: Some((10 << 30, 100 << 30)),
        };
        assert!(ok.problems().is_empty());
        let full = Health {
            read_only: false,
            held_reads: 3,
            space: Some((0, 100 << 20)),
        };
        let p = full.problems();
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].contains("full or nearly full (0 KB free)"), "{p:?}");
        assert!(p[1].starts_with("3 reads"), "{p:?}");
        let ro = Health {
            read_only: true,
            held_reads: 5,
            space: Some((0, 1)),
        };
        assert_eq!(ro.problems().len(), 1);
        assert_eq!(low_space(1 << 40), 64 << 20);
        assert_eq!(low_space(50 << 20), 1 << 20);
    }
}
