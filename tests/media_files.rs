//! Hostile media files, each a clear problem and never a panic or an unbounded allocation: a
//! name with control characters or a path, a truncated picture, a picture declaring more
//! pixels than a preview decodes (a decompression bomb's header), content that is not what
//! its MIME type says, a corrupt or lying MP4, a missing file. And the demo's own files: a
//! picture's size and preview, a video's metadata and its poster frame.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use obryl::domain::Locale;
use obryl::media::{MediaDisk, Problem, inspect};
use obryl::office::media_words;

/// Counts the bytes this test binary holds, and the most it held since the last reset.
struct Counting;
static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the system allocator with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = HELD.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) };
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The tests of this file one at a time, so each measures its own allocations.
static ALONE: Mutex<()> = Mutex::new(());

/// The most memory held above what was held when `f` started.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = HELD.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

fn asset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/media")
        .join(name)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    path
}

/// A PNG chunk: length, type, data, CRC.
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    out
}

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

/// A PNG whose header declares `w` × `h` grey pixels, with a few bytes of data: what a
/// decompression bomb shows before its first row.
fn declared_png(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    // zlib of a few zero bytes.
    out.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01],
    ));
    out.extend(chunk(b"IEND", &[]));
    out
}

fn problems(i: &obryl::media::Inspection) -> Vec<&'static str> {
    i.problems.iter().map(Problem::key).collect()
}

#[test]
fn the_demo_files_read_as_what_they_are() {
    let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
    let picture = inspect(
        Ok(asset("portfolio-dashboard.jpg")),
        Some("image/jpeg"),
        None,
    );
    assert!(picture.problems.is_empty(), "{:?}", picture.problems);
    assert_eq!(picture.found, Some("image/jpeg"));
    assert_eq!(picture.dimensions, Some((480, 300)));
    let preview = picture.preview.expect("a preview");
    assert!(preview.width() <= 320 && preview.height() <= 320);

    let video = inspect(
        Ok(asset("demo-walkthrough.mp4")),
        Some("video/mp4"),
        Some(asset("demo-poster.jpg")),
    );
    assert!(video.problems.is_empty(), "{:?}", video.problems);
    let v = video.video.clone().expect("metadata");
    assert_eq!(v.duration_ms, Some(42_000));
    assert_eq!((v.width, v.height), (Some(1280), Some(720)));
    assert_eq!(v.codec.as_deref(), Some("H264"));
    assert_eq!(media_words::video(&v), "H264, 1280 × 720, 42 s");
    assert!(video.preview.is_some(), "the poster frame is the preview");
}

#[test]
fn hostile_files_are_clear_problems_within_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
    let mut most = 0usize;
    let mut measured = |name: &str, i: obryl::media::Inspection, bytes: usize| {
        eprintln!("{name}: at most {} KiB held while inspecting", bytes / 1024);
        most = most.max(bytes);
        i
    };

    // A name that would leave its folder or drive a terminal.
    let disk = MediaDisk::new(d);
    for name in ["../../etc/passwd", "capture\u{1b}[2J.jpg", "a/b.jpg"] {
        let i = inspect(disk.original(1, name), Some("image/jpeg"), None);
        assert_eq!(problems(&i), ["unsafe_name"], "{name:?}");
    }

    // Missing.
    let i = inspect(Ok(d.join("nothing.jpg")), Some("image/jpeg"), None);
    assert_eq!(problems(&i), ["missing"]);

    // A page named like a picture: not opened as one.
    let page = write(
        d,
        "capture.jpg",
        b"<!doctype html><script>alert(1)</script>",
    );
    let i = inspect(Ok(page), Some("image/jpeg"), None);
    assert_eq!(
        i.problems,
        [Problem::Mismatch {
            claimed: "image/jpeg".into(),
            found: "text/html".into()
        }]
    );
    assert!(i.preview.is_none());
    // An executable named like a video.
    let exe = write(d, "demo.mp4", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0");
    let i = inspect(Ok(exe), Some("video/mp4"), None);
    assert_eq!(problems(&i), ["mismatch"]);

    // Truncated: a PNG cut in its data.
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(200, 200, |x, y| {
        image::Rgb([x as u8, y as u8, (x ^ y) as u8])
    }))
    .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
    .unwrap();
    let cut = write(d, "cut.png", &png[..png.len() / 2]);
    let i = inspect(Ok(cut), Some("image/png"), None);
    assert_eq!(problems(&i), ["unreadable"]);
    // A truncated JPEG: a problem or a partial picture, never a panic.
    let jpeg = std::fs::read(asset("portfolio-dashboard.jpg")).unwrap();
    let cut = write(d, "cut.jpg", &jpeg[..jpeg.len() / 3]);
    let (i, held) = peak_of(|| inspect(Ok(cut), Some("image/jpeg"), None));
    let i = measured("truncated JPEG", i, held);
    assert!(i.preview.is_some() || problems(&i) == ["unreadable"]);

    // Bombs: declared sizes past the sides, or past the decoding budget, are not decoded.
    for (w, h) in [(60_000, 60_000), (5_000, 5_000), (1, 200_000)] {
        let bomb = write(d, &format!("bomb-{w}x{h}.png"), &declared_png(w, h));
        let (i, held) = peak_of(|| inspect(Ok(bomb), Some("image/png"), None));
        let i = measured(&format!("bomb {w}×{h}"), i, held);
        assert_eq!(
            i.problems,
            [Problem::TooLarge {
                width: w,
                height: h
            }]
        );
        let said = media_words::problem(&i.problems[0], Locale::En);
        assert!(said.contains(&format!("{w} × {h} pixels")), "{said}");
    }
    // A real one within the budget: 4 000 × 4 000 grey, 16 MB decoded from a small file.
    let mut big = Vec::new();
    image::DynamicImage::ImageLuma8(image::GrayImage::new(4_000, 4_000))
        .write_to(&mut std::io::Cursor::new(&mut big), image::ImageFormat::Png)
        .unwrap();
    assert!(big.len() < 200_000, "{} bytes", big.len());
    let big = write(d, "big.png", &big);
    let (i, held) = peak_of(|| inspect(Ok(big), Some("image/png"), None));
    let i = measured("4000×4000 picture", i, held);
    assert!(i.problems.is_empty(), "{:?}", i.problems);
    assert_eq!(i.dimensions, Some((4_000, 4_000)));

    // MP4s: garbage after the file type, a box claiming 4 GiB.
    let mut garbage = b"\0\0\0\x14ftypisom\0\0\x02\0isom".to_vec();
    garbage.extend((0..4096u32).map(|i| (i * 7919 % 251) as u8));
    let garbage = write(d, "garbage.mp4", &garbage);
    let (i, held) = peak_of(|| inspect(Ok(garbage), Some("video/mp4"), None));
    let i = measured("garbage MP4", i, held);
    assert_eq!(problems(&i), ["unreadable"]);
    let mut liar = b"\0\0\0\x14ftypisom\0\0\x02\0isom".to_vec();
    liar.extend_from_slice(b"\xff\xff\xff\xf0moov\0\0\0\x10mvhd");
    let liar = write(d, "liar.mp4", &liar);
    let (i, held) = peak_of(|| inspect(Ok(liar), Some("video/mp4"), None));
    let i = measured("MP4 box claiming 4 GiB", i, held);
    assert_eq!(problems(&i), ["unreadable"]);

    // Nothing inspected held more than twice the decoding budget, the bombs almost nothing.
    let budget = obryl::media::inspect::DECODE_BUDGET as usize;
    assert!(most < 2 * budget, "{most} bytes");
}
