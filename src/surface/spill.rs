//! Where an index build keeps what does not need to be in memory: the index file being
//! written and scratch files beside it, read and written at positions, or plain
//! buffers when nothing can be written to disk (docs/performance.md). A [`Store`] is
//! either; scratch files are removed when dropped.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes an [`Appender`] gathers before it writes.
const APPEND_BUF: usize = 1 << 16;

/// A file or a buffer, read and written at byte offsets.
#[derive(Debug)]
pub struct Store {
    inner: Inner,
    len: u64,
}

#[derive(Debug)]
enum Inner {
    /// `remove`: the path to delete on drop (a scratch file not yet kept).
    File {
        file: File,
        remove: Option<PathBuf>,
    },
    Memory(Vec<u8>),
}

/// Makes scratch names unique within the process.
static SERIAL: AtomicU64 = AtomicU64::new(0);

impl Store {
    pub fn memory() -> Store {
        Store {
            inner: Inner::Memory(Vec::new()),
            len: 0,
        }
    }

    /// A new empty file in `dir`, named after `stem`, removed on drop unless kept
    /// ([`Store::keep`]).
    pub fn temp_in(dir: &Path, stem: &str) -> io::Result<Store> {
        let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".{stem}.{}.{serial}.tmp", std::process::id()));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok(Store {
            inner: Inner::File {
                file,
                remove: Some(path),
            },
            len: 0,
        })
    }

    /// Bytes from 0 to the furthest written or reserved.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Makes the store `len` bytes long (new bytes read as zero).
    pub fn reserve_zeroed(&mut self, len: u64) -> io::Result<()> {
        if len <= self.len {
            return Ok(());
        }
        match &mut self.inner {
            Inner::File { file, .. } => file.set_len(len)?,
            Inner::Memory(v) => v.resize(to_usize(len)?, 0),
        }
        self.len = len;
        Ok(())
    }

    pub fn write_at(&mut self, at: u64, bytes: &[u8]) -> io::Result<()> {
        let end = at + bytes.len() as u64;
        match &mut self.inner {
            Inner::File { file, .. } => write_all_at(file, bytes, at)?,
            Inner::Memory(v) => {
                let (at, end) = (to_usize(at)?, to_usize(end)?);
                if v.len() < end {
                    v.resize(end, 0);
                }
                if let Some(dst) = v.get_mut(at..end) {
                    dst.copy_from_slice(bytes);
                }
            }
        }
        self.len = self.len.max(end);
        Ok(())
    }

    /// Fills `buf` from `at`; past the end is an error.
    pub fn read_at(&self, at: u64, buf: &mut [u8]) -> io::Result<()> {
        if at + buf.len() as u64 > self.len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "read past the end of a scratch store",
            ));
        }
        match &self.inner {
            Inner::File { file, .. } => read_exact_at(file, buf, at),
            Inner::Memory(v) => {
                let at = to_usize(at)?;
                let src = v
                    .get(at..at + buf.len())
                    .ok_or_else(|| io::Error::from(io::ErrorKind::UnexpectedEof))?;
                buf.copy_from_slice(src);
                Ok(())
            }
        }
    }

    /// Keeps a scratch file (it becomes the index): syncs it and returns the file and
    /// its path, which the caller renames into place. `None` for a buffer.
    pub fn keep(mut self) -> io::Result<Option<(File, PathBuf)>> {
        match std::mem::replace(&mut self.inner, Inner::Memory(Vec::new())) {
            Inner::File { file, remove } => {
                file.sync_all()?;
                Ok(remove.map(|p| (file, p)))
            }
            Inner::Memory(v) => {
                self.inner = Inner::Memory(v);
                Ok(None)
            }
        }
    }

    /// The bytes of a buffer store (`None` for a file).
    pub fn into_vec(mut self) -> Option<Vec<u8>> {
        match std::mem::replace(&mut self.inner, Inner::Memory(Vec::new())) {
            Inner::Memory(v) => Some(v),
            other => {
                self.inner = other;
                None
            }
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Inner::File {
            remove: Some(path), ..
        } = &self.inner
        {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn to_usize(v: u64) -> io::Result<usize> {
    usize::try_from(v).map_err(|_| io::Error::other("offset beyond the address space"))
}

#[cfg(unix)]
fn write_all_at(file: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
fn write_all_at(file: &File, mut bytes: &[u8], mut at: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let n = file.seek_write(bytes, at)?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        bytes = bytes.get(n..).unwrap_or_default();
        at += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut at: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        let n = file.seek_read(buf, at)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf = std::mem::take(&mut buf).get_mut(n..).unwrap_or_default();
        at += n as u64;
    }
    Ok(())
}

/// Where scratch stores go: files in a directory, or buffers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scratch {
    Dir(PathBuf),
    Memory,
}

impl Scratch {
    /// A new scratch store for `what`.
    pub fn store(&self, what: &str) -> io::Result<Store> {
        match self {
            Scratch::Dir(d) => Store::temp_in(d, what),
            Scratch::Memory => Ok(Store::memory()),
        }
    }

    /// The directory, for error messages.
    pub fn dir(&self) -> Option<&Path> {
        match self {
            Scratch::Dir(d) => Some(d),
            Scratch::Memory => None,
        }
    }
}

/// Sequential writes into a [`Store`] from an offset, in buffered pieces.
#[derive(Debug)]
pub struct Appender {
    at: u64,
    buf: Vec<u8>,
}

impl Appender {
    pub fn new(at: u64) -> Appender {
        Appender {
            at,
            buf: Vec::with_capacity(APPEND_BUF),
        }
    }

    /// Where the next byte goes.
    pub fn position(&self) -> u64 {
        self.at + self.buf.len() as u64
    }

    pub fn put(&mut self, store: &mut Store, bytes: &[u8]) -> io::Result<()> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= APPEND_BUF {
            self.flush(store)?;
        }
        Ok(())
    }

    pub fn flush(&mut self, store: &mut Store) -> io::Result<()> {
        if !self.buf.is_empty() {
            store.write_at(self.at, &self.buf)?;
            self.at += self.buf.len() as u64;
            self.buf.clear();
        }
        Ok(())
    }
}

/// Sequential reads of a [`Store`] region, in buffered pieces.
#[derive(Debug)]
pub struct SeqReader {
    next: u64,
    end: u64,
    buf: Vec<u8>,
    pos: usize,
}

impl SeqReader {
    pub fn new(from: u64, end: u64) -> SeqReader {
        SeqReader {
            next: from,
            end,
            buf: Vec::new(),
            pos: 0,
        }
    }

    /// Bytes left to read.
    pub fn remaining(&self) -> u64 {
        (self.end - self.next) + (self.buf.len() - self.pos) as u64
    }

    /// Buffers at least `n` bytes, or all that are left.
    fn fill(&mut self, store: &Store, n: usize) -> io::Result<()> {
        if self.buf.len() - self.pos >= n || self.next >= self.end {
            return Ok(());
        }
        self.buf.drain(..self.pos);
        self.pos = 0;
        let want = (APPEND_BUF.max(n) - self.buf.len()) as u64;
        let get = want.min(self.end - self.next) as usize;
        let old = self.buf.len();
        self.buf.resize(old + get, 0);
        store.read_at(self.next, self.buf.get_mut(old..).unwrap_or_default())?;
        self.next += get as u64;
        Ok(())
    }

    /// The next `n` bytes, or `None` when fewer are left.
    pub fn take<'a>(&'a mut self, store: &Store, n: usize) -> io::Result<Option<&'a [u8]>> {
        self.fill(store, n)?;
        let out = self.buf.get(self.pos..self.pos + n);
        if out.is_some() {
            self.pos += n;
        }
        Ok(out)
    }

    /// The next LEB128 varint, or `None` at the end.
    pub fn varint(&mut self, store: &Store) -> io::Result<Option<u64>> {
        self.fill(store, 10)?;
        let rest = self.buf.get(self.pos..).unwrap_or_default();
        if rest.is_empty() {
            return Ok(None);
        }
        let mut n = 0;
        match super::varint::get_varint(rest, &mut n) {
            Some(v) => {
                self.pos += n;
                Ok(Some(v))
            }
            None => Err(io::Error::other("damaged varint in a scratch file")),
        }
    }

    /// Up to 64 KB of the next bytes, or `None` at the end.
    pub fn chunk<'a>(&'a mut self, store: &Store) -> io::Result<Option<&'a [u8]>> {
        let n = (self.remaining().min(APPEND_BUF as u64)) as usize;
        if n == 0 {
            return Ok(None);
        }
        self.take(store, n)
    }
}

/// A bounded read cache over fixed-size records of a [`Store`]: direct-mapped pages,
/// filled on a miss. Random reads of a file-backed store stay within `pages × page`
/// bytes of memory, and the file's own pages stay the operating system's to evict.
#[derive(Debug)]
pub struct PageCache {
    base: u64,
    end: u64,
    page_len: usize,
    tags: Vec<u64>,
    data: Vec<u8>,
    pub misses: u64,
}

impl PageCache {
    /// Caches `[base, end)` of a store in `pages` pages of `page_len` bytes (a multiple
    /// of every record size read through it).
    pub fn new(base: u64, end: u64, page_len: usize, pages: usize) -> PageCache {
        PageCache {
            base,
            end,
            page_len,
            tags: vec![u64::MAX; pages.max(1)],
            data: vec![0; page_len * pages.max(1)],
            misses: 0,
        }
    }

    /// The `N` bytes at `base + off` (a record inside one page).
    pub fn get<const N: usize>(&mut self, store: &Store, off: u64) -> io::Result<[u8; N]> {
        let page = off / self.page_len as u64;
        let slot = (page % self.tags.len() as u64) as usize;
        let start = slot * self.page_len;
        if self.tags.get(slot) != Some(&page) {
            self.misses += 1;
            let from = self.base + page * self.page_len as u64;
            let len = (self.end.saturating_sub(from)).min(self.page_len as u64) as usize;
            let dst = self
                .data
                .get_mut(start..start + len)
                .ok_or_else(|| io::Error::other("page cache slot"))?;
            store.read_at(from, dst)?;
            if let Some(t) = self.tags.get_mut(slot) {
                *t = page;
            }
        }
        let in_page = (off % self.page_len as u64) as usize;
        let mut out = [0u8; N];
        let src = self
            .data
            .get(start + in_page..start + in_page + N)
            .ok_or_else(|| io::Error::other("record crosses a cache page"))?;
        out.copy_from_slice(src);
        Ok(out)
    }
}

/// Sorts fixed-size records (compared bytewise) with bounded memory: runs of `cap`
/// records are sorted in memory and written to scratch, then merged in one pass.
#[derive(Debug)]
pub struct RecordSorter<const N: usize> {
    scratch: Scratch,
    cap: usize,
    buf: Vec<[u8; N]>,
    runs: Option<(Store, Appender)>,
    bounds: Vec<(u64, u64)>,
}

impl<const N: usize> RecordSorter<N> {
    pub fn new(scratch: Scratch, cap: usize) -> Self {
        RecordSorter {
            scratch,
            cap: cap.max(1),
            buf: Vec::new(),
            runs: None,
            bounds: Vec::new(),
        }
    }

    pub fn push(&mut self, rec: [u8; N]) -> io::Result<()> {
        self.buf.push(rec);
        if self.buf.len() >= self.cap {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        self.buf.sort_unstable();
        let (store, app) = match &mut self.runs {
            Some(r) => r,
            None => self
                .runs
                .insert((self.scratch.store("sort")?, Appender::new(0))),
        };
        let start = app.position();
        for rec in &self.buf {
            app.put(store, rec)?;
        }
        self.bounds.push((start, app.position()));
        self.buf.clear();
        Ok(())
    }

    /// Hands every record to `f` in order.
    pub fn finish(mut self, mut f: impl FnMut(&[u8; N]) -> io::Result<()>) -> io::Result<()> {
        if self.bounds.is_empty() {
            self.buf.sort_unstable();
            return self.buf.iter().try_for_each(f);
        }
        self.spill()?;
        self.buf = Vec::new();
        let Some((mut store, mut app)) = self.runs.take() else {
            return Ok(());
        };
        app.flush(&mut store)?;
        let mut readers: Vec<SeqReader> = self
            .bounds
            .iter()
            .map(|&(a, b)| SeqReader::new(a, b))
            .collect();
        let next = |r: &mut SeqReader| -> io::Result<Option<[u8; N]>> {
            Ok(r.take(&store, N)?.and_then(|b| b.try_into().ok()))
        };
        let mut heap = std::collections::BinaryHeap::new();
        for (i, r) in readers.iter_mut().enumerate() {
            if let Some(rec) = next(r)? {
                heap.push(std::cmp::Reverse((rec, i)));
            }
        }
        while let Some(std::cmp::Reverse((rec, i))) = heap.pop() {
            f(&rec)?;
            if let Some(r) = readers.get_mut(i)
                && let Some(rec) = next(r)?
            {
                heap.push(std::cmp::Reverse((rec, i)));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn both() -> Vec<Store> {
        let dir = std::env::temp_dir();
        vec![Store::memory(), Store::temp_in(&dir, "spill-test").unwrap()]
    }

    #[test]
    fn stores_write_read_and_append() {
        for mut s in both() {
            s.reserve_zeroed(16).unwrap();
            s.write_at(4, &[1, 2, 3]).unwrap();
            let mut a = Appender::new(16);
            for i in 0..100_000u32 {
                a.put(&mut s, &i.to_le_bytes()).unwrap();
            }
            a.flush(&mut s).unwrap();
            assert_eq!(s.len(), 16 + 400_000);
            let mut head = [9u8; 8];
            s.read_at(0, &mut head).unwrap();
            assert_eq!(head, [0, 0, 0, 0, 1, 2, 3, 0]);
            let mut r = SeqReader::new(16, s.len());
            for i in 0..100_000u32 {
                let b = r.take(&s, 4).unwrap().unwrap();
                assert_eq!(u32::from_le_bytes(b.try_into().unwrap()), i);
            }
            assert!(r.take(&s, 4).unwrap().is_none());
            let mut cache = PageCache::new(16, s.len(), 4096, 4);
            for i in [5u64, 99_999, 7, 50_000, 6] {
                let b: [u8; 4] = cache.get(&s, i * 4).unwrap();
                assert_eq!(u64::from(u32::from_le_bytes(b)), i);
            }
            assert!(cache.misses <= 4);
            assert!(s.read_at(s.len() - 2, &mut [0; 4]).is_err());
        }
    }

    #[test]
    fn records_sort_in_runs() {
        let dir = std::env::temp_dir().join(format!("easyrun-sort-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (scratch, cap) in [(Scratch::Memory, 1 << 20), (Scratch::Dir(dir.clone()), 97)] {
            let mut s = RecordSorter::<6>::new(scratch, cap);
            let recs: Vec<[u8; 6]> = (0..5000u32)
                .map(|i| {
                    let k = i.wrapping_mul(2_654_435_761).to_be_bytes();
                    [k[0], k[1], k[2], k[3], (i % 3) as u8, 7]
                })
                .collect();
            for r in &recs {
                s.push(*r).unwrap();
            }
            let mut got = Vec::new();
            s.finish(|r| {
                got.push(*r);
                Ok(())
            })
            .unwrap();
            let mut want = recs.clone();
            want.sort_unstable();
            assert_eq!(got, want);
        }
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn scratch_files_are_removed_unless_kept() {
        let dir = std::env::temp_dir().join(format!("easyrun-spill-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let count = || std::fs::read_dir(&dir).unwrap().count();
        let a = Scratch::Dir(dir.clone()).store("a").unwrap();
        let mut b = Scratch::Dir(dir.clone()).store("b").unwrap();
        b.write_at(0, b"kept").unwrap();
        assert_eq!(count(), 2);
        drop(a);
        assert_eq!(count(), 1);
        let (_, path) = b.keep().unwrap().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"kept");
        assert_eq!(count(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
