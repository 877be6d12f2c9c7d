//! Words in activity names: tokenising, phrase matching, and the default word lists
//! (recovery, race, named workouts) in the languages runners name their runs in.
//!
//! A word list entry is a word or a phrase ("half marathon", "sortie longue"), matched
//! case-insensitively as consecutive whole words. An entry starting with `*` matches
//! any word ending with the rest, for languages that build compounds: `*lauf` matches
//! "Nachtlauf" and "Waldlauf" (and "lauf"). Whole-word entries are checked before
//! suffix entries by callers that must tell sports apart ("Langlauf" is skiing).

/// Lower-case words: runs of letters and digits ("Récup 5k!" → ["récup", "5k"]).
pub(crate) fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// One tokenised word-list entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    /// Consecutive whole words.
    Phrase(Vec<String>),
    /// A word ending with this (lower-case) suffix.
    Suffix(String),
}

/// A word list, tokenised once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct WordList {
    entries: Vec<Entry>,
}

impl WordList {
    pub(crate) fn new(list: &[String]) -> WordList {
        let entries = list
            .iter()
            .filter_map(|w| match w.trim().strip_prefix('*') {
                Some(suffix) => {
                    let suffix = suffix.trim().to_lowercase();
                    (!suffix.is_empty()).then_some(Entry::Suffix(suffix))
                }
                None => {
                    let t = tokens(w);
                    (!t.is_empty()).then_some(Entry::Phrase(t))
                }
            })
            .collect();
        WordList { entries }
    }

    /// Whether `words` hold a whole-word entry.
    pub(crate) fn has_phrase(&self, words: &[String]) -> bool {
        self.entries.iter().any(|e| match e {
            Entry::Phrase(p) => words.windows(p.len()).any(|w| w == p.as_slice()),
            Entry::Suffix(_) => false,
        })
    }

    /// Whether a word of `words` ends with a suffix entry.
    pub(crate) fn has_suffix(&self, words: &[String]) -> bool {
        self.entries.iter().any(|e| match e {
            Entry::Suffix(s) => words.iter().any(|w| w.ends_with(s.as_str())),
            Entry::Phrase(_) => false,
        })
    }

    /// Whether `words` hold any entry.
    pub(crate) fn matches(&self, words: &[String]) -> bool {
        self.has_phrase(words) || self.has_suffix(words)
    }
}

/// A repetition count in a name: "6x800", "5 x 1 km", "10X400m", "20 x 0:30/0:15" — a
/// number, then `x`, then a number. Plain "x" words ("Xmas run") do not count.
pub(crate) fn has_repetitions(words: &[String]) -> bool {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let reps = |s: &str| digits(s) && s.parse::<u32>().is_ok_and(|n| (2..=60).contains(&n));
    let starts_with_digit = |s: &str| s.chars().next().is_some_and(|c| c.is_ascii_digit());
    words.iter().enumerate().any(|(i, w)| {
        // "6x800", "6x800m", "10x400": one word.
        if let Some((n, rest)) = w.split_once('x')
            && reps(n)
            && starts_with_digit(rest)
        {
            return true;
        }
        // "6 x 800", "6x 800", "6 x800".
        let next = |k: usize| words.get(i + k).map(String::as_str);
        (reps(w) && next(1) == Some("x") && next(2).is_some_and(starts_with_digit))
            || (w.strip_suffix('x').is_some_and(reps) && next(1).is_some_and(starts_with_digit))
            || (reps(w)
                && next(1).is_some_and(|n| n.strip_prefix('x').is_some_and(starts_with_digit)))
    })
}

fn list(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_string()).collect()
}

/// Recovery words (English, French, German, Spanish, Portuguese, Italian, Dutch,
/// Scandinavian).
pub(crate) fn recovery_words() -> Vec<String> {
    list(&[
        "recovery",
        "easy",
        "regen",
        "regeneration",
        "shakeout",
        "shake out",
        "recup",
        "récup",
        "recuperation",
        "récupération",
        "recuperação",
        "recuperación",
        "recupero",
        "regenerativo",
        "regenerationslauf",
        "herstel",
        "herstelloop",
        "restitution",
        "rolig",
        "restitusjon",
    ])
}

/// Race words. Bare "half" is not one ("half an hour easy"); "marathon" already matches
/// "Half Marathon" and "semi-marathon".
pub(crate) fn race_words() -> Vec<String> {
    list(&[
        "race",
        "racing",
        "parkrun",
        "marathon",
        "halfmarathon",
        "half marathon",
        "5k",
        "10k",
        "15k",
        "21k",
        "42k",
        "wettkampf",
        "halbmarathon",
        "maratón",
        "maratona",
        "marató",
        "maratonul",
        "wedstrijd",
        "gara",
        "competición",
        "competição",
        "compétition",
        "kilpailu",
        "tävling",
        "konkurranse",
    ])
}

/// Names of a tempo / threshold run.
pub(crate) fn tempo_words() -> Vec<String> {
    list(&[
        "tempo",
        "tempo run",
        "threshold",
        "lactate threshold",
        "tempolauf",
        "tempodauerlauf",
        "schwellenlauf",
        "schwelle",
        "tempoloop",
        "drempel",
        "seuil",
        "allure seuil",
        "umbral",
        "soglia",
        "limiar",
        "tempotur",
        "tempopass",
        "tempoløb",
        "kynnys",
    ])
}

/// Names of an interval session.
pub(crate) fn intervals_words() -> Vec<String> {
    list(&[
        "intervals",
        "interval",
        "intervalle",
        "intervall",
        "intervalltraining",
        "intervaltraining",
        "intervalos",
        "intervalo",
        "intervalli",
        "intervaller",
        "interwały",
        "intervallen",
        "intervallit",
        "fartlek",
        "fartleks",
        "repeats",
        "hill repeats",
        "hiit",
        "vo2max",
        "vo2 max",
        "fractionné",
        "fractionne",
        "fraccionado",
        "series",
        "séries",
        "tiros",
        "ripetute",
        "pyramid",
        "pyramide",
        "yasso",
        "bahntraining",
        "baantraining",
    ])
}

/// Names of a long run.
pub(crate) fn long_words() -> Vec<String> {
    list(&[
        "long run",
        "longrun",
        "long slow distance",
        "lsd",
        "sortie longue",
        "langer lauf",
        "langer dauerlauf",
        "tirada larga",
        "rodagem longa",
        "longão",
        "longao",
        "lungo",
        "lungolento",
        "lange duurloop",
        "långpass",
        "langtur",
        "langtur løb",
        "pitkä lenkki",
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokens(text)
    }

    #[test]
    fn phrases_and_suffixes() {
        let l = WordList::new(&list(&["half marathon", "*lauf", "easy"]));
        assert!(l.matches(&words("Paris Half Marathon")));
        assert!(l.matches(&words("Nachtlauf am Rhein")));
        assert!(l.matches(&words("Lauf")));
        assert!(!l.matches(&words("Uneasy half")));
        assert!(l.has_suffix(&words("Waldlauf")) && !l.has_phrase(&words("Waldlauf")));
        assert!(WordList::new(&list(&["*", "  "])).entries.is_empty());
    }

    #[test]
    fn repetitions_in_names() {
        for yes in [
            "6x800",
            "6 x 800 m",
            "10X400m",
            "HIIT 20 X 0:30/0:15",
            "5x 1 km",
            "3 x10 min",
        ] {
            assert!(has_repetitions(&words(yes)), "{yes}");
        }
        for no in ["Xmas run", "1x1", "Run 2x", "100x200", "x 5", "Morning run"] {
            assert!(!has_repetitions(&words(no)), "{no}");
        }
    }
}
