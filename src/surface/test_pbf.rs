//! A minimal OSM PBF writer for tests (OSM PBF spec, "File format"): raw
//! (uncompressed) blobs, plain (not dense) nodes, ways with one tag, bare relations.
#![allow(clippy::indexing_slicing)]

use super::varint::{put_varint, zigzag};

fn bytes_field(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    put_varint(out, field << 3 | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn varint_field(out: &mut Vec<u8>, field: u64, v: u64) {
    put_varint(out, field << 3);
    put_varint(out, v);
}

fn packed(out: &mut Vec<u8>, field: u64, values: impl IntoIterator<Item = u64>) {
    let mut b = Vec::new();
    for v in values {
        put_varint(&mut b, v);
    }
    bytes_field(out, field, &b);
}

fn blob(kind: &str, block: &[u8]) -> Vec<u8> {
    let mut blob = Vec::new();
    bytes_field(&mut blob, 1, block);
    varint_field(&mut blob, 2, block.len() as u64);
    let mut header = Vec::new();
    bytes_field(&mut header, 1, kind.as_bytes());
    varint_field(&mut header, 3, blob.len() as u64);
    let mut out = (header.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(&header);
    out.extend_from_slice(&blob);
    out
}

pub enum Group {
    /// id, lat, lon (1e-7°)
    Nodes(Vec<(i64, i64, i64)>),
    /// id, highway value (a string-table index), node ids
    Ways(Vec<(i64, u64, Vec<i64>)>),
    Relations(Vec<i64>),
}

/// String table: 0 "", 1 "highway", 2 "path", 3 "residential", 4 "building", 5 "yes".
fn data_block(groups: &[Group]) -> Vec<u8> {
    let mut block = Vec::new();
    let mut table = Vec::new();
    for s in ["", "highway", "path", "residential", "building", "yes"] {
        bytes_field(&mut table, 1, s.as_bytes());
    }
    bytes_field(&mut block, 1, &table);
    for g in groups {
        let mut group = Vec::new();
        match g {
            Group::Nodes(nodes) => {
                for &(id, lat, lon) in nodes {
                    let mut n = Vec::new();
                    varint_field(&mut n, 1, zigzag(id));
                    varint_field(&mut n, 8, zigzag(lat));
                    varint_field(&mut n, 9, zigzag(lon));
                    bytes_field(&mut group, 1, &n);
                }
            }
            Group::Ways(ways) => {
                for (id, value, refs) in ways {
                    let mut w = Vec::new();
                    varint_field(&mut w, 1, *id as u64);
                    let key = if *value == 5 { 4 } else { 1 };
                    packed(&mut w, 2, [key]);
                    packed(&mut w, 3, [*value]);
                    let mut prev = 0i64;
                    packed(
                        &mut w,
                        8,
                        refs.iter().map(|&r| {
                            let d = r - prev;
                            prev = r;
                            zigzag(d)
                        }),
                    );
                    bytes_field(&mut group, 3, &w);
                }
            }
            Group::Relations(ids) => {
                for &id in ids {
                    let mut r = Vec::new();
                    varint_field(&mut r, 1, id as u64);
                    bytes_field(&mut group, 4, &r);
                }
            }
        }
        bytes_field(&mut block, 2, &group);
    }
    block
}

pub fn pbf(sorted: bool, blocks: &[Vec<Group>]) -> Vec<u8> {
    let mut header = Vec::new();
    bytes_field(&mut header, 4, b"OsmSchema-V0.6");
    if sorted {
        bytes_field(&mut header, 5, b"Sort.Type_then_ID");
    }
    let mut out = blob("OSMHeader", &header);
    for b in blocks {
        out.extend(blob("OSMData", &data_block(b)));
    }
    out
}
