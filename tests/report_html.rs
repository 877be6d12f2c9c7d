//! `easyrun report` end to end: the page is well-formed and self-contained, charts carry
//! text alternatives, names from files are escaped, output is deterministic and matches
//! the reviewed snapshot, a 5-hour run and a 1 000-run history stay small, and a real
//! browser (headless Chromium, when installed) renders the fixtures' report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{assert_snapshot, easyrun, temp_dir};

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use quick_xml::events::Event;
use quick_xml::reader::Reader;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Writes `easyrun report ARGS -o FILE` and returns the page.
fn report(dir: &Path, args: &[&str], expect_status: i32) -> String {
    let out_path = dir.join("report.html");
    let out_str = out_path.to_str().unwrap();
    let mut all = vec!["report", "-q"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", out_str]);
    let out = easyrun(&all);
    assert_eq!(
        out.status.code(),
        Some(expect_status),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(&out_path).unwrap()
}

/// A GPX run at 1 Hz: `seconds` long, steady 2.7 m/s, heart rate settling to 125 bpm.
fn gpx_run(name_xml: &str, start: &str, seconds: u32) -> String {
    let t0 = easyrun::model::Timestamp::parse_rfc3339(start).unwrap();
    let mut g = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"test\" \
         xmlns=\"http://www.topografix.com/GPX/1/1\" \
         xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\">\n\
         <trk><name>{name_xml}</name><type>running</type><trkseg>\n"
    );
    for s in 0..seconds {
        // 2.7 m/s north: 1 degree of latitude is about 111 195 m.
        let lat = 47.0 + f64::from(s) * 2.7 / 111_195.0;
        let hr = 100.0 + 25.0 * (1.0 - (-f64::from(s) / 300.0).exp());
        let ele = 400.0 + 10.0 * (f64::from(s) / 600.0).sin();
        let t = easyrun::model::Timestamp(t0.0 + i64::from(s) * 1000);
        let _ = writeln!(
            g,
            "<trkpt lat=\"{lat:.7}\" lon=\"8.5\"><ele>{ele:.1}</ele><time>{t}</time>\
             <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr:.0}</gpxtpx:hr>\
             <gpxtpx:cad>84</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>"
        );
    }
    g.push_str("</trkseg></trk>\n</gpx>\n");
    g
}

/// What a parse of the page found.
#[derive(Debug, Default)]
struct Page {
    /// Element name → count.
    elements: BTreeMap<String, usize>,
    ids: Vec<String>,
    /// Every attribute value, by attribute name.
    attributes: BTreeMap<String, Vec<String>>,
    /// For each `<svg>` (but the pattern holder): its role, aria-labelledby and the ids
    /// of its `<title>` and `<desc>` children.
    charts: Vec<Chart>,
}

#[derive(Debug, Default)]
struct Chart {
    role: Option<String>,
    labelledby: Option<String>,
    title_id: Option<String>,
    desc_id: Option<String>,
    class: String,
}

/// Parses the page as XML: fails on any unbalanced or mismatched tag.
fn parse(html: &str) -> Page {
    let mut reader = Reader::from_str(html);
    reader.config_mut().check_end_names = true;
    let mut page = Page::default();
    let mut stack: Vec<String> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed at {}: {e}", reader.buffer_position()));
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let Some(e) = start else { continue };
        let name = e.name().as_ref().to_string();
        *page.elements.entry(name.clone()).or_insert(0) += 1;
        let mut attrs: BTreeMap<String, String> = BTreeMap::new();
        for a in e.attributes() {
            let a = a.unwrap();
            let key = a.key.as_ref().to_string();
            let value = a.value.to_string();
            attrs.insert(key.clone(), value.clone());
            page.attributes.entry(key).or_default().push(value);
        }
        if let Some(id) = attrs.get("id") {
            page.ids.push(id.clone());
        }
        if name == "svg" && attrs.get("class").is_none_or(|c| c != "defs") {
            page.charts.push(Chart {
                role: attrs.get("role").cloned(),
                labelledby: attrs.get("aria-labelledby").cloned(),
                class: attrs.get("class").cloned().unwrap_or_default(),
                ..Chart::default()
            });
        }
        if (name == "title" || name == "desc") && stack.last().is_some_and(|p| p == "svg") {
            let chart = page.charts.last_mut().unwrap();
            let id = attrs.get("id").cloned();
            if name == "title" {
                chart.title_id = id;
            } else {
                chart.desc_id = id;
            }
        }
        if !empty {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    page
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[test]
fn fixtures_report_is_well_formed_self_contained_and_accessible() {
    let dir = temp_dir("fixtures");
    // fixtures/bad holds broken files: exit 2, and the page lists them.
    let html = report(&dir, &["fixtures", "--max-hr", "190", "--rest-hr", "50"], 2);
    let page = parse(&html);

    // Self-contained: no script, no external resource of any kind.
    assert!(!html.to_lowercase().contains("<script"));
    for el in ["script", "link", "img", "iframe", "object", "embed"] {
        assert!(!page.elements.contains_key(el), "<{el}> in the page");
    }
    assert!(!page.attributes.contains_key("src"));
    for href in page.attributes.get("href").unwrap() {
        assert!(href.starts_with('#'), "link out of the page: {href}");
    }
    assert!(!html.contains("@import") && !html.contains("url(http"));
    for u in html.match_indices("url(").map(|(i, _)| &html[i..i + 5]) {
        assert_eq!(u, "url(#", "only in-page patterns are referenced");
    }

    // Every internal link lands on an id; ids are unique.
    let ids: BTreeSet<&str> = page.ids.iter().map(String::as_str).collect();
    assert_eq!(ids.len(), page.ids.len(), "duplicate ids");
    for href in page.attributes.get("href").unwrap() {
        assert!(ids.contains(&href[1..]), "dangling link {href}");
    }

    // Charts: role="img", labelled by their own <title> and <desc>.
    assert!(page.charts.len() >= 2);
    for c in &page.charts {
        assert_eq!(c.role.as_deref(), Some("img"), "{c:?}");
        let (t, d) = (
            c.title_id.as_deref().unwrap(),
            c.desc_id.as_deref().unwrap(),
        );
        assert_eq!(c.labelledby.as_deref(), Some(format!("{t} {d}").as_str()));
    }
    assert_eq!(
        page.charts
            .iter()
            .filter(|c| c.class.contains("week-chart"))
            .count(),
        1
    );

    // The documented size rule: the 5 judged recovery runs plus the 10 most recent other
    // runs get charts; every one of the 76 activities (11 of them issue 10's signal
    // fixtures) has a table row.
    assert_eq!(
        page.charts
            .iter()
            .filter(|c| c.class.contains("run-chart"))
            .count(),
        15
    );
    assert_eq!(count(&html, "<section class=\"run\""), 15);
    assert_eq!(count(&html, "<tr id=\"row-"), 76);

    // Verdicts in words, not colour alone; the recovery counts; the print stylesheet.
    assert!(html.contains("<li class=\"count v-pass\"><span class=\"n\">4</span>"));
    assert!(html.contains("<li class=\"count v-warn\"><span class=\"n\">1</span>"));
    assert!(html.contains("</span> WARN</span>"));
    assert!(html.contains("@media print"));
    // Unreadable files are named, escaped, in the page.
    assert!(html.contains("id=\"problems\""));
    assert!(html.contains("fixtures/bad/truncated.fit"));
}

#[test]
fn names_and_paths_from_files_are_escaped() {
    let dir = temp_dir("escape");
    let runs = dir.join("runs");
    std::fs::create_dir_all(&runs).unwrap();
    // The GPX name (XML-escaped in the file) is `<script>alert(1)</script> recovery`:
    // the word "recovery" makes it a judged run, so it also gets a chart and a list entry.
    std::fs::write(
        runs.join("evil \"quote\" & <b>.gpx"),
        gpx_run(
            "&lt;script&gt;alert(1)&lt;/script&gt; recovery",
            "2025-06-01T07:00:00Z",
            1500,
        ),
    )
    .unwrap();
    std::fs::write(runs.join("broken <i>.gpx"), "<gpx><trk>").unwrap();
    let html = report(
        &dir,
        &[
            runs.to_str().unwrap(),
            "--max-hr",
            "190",
            "--rest-hr",
            "50",
            "--title",
            "Ann's <em>log</em> & co",
        ],
        2,
    );
    let page = parse(&html);
    assert!(
        !html.contains("<script"),
        "markup from a file reached the page"
    );
    assert!(!page.elements.contains_key("script"));
    assert!(!page.elements.contains_key("b") && !page.elements.contains_key("em"));
    assert!(!page.elements.contains_key("i"));
    let shown = "&lt;script&gt;alert(1)&lt;/script&gt; recovery";
    // In the list, the run's heading, the table and the chart's <title>.
    assert!(count(&html, shown) >= 4, "{}", count(&html, shown));
    assert!(html.contains("evil \"quote\" &amp; &lt;b&gt;.gpx"));
    assert!(html.contains("broken &lt;i&gt;.gpx"));
    assert!(html.contains("<title>Ann's &lt;em&gt;log&lt;/em&gt; &amp; co</title>"));
    assert_eq!(count(&html, "<section class=\"run\""), 1);
}

/// Replaces what changes with every release, so the snapshot only changes with the page.
fn normalized(html: &str) -> String {
    html.replace(
        &format!("easyrun {}", env!("CARGO_PKG_VERSION")),
        "easyrun VERSION",
    )
}

#[test]
fn small_report_matches_the_snapshot_at_any_thread_count() {
    let dir = temp_dir("snapshot");
    let args = [
        "fixtures/history_week",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
    ];
    let mut one = args.to_vec();
    one.extend_from_slice(&["--recent", "1", "--jobs", "1"]);
    let html = normalized(&report(&dir, &one, 0));
    let mut four = args.to_vec();
    four.extend_from_slice(&["--recent", "1", "--jobs", "4"]);
    assert_eq!(html, normalized(&report(&dir, &four, 0)), "thread count");
    parse(&html);

    // The same bytes as the library renders into a buffer (tests/snapshots.rs).
    assert_snapshot("report_history_week.html", html.as_bytes());
}

#[test]
fn a_five_hour_run_stays_a_small_page() {
    let dir = temp_dir("long");
    let runs = dir.join("runs");
    std::fs::create_dir_all(&runs).unwrap();
    let gpx = gpx_run("Five hours", "2025-06-01T06:00:00Z", 5 * 3600);
    assert!(gpx.len() > 3_000_000, "the input is big: {}", gpx.len());
    std::fs::write(runs.join("ultra.gpx"), gpx).unwrap();
    let html = report(
        &dir,
        &[runs.to_str().unwrap(), "--max-hr", "190", "--rest-hr", "50"],
        0,
    );
    parse(&html);
    assert_eq!(count(&html, "class=\"chart run-chart\""), 1);
    assert!(html.len() < 120_000, "page of {} bytes", html.len());
    // Each curve is drawn from the downsampled series: at most 600 points.
    for (i, _) in html.match_indices("<path class=\"hr\" d=\"") {
        let d = &html[i..];
        let d = &d[..d.find("\"/>").unwrap()];
        let points = d.matches(['M', 'L']).count();
        assert!(points <= 600, "{points} points");
        assert!(points >= 500, "{points} points");
    }
}

#[test]
fn a_thousand_runs_keep_every_row_but_chart_only_the_chosen_runs() {
    use easyrun::analyze::Settings;
    use easyrun::history::Intent;
    use easyrun::report::html::{self, HtmlOptions};
    use easyrun::scan::{ScanConfig, run_batch};

    let flags = common::test_flags();
    let config = ScanConfig {
        settings: Settings {
            flags,
            keep_series: true,
            ..Settings::default()
        },
        ..ScanConfig::default()
    };
    let files =
        vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios/surges.fit")];
    let one = run_batch(&files, &config, &());
    let template = one.entries.first().unwrap().clone();
    assert!(
        template.analysis.series.is_some(),
        "the scan kept the curves"
    );

    let mut many = one.clone();
    many.entries = (0..1000)
        .map(|i| {
            let mut e = template.clone();
            e.analysis.header.start_time.0 += i64::from(i) * 86_400_000;
            e.analysis.header.name = Some(format!("Run {i}"));
            // Every third run is a recovery run.
            e.judged = i % 3 == 0;
            if let Some(p) = e.placement.as_mut() {
                p.intent = e.judged.then_some(Intent::Name);
            }
            e
        })
        .collect();
    let options = HtmlOptions::default();
    let charted = html::charted(&many, &options);
    assert_eq!(charted.len(), 110, "100 recovery runs + 10 recent others");
    assert!(charted.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert_eq!(charted.first(), Some(&999));

    let mut out = Vec::new();
    html::write(&mut out, &many, &options).unwrap();
    let page = String::from_utf8(out).unwrap();
    assert_eq!(count(&page, "<tr id=\"row-"), 1000);
    assert_eq!(count(&page, "class=\"chart run-chart\""), 110);
    assert!(page.len() < 6_000_000, "page of {} bytes", page.len());
    parse(&page);
}

/// Waits for `child` up to `limit`; kills it when it takes longer.
fn wait_with_timeout(child: &mut std::process::Child, limit: Duration) -> Option<bool> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status.success());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn headless_chromium_renders_the_fixtures_report() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("skipped: {CHROMIUM} is not installed (apt-get install chromium)");
        return;
    }
    let dir = temp_dir("chromium");
    report(&dir, &["fixtures", "--max-hr", "190", "--rest-hr", "50"], 2);
    let page = dir.join("report.html");
    let png = dir.join("report.png");
    let profile = dir.join("profile");
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2400",
            &format!("file://{}", page.display()),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let finished = wait_with_timeout(&mut child, Duration::from_secs(120));
    assert_eq!(finished, Some(true), "chromium failed or hung");

    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1280, 2400));
    let channels = info.line_size / info.width as usize;
    assert!(channels >= 3, "{:?}", info.color_type);
    let pixels = (info.width * info.height) as usize;
    let mut non_white = 0;
    let mut colours = BTreeSet::new();
    for px in buf[..pixels * channels].chunks(channels) {
        if px[..3].iter().any(|c| *c < 235) {
            non_white += 1;
        }
        colours.insert((px[0] >> 4, px[1] >> 4, px[2] >> 4));
    }
    let share = non_white as f64 / pixels as f64;
    assert!(
        (0.03..0.8).contains(&share),
        "{:.1} % of the pixels are not white",
        share * 100.0
    );
    // Text, badges, zone bands and curves: many colours, not a blank or error page.
    assert!(colours.len() > 40, "{} colours", colours.len());
}
