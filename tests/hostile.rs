//! Hostile and unlucky inputs and outputs (issue 14), each built on the fly in a temp
//! folder: FIFOs, devices and symlinks as inputs and outputs, an output equal to an
//! input, zip and gzip bombs, control characters in names and content, a 200 MB
//! attribute, closed pipes in every format, empty folders, side files, DOCTYPE
//! subsets and other encodings. Every case asserts its outcome (error kind, exit
//! status, output) and none can hang: the binary runs under a deadline that kills it
//! (a hang is a failure, not a wait). Nothing here measures time or memory; the bench
//! `benches/hostile.sh` does.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{repo, temp_dir};
use serde_json::Value;

/// Long enough for a debug build on a loaded machine; only a hang reaches it.
const DEADLINE: Duration = Duration::from_secs(240);

fn command(dir: &Path, args: &[&OsStr]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_easyrun"));
    c.args(args)
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .env("HOME", "/nonexistent")
        .stdin(Stdio::null());
    c
}

/// Waits for `child`, killing it (and failing) past the deadline.
fn wait_bounded(mut child: Child, what: &str) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {DEADLINE:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs easyrun with `args` in `dir`, stdout and stderr captured, under the deadline.
/// Output is drained by threads so a full pipe never stalls the child.
fn run_os(dir: &Path, args: &[&OsStr]) -> Output {
    let mut child = command(dir, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn easyrun");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let mut output = wait_bounded(child, &format!("{args:?}"));
    output.stdout = t_out.join().unwrap();
    output.stderr = t_err.join().unwrap();
    output
}

fn run(dir: &Path, args: &[&str]) -> Output {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    run_os(dir, &args)
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited, not killed")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn jsonl(out: &Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

fn fixture(name: &str) -> PathBuf {
    repo().join("fixtures").join(name)
}

fn copy_fixture(name: &str, to: &Path) {
    std::fs::copy(fixture(name), to).unwrap();
}

/// The GPX fixture's text with its header's `creator` and track `<name>` replaced
/// (both are raw XML here: the caller escapes what XML needs).
fn gpx_with(creator: &str, name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(fixture("gpx10_run.gpx")).unwrap();
    let text = text
        .replacen("creator=\"easyrun\"", &format!("creator=\"{creator}\""), 1)
        .replacen(
            "<name>Morning Run</name>",
            &format!("<name>{name}</name>"),
            1,
        );
    text.into_bytes()
}

const PROFILE: [&str; 4] = ["--max-hr", "190", "--rest-hr", "50"];

fn with_profile<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut v = args.to_vec();
    v.extend(PROFILE);
    v
}

// ---------------------------------------------------------------- outputs

#[test]
fn dev_full_is_written_in_place_and_its_failure_named() {
    let dir = temp_dir("devfull");
    copy_fixture("paused_run.fit", &dir.join("in.fit"));
    let out = run(
        &dir,
        &with_profile(&["scan", "-q", "in.fit", "-o", "/dev/full"]),
    );
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write /dev/full"),
        "{}",
        stderr(&out)
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device(),
        "/dev/full is still a device"
    );
    // /dev/null takes it all.
    let out = run(
        &dir,
        &with_profile(&["scan", "-q", "in.fit", "-o", "/dev/null"]),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn a_symlink_is_followed_to_its_target() {
    let dir = temp_dir("symlink");
    copy_fixture("paused_run.fit", &dir.join("in.fit"));
    std::fs::create_dir(dir.join("out")).unwrap();
    std::os::unix::fs::symlink("out/real.json", dir.join("link.json")).unwrap();
    let args = with_profile(&[
        "scan",
        "-q",
        "in.fit",
        "--format",
        "json",
        "-o",
        "link.json",
    ]);
    let out = run(&dir, &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let link = std::fs::symlink_metadata(dir.join("link.json")).unwrap();
    assert!(link.file_type().is_symlink(), "the link stays a link");
    let doc: Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/real.json")).unwrap()).unwrap();
    assert_eq!(doc["activities"].as_array().map(Vec::len), Some(1));
    // Written again through the same (now resolving) link: still a link.
    let out = run(&dir, &args);
    assert_eq!(code(&out), 0);
    assert!(
        std::fs::symlink_metadata(dir.join("link.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_fifo_output_is_written_when_read_and_refused_when_not() {
    let dir = temp_dir("fifo-out");
    copy_fixture("paused_run.fit", &dir.join("in.fit"));
    let fifo = dir.join("out.fifo");
    mkfifo(&fifo);
    // Nobody reads it: a clear error, not a hang, and the FIFO stays.
    let out = run(
        &dir,
        &with_profile(&["scan", "-q", "in.fit", "-o", "out.fifo"]),
    );
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no process is reading"),
        "{}",
        stderr(&out)
    );
    assert!(is_fifo(&fifo));

    // A reader (opened without blocking, then drained by a thread).
    use std::os::unix::fs::OpenOptionsExt;
    let reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    let drain = std::thread::spawn(move || {
        let mut reader = reader;
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            match reader.read(&mut buf) {
                Ok(0) if !got.is_empty() => break,
                // No writer yet (or EAGAIN): wait for one.
                Ok(0) => std::thread::sleep(Duration::from_millis(10)),
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        got
    });
    let out = run(
        &dir,
        &with_profile(&[
            "scan", "-q", "in.fit", "--format", "jsonl", "-o", "out.fifo",
        ]),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let got = String::from_utf8(drain.join().unwrap()).unwrap();
    assert!(
        got.lines()
            .last()
            .is_some_and(|l| l.starts_with("{\"summary\"")),
        "{got}"
    );
    assert!(is_fifo(&fifo), "the FIFO is still a FIFO");
}

#[test]
fn no_input_of_the_run_is_overwritten() {
    let dir = temp_dir("input-out");
    std::fs::create_dir(dir.join("runs")).unwrap();
    copy_fixture("paused_run.fit", &dir.join("runs/in.fit"));
    std::fs::hard_link(dir.join("runs/in.fit"), dir.join("hard.fit")).unwrap();
    std::os::unix::fs::symlink("runs/in.fit", dir.join("alias.json")).unwrap();
    let before = std::fs::read(dir.join("runs/in.fit")).unwrap();
    for (paths, output) in [
        ("runs/in.fit", "runs/in.fit"),
        ("runs", "runs/in.fit"),
        ("runs", "./runs/../runs/in.fit"),
        ("runs", "hard.fit"),
        ("runs/in.fit", "alias.json"),
    ] {
        let out = run(&dir, &with_profile(&["scan", "-q", paths, "-o", output]));
        assert_eq!(code(&out), 4, "scan {paths} -o {output}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("cannot write {output}")) && err.contains("input of this run"),
            "{err}"
        );
        assert_eq!(std::fs::read(dir.join("runs/in.fit")).unwrap(), before);
    }
    // report, and regress's JUnit file, are refused the same way.
    let out = run(
        &dir,
        &with_profile(&["report", "-q", "runs", "-o", "runs/in.fit"]),
    );
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    let out = run(
        &dir,
        &with_profile(&[
            "regress",
            "runs",
            "--baseline",
            "b.json",
            "--update",
            "--junit",
            "hard.fit",
        ]),
    );
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.join("runs/in.fit")).unwrap(), before);
}

#[test]
fn a_found_profile_file_and_its_maps_are_inputs_too() {
    // ./easyrun.toml is found without --profile; it and the map it names are read by
    // the run, so `-o` may replace neither (it could when only --profile counted).
    let dir = temp_dir("found-profile");
    copy_fixture("paused_run.fit", &dir.join("in.fit"));
    let map = std::fs::read(repo().join("tests/maps/town.osm")).unwrap();
    std::fs::write(dir.join("town.osm"), &map).unwrap();
    let profile = "max_hr = 190\nrest_hr = 50\nmaps = [\"town.osm\"]\n";
    std::fs::write(dir.join("easyrun.toml"), profile).unwrap();
    for output in ["easyrun.toml", "town.osm", "./town.osm"] {
        for command in ["scan", "report"] {
            let out = run(&dir, &[command, "-q", "in.fit", "-o", output]);
            assert_eq!(code(&out), 4, "{command} -o {output}: {}", stderr(&out));
            let err = stderr(&out);
            assert!(
                err.contains(&format!("cannot write {output}"))
                    && err.contains("input of this run"),
                "{err}"
            );
        }
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("easyrun.toml")).unwrap(),
        profile
    );
    assert_eq!(std::fs::read(dir.join("town.osm")).unwrap(), map);
    // Another name is written as usual.
    let out = run(&dir, &["scan", "-q", "in.fit", "-o", "out.txt"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn output_errors_name_the_path() {
    let dir = temp_dir("missing-dir");
    copy_fixture("paused_run.fit", &dir.join("in.fit"));
    let out = run(
        &dir,
        &with_profile(&["scan", "-q", "in.fit", "-o", "/nonexistent/dir/x.json"]),
    );
    assert_eq!(code(&out), 4);
    assert!(
        stderr(&out).contains(
            "cannot write /nonexistent/dir/x.json: the folder /nonexistent/dir does not exist"
        ),
        "{}",
        stderr(&out)
    );
    let out = run(&dir, &with_profile(&["scan", "-q", "in.fit", "-o", "."]));
    assert_eq!(code(&out), 4);
    assert!(
        stderr(&out).contains("cannot write .: it is a folder"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_regular_output_is_replaced_atomically_keeping_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("atomic");
    copy_fixture("paused_run.fit", &dir.join("in.fit"));
    std::fs::write(dir.join("out.csv"), b"old").unwrap();
    std::fs::set_permissions(dir.join("out.csv"), std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = run(
        &dir,
        &with_profile(&["scan", "-q", "in.fit", "--format", "csv", "-o", "out.csv"]),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    assert!(text.starts_with("schema_version,status,source,"), "{text}");
    let mode = std::fs::metadata(dir.join("out.csv"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "no temporary file left behind");
}

// ---------------------------------------------------------------- inputs and walks

#[test]
fn a_fifo_input_is_an_error_not_a_hang() {
    let dir = temp_dir("fifo-in");
    mkfifo(&dir.join("x.fit"));
    for args in [
        vec!["inspect", "--format", "jsonl", "x.fit"],
        with_profile(&["check", "--format", "jsonl", "x.fit"]),
    ] {
        let out = run(&dir, &args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        let lines = jsonl(&out);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0]["error"]["kind"], "not_regular_file");
        assert!(
            lines[0]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("x.fit: not a regular file: a FIFO"),
            "{lines:?}"
        );
    }
    // Settings files are read the same way: a FIFO as profile, baseline or manifest is
    // an error naming it.
    copy_fixture("paused_run.fit", &dir.join("in.fit"));
    mkfifo(&dir.join("p.fifo"));
    for args in [
        vec!["check", "in.fit", "--profile", "p.fifo"],
        with_profile(&["regress", "in.fit", "--baseline", "p.fifo"]),
        with_profile(&["regress", "in.fit", "--expect", "p.fifo"]),
    ] {
        let out = run(&dir, &args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("p.fifo") && err.contains("not a regular file"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn walks_skip_and_count_special_files_and_side_files() {
    let dir = temp_dir("walk");
    let runs = dir.join("runs");
    std::fs::create_dir(&runs).unwrap();
    copy_fixture("paused_run.fit", &runs.join("a.fit"));
    mkfifo(&runs.join("stuck.fit"));
    std::os::unix::fs::symlink("/dev/zero", runs.join("zero.fit")).unwrap();
    for side in [
        "Thumbs.db",
        "desktop.ini",
        "convert.py",
        "notes.docx",
        "photo.webp",
        "run.sh",
    ] {
        std::fs::write(runs.join(side), b"not an activity \x00\x01").unwrap();
    }
    let out = run(
        &dir,
        &with_profile(&["scan", "-q", "runs", "--format", "jsonl"]),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines = jsonl(&out);
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["activities"], 1);
    assert_eq!(summary["errors"], 0, "{lines:?}");
    assert_eq!(summary["skipped"], 8, "6 side files, a FIFO, a device");
    // Skipped quietly: no error or warning line on stderr.
    assert!(!stderr(&out).contains("easyrun:"), "{}", stderr(&out));
    let out = run(
        &dir,
        &with_profile(&["scan", "-q", "runs", "--format", "json"]),
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let reasons: Vec<(String, String)> = doc["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["source"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        reasons.contains(&(
            "runs/stuck.fit".into(),
            "not a regular file: a FIFO (named pipe)".into()
        )),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&(
            "runs/zero.fit".into(),
            "not a regular file: a character device".into()
        )),
        "{reasons:?}"
    );
    // check judges the one run and says nothing of the rest.
    let out = run(&dir, &with_profile(&["check", "runs", "--format", "jsonl"]));
    assert_eq!(jsonl(&out).len(), 1, "{}", stdout(&out));
}

#[test]
fn empty_input_is_its_own_error() {
    let dir = temp_dir("empty");
    std::fs::create_dir(dir.join("nothing")).unwrap();
    std::fs::create_dir(dir.join("side")).unwrap();
    std::fs::write(dir.join("side/Thumbs.db"), b"x").unwrap();
    for args in [
        vec!["inspect", "nothing"],
        with_profile(&["check", "nothing"]),
        with_profile(&["scan", "-q", "nothing"]),
        with_profile(&["scan", "-q", "--format", "json", "side"]),
        with_profile(&["report", "-q", "nothing", "-o", "r.html"]),
    ] {
        let out = run(&dir, &args);
        assert_eq!(code(&out), 5, "{args:?}: {}", stderr(&out));
        let folder = if args.contains(&"side") {
            "side"
        } else {
            "nothing"
        };
        assert!(
            stderr(&out).contains(&format!("error: no activities found in {folder}")),
            "{}",
            stderr(&out)
        );
    }
    let out = run(
        &dir,
        &with_profile(&["scan", "-q", "--format", "json", "side"]),
    );
    assert!(stderr(&out).contains("no activities found in side (1 file or member skipped"));
    // The JSON document is still written, with nothing in it.
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["activities"], 0);
    // A folder with an unreadable file is exit 2, not 5.
    std::fs::write(dir.join("nothing/bad.fit"), b"junk junk junk").unwrap();
    let out = run(&dir, &with_profile(&["scan", "-q", "nothing"]));
    assert_eq!(code(&out), 2);
}

#[test]
fn jobs_are_clamped_and_the_output_is_the_same() {
    let dir = temp_dir("jobs");
    copy_fixture("paused_run.fit", &dir.join("in.fit"));
    let one = run(
        &dir,
        &with_profile(&["scan", "-q", "in.fit", "--format", "jsonl", "-j", "1"]),
    );
    let many = run(
        &dir,
        &with_profile(&["scan", "-q", "in.fit", "--format", "jsonl", "-j", "100000"]),
    );
    assert_eq!(code(&many), 0, "{}", stderr(&many));
    assert_eq!(one.stdout, many.stdout);
    assert_eq!(easyrun::scan::threads_for(100_000, 1), 1);
    assert_eq!(
        easyrun::scan::threads_for(100_000, 10_000),
        easyrun::scan::MAX_JOBS
    );
}

// ---------------------------------------------------------------- archives

/// A zip whose central directory has `entries` entries (named `e0.fit`, …, or all the
/// same name) that all point at the one deflated member at offset 0.
fn zip_with_shared_member(content: &[u8], entries: usize, same_name: bool) -> Vec<u8> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(content).unwrap();
    let data = enc.finish().unwrap();
    let mut crc = flate2::Crc::new();
    crc.update(content);
    let crc = crc.sum();
    let name = |i: usize| {
        if same_name {
            "run.fit".to_string()
        } else {
            format!("e{i}.fit")
        }
    };
    let mut out = Vec::new();
    let u16le = |v: usize| (v as u16).to_le_bytes();
    let u32le = |v: usize| (v as u32).to_le_bytes();
    // One local header and its data.
    let local_name = name(0);
    out.extend(0x0403_4b50u32.to_le_bytes());
    out.extend(u16le(20));
    out.extend(u16le(0));
    out.extend(u16le(8));
    out.extend([0u8; 4]);
    out.extend(crc.to_le_bytes());
    out.extend(u32le(data.len()));
    out.extend(u32le(content.len()));
    out.extend(u16le(local_name.len()));
    out.extend(u16le(0));
    out.extend(local_name.as_bytes());
    out.extend(&data);
    let cd_start = out.len();
    for i in 0..entries {
        let n = name(i);
        out.extend(0x0201_4b50u32.to_le_bytes());
        out.extend(u16le(20));
        out.extend(u16le(20));
        out.extend(u16le(0));
        out.extend(u16le(8));
        out.extend([0u8; 4]);
        out.extend(crc.to_le_bytes());
        out.extend(u32le(data.len()));
        out.extend(u32le(content.len()));
        out.extend(u16le(n.len()));
        out.extend([0u8; 8]);
        out.extend([0u8; 4]);
        out.extend(u32le(0));
        out.extend(n.as_bytes());
    }
    let cd_len = out.len() - cd_start;
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend(u16le(entries));
    out.extend(u16le(entries));
    out.extend(u32le(cd_len));
    out.extend(u32le(cd_start));
    out.extend(u16le(0));
    out
}

fn gzip(content: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(content).unwrap();
    enc.finish().unwrap()
}

#[test]
fn overlapping_and_duplicate_zip_entries_are_refused() {
    let dir = temp_dir("overlap");
    let zeros = vec![0u8; 32 << 20];
    for (name, entries, same) in [
        ("e40.zip", 40, false),
        ("e120.zip", 120, false),
        ("dup.zip", 40, true),
    ] {
        std::fs::write(
            dir.join(name),
            zip_with_shared_member(&zeros, entries, same),
        )
        .unwrap();
    }
    let out = run(
        &dir,
        &[
            "inspect", "--format", "jsonl", "e40.zip", "e120.zip", "dup.zip",
        ],
    );
    assert_eq!(code(&out), 2);
    let lines = jsonl(&out);
    assert_eq!(
        lines.len(),
        3,
        "one error per archive, nothing inflated: {lines:?}"
    );
    // In sorted path order: dup.zip, e120.zip, e40.zip.
    for (line, what) in lines.iter().zip(["more than once", "overlap", "overlap"]) {
        assert_eq!(line["error"]["kind"], "corrupt_archive", "{line}");
        assert!(
            line["error"]["message"].as_str().unwrap().contains(what),
            "{line}"
        );
    }
    // A sound zip of the same member is read (and its bomb stopped).
    std::fs::write(
        dir.join("one.zip"),
        zip_with_shared_member(&zeros, 1, false),
    )
    .unwrap();
    let out = run(&dir, &["inspect", "--format", "jsonl", "one.zip"]);
    let lines = jsonl(&out);
    assert_eq!(lines[0]["source"], "one.zip/e0.fit");
    assert_eq!(lines[0]["error"]["kind"], "decompression_bomb", "{lines:?}");
}

#[test]
fn the_file_and_run_totals_stop_decompression_at_their_configured_limits() {
    // Ratio checks off (grace past every size): only the totals can stop these.
    let limits = easyrun::ingest::Limits {
        max_decompressed_bytes: 4 << 20,
        max_archive_bytes: 5 << 20,
        max_run_bytes: 5 << 20,
        ratio_grace_bytes: u64::MAX,
        ..easyrun::ingest::Limits::default()
    };
    let kind_and_message = |r: &easyrun::ingest::IngestResult| {
        r.as_ref()
            .err()
            .map(|e| (e.error.kind().to_string(), e.to_string()))
    };
    // The run's total, shared by the files of one pass: the first 3 MiB file is read
    // (and is no activity), the second goes past 5 MiB.
    let dir = temp_dir("totals");
    let three = gzip(&vec![0u8; 3 << 20]);
    for name in ["a.fit.gz", "b.fit.gz"] {
        std::fs::write(dir.join(name), &three).unwrap();
    }
    let run = easyrun::ingest::RunBudget::new(&limits);
    let mut got = Vec::new();
    for name in ["a.fit.gz", "b.fit.gz"] {
        easyrun::ingest::read_path_each(&dir.join(name), limits, &run, &mut |r| {
            got.push(kind_and_message(&r))
        });
    }
    assert_eq!(got.len(), 2, "{got:?}");
    assert_ne!(got[0].as_ref().unwrap().0, "too_large", "{got:?}");
    let (kind, message) = got[1].clone().unwrap();
    assert_eq!(kind, "too_large");
    assert!(
        message.contains("decompressed content of this run exceeds the limit of 5242880 bytes"),
        "{message}"
    );
    // The file's total, over the members of one archive: 3 MiB members, each under
    // the document cap, the second past the file's 5 MiB.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..3 {
        zip.start_file(format!("m{i}.fit"), options).unwrap();
        zip.write_all(&vec![0u8; 3 << 20]).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let got: Vec<_> = easyrun::ingest::read_bytes_with("big.zip", &bytes, limits)
        .iter()
        .map(kind_and_message)
        .collect();
    let over: Vec<&(String, String)> = got
        .iter()
        .flatten()
        .filter(|(kind, _)| kind == "too_large")
        .collect();
    assert!(!over.is_empty(), "{got:?}");
    assert!(
        over[0]
            .1
            .contains("decompressed content of one file exceeds the limit of 5242880 bytes"),
        "{got:?}"
    );
    // A document over its own cap names that cap (4 MiB), not the bytes left.
    let five = gzip(&vec![0u8; 5 << 20]);
    let got = easyrun::ingest::read_bytes_with("five.gz", &five, limits);
    let (kind, message) = kind_and_message(&got[0]).unwrap();
    assert_eq!(kind, "too_large");
    assert!(message.contains("limit of 4194304 bytes"), "{message}");
}

#[test]
fn gzip_bombs_stop_early_with_the_configured_limits() {
    let dir = temp_dir("gzbomb");
    let bomb = gzip(&vec![0u8; 64 << 20]);
    for i in 0..4 {
        std::fs::write(dir.join(format!("bomb{i}.fit.gz")), &bomb).unwrap();
    }
    let out = run(
        &dir,
        &with_profile(&["check", "--format", "jsonl", "-j", "4", "."]),
    );
    assert_eq!(code(&out), 2);
    let lines = jsonl(&out);
    assert_eq!(lines.len(), 4);
    let limits = easyrun::ingest::Limits::default();
    for line in &lines {
        assert_eq!(line["error"]["kind"], "decompression_bomb", "{line}");
        let message = line["error"]["message"].as_str().unwrap();
        let expected = format!(
            "expands more than {}:1 once past {} bytes",
            limits.max_ratio, limits.ratio_grace_bytes
        );
        assert!(message.contains(&expected), "{message}");
    }
    // A document over the size cap names the configured cap, not what was left.
    let capped = easyrun::ingest::Limits {
        max_decompressed_bytes: 1 << 20,
        ..limits
    };
    let small_bomb = gzip(&vec![7u8; 2 << 20]);
    let got = easyrun::ingest::read_bytes_with("x.gz", &small_bomb, capped);
    assert_eq!(got.len(), 1);
    let err = got[0].as_ref().err().unwrap();
    assert_eq!(err.error.kind(), "too_large");
    assert!(
        err.to_string()
            .contains(&format!("limit of {} bytes", 1 << 20)),
        "{err}"
    );
}

#[test]
fn many_small_bombs_in_one_zip_stop_at_the_archive_ratio() {
    // 40 members of 4 MiB zeros each: every one under the grace size, the archive far
    // over the ratio.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    let zeros = vec![0u8; 4 << 20];
    for i in 0..40 {
        zip.start_file(format!("m{i}.fit"), options).unwrap();
        zip.write_all(&zeros).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let results = easyrun::ingest::read_bytes("many.zip", &bytes);
    let kinds: Vec<&str> = results
        .iter()
        .map(|r| r.as_ref().err().map_or("ok", |e| e.error.kind()))
        .collect();
    assert!(kinds.contains(&"decompression_bomb"), "{kinds:?}");
    let last = results.last().unwrap().as_ref().err().unwrap();
    assert_eq!(last.source_name, "many.zip");
    assert!(last.to_string().contains("entries not read"), "{last}");
    assert!(
        results.len() < 10,
        "the archive stops at its budget: {kinds:?}"
    );
}

// ---------------------------------------------------------------- terminal safety

#[test]
fn control_characters_in_names_and_content_are_escaped_in_text() {
    let dir = temp_dir("controls");
    let runs = dir.join("runs");
    std::fs::create_dir(&runs).unwrap();
    let evil_name = "evil\u{1b}]0;pwned\u{7}\r\nname.gpx";
    std::fs::write(
        runs.join(evil_name),
        gpx_with(
            "Watch\u{1b}[31mRED\u{7}",
            "Run \u{1b}]8;;http://x\u{7}link\u{9b}2J",
        ),
    )
    .unwrap();
    for args in [
        vec!["inspect", "runs"],
        with_profile(&["check", "runs"]),
        with_profile(&["scan", "-q", "runs"]),
        vec!["inspect", "runs/missing\u{1b}[2J.fit"],
    ] {
        let out = run(&dir, &args);
        let all = [out.stdout.clone(), out.stderr.clone()].concat();
        let text = String::from_utf8_lossy(&all);
        for bad in ['\u{1b}', '\u{7}', '\r', '\u{9b}'] {
            assert!(!text.contains(bad), "{args:?}: raw {bad:?} in {text:?}");
        }
        assert!(text.contains("\\e"), "{args:?}: {text}");
    }
    let out = run(&dir, &["inspect", "runs"]);
    let text = stdout(&out);
    assert!(text.contains("evil\\e]0;pwned\\a\\r\\nname.gpx"), "{text}");
    assert!(text.contains("Watch\\e[31mRED\\a"), "{text}");
    // The scan table keeps one row per activity.
    let out = run(&dir, &with_profile(&["scan", "-q", "runs"]));
    let rows = stdout(&out).lines().take_while(|l| !l.is_empty()).count();
    assert_eq!(rows, 2, "header and one row: {}", stdout(&out));
    // JSON keeps the exact text.
    let out = run(&dir, &["inspect", "--format", "jsonl", "runs"]);
    let lines = jsonl(&out);
    assert_eq!(lines[0]["source"], format!("runs/{evil_name}"));
    assert_eq!(lines[0]["product"], "Watch\u{1b}[31mRED\u{7}");
}

#[test]
fn non_utf8_paths_are_lossless_in_json_and_escaped_in_text() {
    let dir = temp_dir("non-utf8");
    let name = OsString::from_vec(b"caf\xe9.fit".to_vec());
    copy_fixture("paused_run.fit", &dir.join(&name));
    let out = run_os(
        &dir,
        &[
            OsStr::new("inspect"),
            OsStr::new("--format"),
            OsStr::new("jsonl"),
            &name,
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines = jsonl(&out);
    // Byte 0xE9 is kept as U+EFE9 (docs/output-schema.md).
    assert_eq!(lines[0]["source"], "caf\u{efe9}.fit");
    let out = run_os(&dir, &[OsStr::new("inspect"), &name]);
    assert!(
        stdout(&out).starts_with("caf\\xe9.fit\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_200_mb_attribute_is_read_and_capped_in_every_output() {
    let dir = temp_dir("huge-attr");
    let path = dir.join("huge.gpx");
    {
        // Built streaming: the header with a 200 MB creator, then the fixture's body.
        let base = String::from_utf8(gpx_with("X", "Morning Run")).unwrap();
        let (head, rest) = base.split_once("creator=\"X\"").unwrap();
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        f.write_all(head.as_bytes()).unwrap();
        f.write_all(b"creator=\"").unwrap();
        let chunk = vec![b'A'; 1 << 20];
        for _ in 0..200 {
            f.write_all(&chunk).unwrap();
        }
        f.write_all(b"\"").unwrap();
        f.write_all(rest.as_bytes()).unwrap();
        f.flush().unwrap();
    }
    let marker = easyrun::model::text::TRUNCATED_MARKER;
    let max = easyrun::model::text::MAX_TEXT_CHARS;
    let out = run(&dir, &["inspect", "--format", "jsonl", "huge.gpx"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let line = stdout(&out);
    assert!(
        line.len() < 4096,
        "the line is capped: {} bytes",
        line.len()
    );
    let product = jsonl(&out)[0]["product"].as_str().unwrap().to_string();
    assert_eq!(product, format!("{}{marker}", "A".repeat(max)));
    let out = run(&dir, &["inspect", "huge.gpx"]);
    assert!(stdout(&out).lines().all(|l| l.len() < 4096));
    assert!(stdout(&out).contains(marker));
    let _ = std::fs::remove_file(&path);
}

// ---------------------------------------------------------------- broken pipe

/// Runs `args` with stdout a pipe whose read end is closed at once: the command must
/// end quietly with the status it has when its output is read.
fn closed_pipe_status(args: &[&str]) -> (i32, String) {
    let osargs: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    let mut child = command(repo(), &osargs)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = child.stderr.take().unwrap();
    let t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let out = wait_bounded(child, &format!("{args:?}"));
    (
        code(&out),
        String::from_utf8_lossy(&t.join().unwrap()).into_owned(),
    )
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_run_status_in_every_format() {
    let mut cases: Vec<Vec<&str>> = Vec::new();
    for format in ["text", "json", "jsonl", "csv"] {
        cases.push(with_profile(&[
            "scan", "-q", "fixtures", "--format", format,
        ]));
    }
    for format in ["text", "json", "jsonl"] {
        cases.push(with_profile(&["check", "fixtures", "--format", format]));
        cases.push(vec!["inspect", "fixtures", "--format", format]);
    }
    cases.push(with_profile(&["report", "-q", "fixtures"]));
    for args in cases {
        let expected = code(&run(repo(), &args));
        let (status, err) = closed_pipe_status(&args);
        assert_eq!(status, expected, "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
        assert!(!err.contains("cannot write"), "{args:?}: {err}");
    }
}

// ---------------------------------------------------------------- encodings

fn inspect_one(dir: &Path, file: &str) -> Value {
    let out = run(dir, &["inspect", "--format", "jsonl", file]);
    let lines = jsonl(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    lines[0].clone()
}

#[test]
fn doctype_subsets_are_skipped_without_expansion_or_fetching() {
    let dir = temp_dir("doctype");
    let plain = gpx_with("easyrun", "Morning Run");
    let doctype = "<!DOCTYPE gpx [\n  <!ENTITY lol \"lol\">\n  <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n  <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n  <!-- a ]> in a comment -->\n]>\n";
    let text = String::from_utf8(gpx_with("&xxe;", "&lol3;")).unwrap();
    let text = text.replacen("?>\n", &format!("?>\n{doctype}"), 1);
    std::fs::write(dir.join("doctype.gpx"), text).unwrap();
    std::fs::write(dir.join("plain.gpx"), plain).unwrap();
    let got = inspect_one(&dir, "doctype.gpx");
    let want = inspect_one(&dir, "plain.gpx");
    assert_eq!(got["records"], want["records"]);
    assert_eq!(got["distance_m"], want["distance_m"]);
    // Entities are kept as written: never expanded, never fetched.
    assert_eq!(got["product"], "&xxe;");
    assert_eq!(got["name"], "&lol3;");
}

#[test]
fn utf16_and_declared_encodings_are_decoded() {
    let dir = temp_dir("encodings");
    let utf8 = String::from_utf8(gpx_with("Garmin Café", "Café Müller")).unwrap();
    std::fs::write(dir.join("utf8.gpx"), &utf8).unwrap();
    let utf16 = utf8.replacen("encoding=\"UTF-8\"", "encoding=\"UTF-16\"", 1);
    let mut le = vec![0xFF, 0xFE];
    le.extend(utf16.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(dir.join("utf16le.gpx"), le).unwrap();
    let mut be = vec![0xFE, 0xFF];
    be.extend(utf16.encode_utf16().flat_map(u16::to_be_bytes));
    std::fs::write(dir.join("utf16be.gpx"), be).unwrap();
    let latin1: Vec<u8> = utf8
        .replacen("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"", 1)
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    std::fs::write(dir.join("latin1.gpx"), latin1).unwrap();
    let want = inspect_one(&dir, "utf8.gpx");
    assert_eq!(want["product"], "Garmin Café");
    for file in ["utf16le.gpx", "utf16be.gpx", "latin1.gpx"] {
        let got = inspect_one(&dir, file);
        for key in ["product", "name", "records", "distance_m", "start_time"] {
            assert_eq!(got[key], want[key], "{file}: {key}");
        }
    }
    // What cannot be decoded is invalid_xml with the reason.
    let klingon = utf8.replacen("encoding=\"UTF-8\"", "encoding=\"x-klingon\"", 1);
    std::fs::write(dir.join("klingon.gpx"), klingon).unwrap();
    let mut utf32 = vec![0xFF, 0xFE, 0, 0];
    utf32.extend(utf8.chars().flat_map(|c| u32::from(c).to_le_bytes()));
    std::fs::write(dir.join("utf32.gpx"), utf32).unwrap();
    for (file, why) in [
        ("klingon.gpx", "unknown encoding \"x-klingon\""),
        ("utf32.gpx", "UTF-32"),
    ] {
        let got = inspect_one(&dir, file);
        assert_eq!(got["error"]["kind"], "invalid_xml", "{got}");
        assert!(
            got["error"]["message"].as_str().unwrap().contains(why),
            "{got}"
        );
    }
}
