//! Surface class of an OSM way from its tags: `surface=*` first, then `tracktype`, then
//! `smoothness`, then the way type. Each answer says which tag it came from, so a report
//! can tell a tagged surface from an inferred one; an untagged footway or path stays
//! unknown rather than invented. The mapping and its sources are in docs/metrics.md
//! ("Surface from the map").

use serde::Serialize;

/// Paved or not, from the legs' point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SurfaceClass {
    /// Hard pavement: asphalt, concrete, paving stones, sett, cobblestone, wood, metal.
    Paved,
    /// Not a hard pavement: natural ground, gravel, grass, sand, and the cushioned
    /// synthetic surfaces of running tracks and pitches (tartan, rubber, artificial turf).
    Unpaved,
    /// No tag says, or the tags disagree.
    Unknown,
}

/// Where a way's class came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// `surface=*`.
    SurfaceTag,
    /// `tracktype=grade1…grade5`.
    Tracktype,
    /// `smoothness=*` (inferred: it describes the state, not the material).
    Smoothness,
    /// The way type (`highway=residential` is paved, `highway=track` unpaved, a hiking
    /// grade means a trail).
    WayType,
    /// Nothing to go on.
    None,
}

impl Evidence {
    /// Whether a tag about the surface itself said it (as opposed to an inference).
    pub fn is_tagged(self) -> bool {
        matches!(self, Evidence::SurfaceTag | Evidence::Tracktype)
    }
}

/// What kind of way, as far as running cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WayKind {
    /// Motorway to residential, service roads, living streets.
    Road,
    /// A pedestrian street or square.
    Pedestrian,
    /// A footway mapped as the sidewalk or crossing of a street.
    Sidewalk,
    /// Any other footway.
    Footway,
    /// A cycleway.
    Cycleway,
    /// A path (shared or unspecified use).
    Path,
    /// A bridleway.
    Bridleway,
    /// A track (agricultural or forestry road).
    Track,
    /// Steps.
    Steps,
    /// `highway=road` and other values of unknown kind.
    Other,
}

impl WayKind {
    /// The byte stored in the index.
    pub(crate) fn to_u8(self) -> u8 {
        match self {
            WayKind::Road => 0,
            WayKind::Pedestrian => 1,
            WayKind::Sidewalk => 2,
            WayKind::Footway => 3,
            WayKind::Cycleway => 4,
            WayKind::Path => 5,
            WayKind::Bridleway => 6,
            WayKind::Track => 7,
            WayKind::Steps => 8,
            WayKind::Other => 9,
        }
    }

    /// The kind of an index byte (unknown bytes are [`WayKind::Other`]).
    pub(crate) fn from_u8(v: u8) -> WayKind {
        match v {
            0 => WayKind::Road,
            1 => WayKind::Pedestrian,
            2 => WayKind::Sidewalk,
            3 => WayKind::Footway,
            4 => WayKind::Cycleway,
            5 => WayKind::Path,
            6 => WayKind::Bridleway,
            7 => WayKind::Track,
            8 => WayKind::Steps,
            _ => WayKind::Other,
        }
    }
}

impl SurfaceClass {
    /// The byte stored in the index.
    pub(crate) fn to_u8(self) -> u8 {
        match self {
            SurfaceClass::Paved => 0,
            SurfaceClass::Unpaved => 1,
            SurfaceClass::Unknown => 2,
        }
    }

    /// The class of an index byte (unknown bytes are [`SurfaceClass::Unknown`]).
    pub(crate) fn from_u8(v: u8) -> SurfaceClass {
        match v {
            0 => SurfaceClass::Paved,
            1 => SurfaceClass::Unpaved,
            _ => SurfaceClass::Unknown,
        }
    }

    /// `paved`, `unpaved` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            SurfaceClass::Paved => "paved",
            SurfaceClass::Unpaved => "unpaved",
            SurfaceClass::Unknown => "unknown",
        }
    }
}

impl Evidence {
    /// The byte stored in the index.
    pub(crate) fn to_u8(self) -> u8 {
        match self {
            Evidence::SurfaceTag => 0,
            Evidence::Tracktype => 1,
            Evidence::Smoothness => 2,
            Evidence::WayType => 3,
            Evidence::None => 4,
        }
    }

    /// The evidence of an index byte (unknown bytes are [`Evidence::None`]).
    pub(crate) fn from_u8(v: u8) -> Evidence {
        match v {
            0 => Evidence::SurfaceTag,
            1 => Evidence::Tracktype,
            2 => Evidence::Smoothness,
            3 => Evidence::WayType,
            _ => Evidence::None,
        }
    }
}

/// A way's kind and surface with its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct WayClass {
    /// What kind of way.
    pub kind: WayKind,
    /// Paved, unpaved or unknown.
    pub surface: SurfaceClass,
    /// Which tag (or inference) decided the surface.
    pub evidence: Evidence,
}

/// The tags of one way that the classification reads; readers offer every tag and
/// this keeps the few that matter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WayTags {
    pub highway: Option<String>,
    pub surface: Option<String>,
    pub tracktype: Option<String>,
    pub smoothness: Option<String>,
    pub footway: Option<String>,
    /// `sac_scale`, `mtb:scale*` or `trail_visibility`: a graded trail.
    pub trail_grade: bool,
}

impl WayTags {
    /// Takes one tag if it is one the classification reads.
    pub fn offer(&mut self, key: &str, value: &str) {
        let slot = match key {
            "highway" => &mut self.highway,
            "surface" => &mut self.surface,
            "tracktype" => &mut self.tracktype,
            "smoothness" => &mut self.smoothness,
            "footway" => &mut self.footway,
            "sac_scale" | "mtb:scale" | "mtb:scale:imba" | "trail_visibility" => {
                self.trail_grade = true;
                return;
            }
            _ => return,
        };
        *slot = Some(value.trim().to_ascii_lowercase());
    }

    pub fn clear(&mut self) {
        *self = WayTags::default();
    }

    /// The way's class, or `None` when it is not a way anyone runs on (no `highway`,
    /// or a highway that is planned, demolished, indoors or not a line to follow).
    pub fn classify(&self) -> Option<WayClass> {
        let kind = way_kind(self.highway.as_deref()?, self.footway.as_deref())?;
        let (surface, evidence) = self
            .surface
            .as_deref()
            .and_then(surface_value)
            .map(|c| (c, Evidence::SurfaceTag))
            .or_else(|| {
                self.tracktype
                    .as_deref()
                    .and_then(tracktype)
                    .map(|c| (c, Evidence::Tracktype))
            })
            .or_else(|| {
                self.smoothness
                    .as_deref()
                    .and_then(smoothness)
                    .map(|c| (c, Evidence::Smoothness))
            })
            .or_else(|| by_way_type(kind, self.trail_grade).map(|c| (c, Evidence::WayType)))
            .unwrap_or((SurfaceClass::Unknown, Evidence::None));
        Some(WayClass {
            kind,
            surface,
            evidence,
        })
    }
}

/// The kind of a `highway=*` value; `None` for values that are not runnable lines.
fn way_kind(highway: &str, footway: Option<&str>) -> Option<WayKind> {
    Some(match highway {
        "motorway" | "motorway_link" | "trunk" | "trunk_link" | "primary" | "primary_link"
        | "secondary" | "secondary_link" | "tertiary" | "tertiary_link" | "unclassified"
        | "residential" | "living_street" | "service" | "busway" | "bus_guideway" => WayKind::Road,
        "pedestrian" => WayKind::Pedestrian,
        "footway" => match footway {
            Some("sidewalk" | "crossing" | "traffic_island") => WayKind::Sidewalk,
            _ => WayKind::Footway,
        },
        "cycleway" => WayKind::Cycleway,
        "path" => WayKind::Path,
        "bridleway" => WayKind::Bridleway,
        "track" => WayKind::Track,
        "steps" => WayKind::Steps,
        // Not built, gone, indoors, or not a line to follow.
        "proposed" | "construction" | "planned" | "abandoned" | "razed" | "disused"
        | "dismantled" | "platform" | "elevator" | "corridor" | "bus_stop" | "services"
        | "rest_area" | "emergency_bay" | "raceway" | "turning_circle" | "turning_loop"
        | "street_lamp" | "crossing" | "traffic_signals" | "stop" | "give_way" | "no"
        | "via_ferrata" => return None,
        "" => return None,
        _ => WayKind::Other,
    })
}

/// The class of a `surface=*` value; a `;` list counts when all its parts agree.
/// `None` for values the OSM wiki does not document (so the next tag may decide).
pub fn surface_value(value: &str) -> Option<SurfaceClass> {
    let mut class = None;
    for part in value.split(';') {
        let c = single_surface(part.trim())?;
        match class {
            None => class = Some(c),
            Some(prev) if prev != c => return Some(SurfaceClass::Unknown),
            Some(_) => {}
        }
    }
    class
}

fn single_surface(value: &str) -> Option<SurfaceClass> {
    Some(match value {
        // OSM wiki Key:surface, "paved" group.
        "paved"
        | "asphalt"
        | "chipseal"
        | "concrete"
        | "concrete:lanes"
        | "concrete:plates"
        | "paving_stones"
        | "paving_stones:lanes"
        | "grass_paver"
        | "sett"
        | "unhewn_cobblestone"
        | "cobblestone"
        | "bricks"
        | "brick"
        | "metal"
        | "metal_grid"
        | "wood"
        | "stepping_stones"
        | "tiles" => SurfaceClass::Paved,
        // "unpaved" group.
        "unpaved" | "compacted" | "fine_gravel" | "gravel" | "shells" | "rock" | "pebblestone"
        | "ground" | "dirt" | "earth" | "grass" | "mud" | "sand" | "woodchips" | "snow" | "ice"
        | "salt" => SurfaceClass::Unpaved,
        // Cushioned sports surfaces: soft for the legs although not "natural".
        "tartan" | "rubber" | "artificial_turf" | "clay" => SurfaceClass::Unpaved,
        // Documented but says nothing about hardness underfoot.
        "acrylic" | "carpet" | "plastic" => SurfaceClass::Unknown,
        _ => return None,
    })
}

/// OSM wiki Key:tracktype: grade1 "solid, usually paved", grade2 "solid but unpaved",
/// grade3–5 increasingly soft.
fn tracktype(value: &str) -> Option<SurfaceClass> {
    match value {
        "grade1" => Some(SurfaceClass::Paved),
        "grade2" | "grade3" | "grade4" | "grade5" => Some(SurfaceClass::Unpaved),
        _ => None,
    }
}

/// OSM wiki Key:smoothness, only at its ends: `excellent`/`good` are what asphalt or
/// fine paving give; `very_bad` and worse are not pavement. The middle says nothing.
fn smoothness(value: &str) -> Option<SurfaceClass> {
    match value {
        "excellent" | "good" => Some(SurfaceClass::Paved),
        "very_bad" | "horrible" | "very_horrible" | "impassable" => Some(SurfaceClass::Unpaved),
        _ => None,
    }
}

/// What the way type alone implies. Roads and streets are paved (roads without a
/// surface tag are overwhelmingly asphalt); a track is an agricultural or forest road,
/// unpaved unless tagged; a graded trail (`sac_scale`, `mtb:scale`) is natural ground.
/// Footways, paths and cycleways have no default in OSM: unknown.
fn by_way_type(kind: WayKind, trail_grade: bool) -> Option<SurfaceClass> {
    match kind {
        WayKind::Road | WayKind::Pedestrian | WayKind::Sidewalk | WayKind::Steps => {
            Some(SurfaceClass::Paved)
        }
        WayKind::Track | WayKind::Bridleway => Some(SurfaceClass::Unpaved),
        WayKind::Footway | WayKind::Cycleway | WayKind::Path if trail_grade => {
            Some(SurfaceClass::Unpaved)
        }
        WayKind::Footway | WayKind::Cycleway | WayKind::Path | WayKind::Other => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn classify(tags: &[(&str, &str)]) -> Option<WayClass> {
        let mut t = WayTags::default();
        for (k, v) in tags {
            t.offer(k, v);
        }
        t.classify()
    }

    fn class(tags: &[(&str, &str)]) -> (SurfaceClass, Evidence) {
        let c = classify(tags).unwrap_or(WayClass {
            kind: WayKind::Other,
            surface: SurfaceClass::Unknown,
            evidence: Evidence::None,
        });
        (c.surface, c.evidence)
    }

    #[test]
    fn surface_tag_wins_over_tracktype_and_type() {
        assert_eq!(
            class(&[
                ("highway", "track"),
                ("surface", "asphalt"),
                ("tracktype", "grade4")
            ]),
            (SurfaceClass::Paved, Evidence::SurfaceTag)
        );
        assert_eq!(
            class(&[("highway", "residential"), ("surface", "Gravel ")]),
            (SurfaceClass::Unpaved, Evidence::SurfaceTag)
        );
    }

    #[test]
    fn tracktype_then_smoothness_then_way_type() {
        assert_eq!(
            class(&[("highway", "track"), ("tracktype", "grade1")]),
            (SurfaceClass::Paved, Evidence::Tracktype)
        );
        assert_eq!(
            class(&[("highway", "track"), ("tracktype", "grade3")]),
            (SurfaceClass::Unpaved, Evidence::Tracktype)
        );
        assert_eq!(
            class(&[("highway", "path"), ("smoothness", "horrible")]),
            (SurfaceClass::Unpaved, Evidence::Smoothness)
        );
        assert_eq!(
            class(&[("highway", "track")]),
            (SurfaceClass::Unpaved, Evidence::WayType)
        );
        assert_eq!(
            class(&[("highway", "residential")]),
            (SurfaceClass::Paved, Evidence::WayType)
        );
        assert_eq!(
            class(&[("highway", "footway"), ("footway", "sidewalk")]),
            (SurfaceClass::Paved, Evidence::WayType)
        );
        assert_eq!(
            class(&[("highway", "path"), ("sac_scale", "hiking")]),
            (SurfaceClass::Unpaved, Evidence::WayType)
        );
    }

    #[test]
    fn untagged_paths_and_unknown_values_stay_unknown() {
        assert_eq!(
            class(&[("highway", "path")]),
            (SurfaceClass::Unknown, Evidence::None)
        );
        assert_eq!(
            class(&[("highway", "footway"), ("surface", "fixme")]),
            (SurfaceClass::Unknown, Evidence::None)
        );
        // An undocumented surface value falls through to the next tag.
        assert_eq!(
            class(&[
                ("highway", "track"),
                ("surface", "unknown"),
                ("tracktype", "grade2")
            ]),
            (SurfaceClass::Unpaved, Evidence::Tracktype)
        );
        assert_eq!(
            class(&[("highway", "path"), ("surface", "asphalt;gravel")]),
            (SurfaceClass::Unknown, Evidence::SurfaceTag)
        );
        assert_eq!(
            class(&[("highway", "path"), ("surface", "dirt;grass")]),
            (SurfaceClass::Unpaved, Evidence::SurfaceTag)
        );
    }

    #[test]
    fn only_runnable_highways_are_kept() {
        assert!(classify(&[("building", "yes")]).is_none());
        assert!(classify(&[("highway", "proposed")]).is_none());
        assert!(classify(&[("highway", "platform")]).is_none());
        assert_eq!(
            classify(&[("highway", "road")]).map(|c| c.kind),
            Some(WayKind::Other)
        );
    }

    #[test]
    fn codes_round_trip() {
        for k in [
            WayKind::Road,
            WayKind::Pedestrian,
            WayKind::Sidewalk,
            WayKind::Footway,
            WayKind::Cycleway,
            WayKind::Path,
            WayKind::Bridleway,
            WayKind::Track,
            WayKind::Steps,
            WayKind::Other,
        ] {
            assert_eq!(WayKind::from_u8(k.to_u8()), k);
        }
        for s in [
            SurfaceClass::Paved,
            SurfaceClass::Unpaved,
            SurfaceClass::Unknown,
        ] {
            assert_eq!(SurfaceClass::from_u8(s.to_u8()), s);
        }
        for e in [
            Evidence::SurfaceTag,
            Evidence::Tracktype,
            Evidence::Smoothness,
            Evidence::WayType,
            Evidence::None,
        ] {
            assert_eq!(Evidence::from_u8(e.to_u8()), e);
        }
    }
}
