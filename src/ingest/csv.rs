//! RFC 4180 CSV, as export metadata (Strava `activities.csv`) is written: the one
//! parser [`super::labels`] reads it with.

/// One CSV record and the line it starts on (1-based).
#[derive(Debug, PartialEq)]
pub(crate) struct Record {
    pub(crate) line: usize,
    pub(crate) fields: Vec<String>,
}

/// Parses RFC 4180 CSV: comma-separated fields, double-quoted fields that may hold
/// commas, line breaks and doubled quotes; CRLF, LF or CR line ends; a leading BOM;
/// blank lines ignored. A quote inside an unquoted field is kept as text (lenient, as
/// most readers are). Errors: a quoted field never closed, text after a closing quote.
pub(crate) fn parse_csv(text: &str) -> Result<Vec<Record>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut record_line = 1;
    // Nothing of the current field / record read yet.
    let mut field_start = true;
    let mut record_empty = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if field_start => {
                let opened = line;
                loop {
                    match chars.next() {
                        None => return Err(format!("line {opened}: quoted field never closed")),
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(ch) => {
                            // CRLF counts once, at its LF.
                            if ch == '\n' || (ch == '\r' && chars.peek() != Some(&'\n')) {
                                line += 1;
                            }
                            field.push(ch);
                        }
                    }
                }
                match chars.peek() {
                    None | Some(',' | '\n' | '\r') => {}
                    Some(other) => {
                        return Err(format!(
                            "line {line}: {other:?} after the closing quote of a field"
                        ));
                    }
                }
                field_start = false;
                record_empty = false;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                field_start = true;
                record_empty = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                if !record_empty {
                    fields.push(std::mem::take(&mut field));
                    records.push(Record {
                        line: record_line,
                        fields: std::mem::take(&mut fields),
                    });
                }
                field_start = true;
                record_empty = true;
                line += 1;
                record_line = line;
            }
            other => {
                field.push(other);
                field_start = false;
                record_empty = false;
            }
        }
    }
    if !record_empty {
        fields.push(field);
        records.push(Record {
            line: record_line,
            fields,
        });
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<Vec<String>> {
        parse_csv(text)
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.fields)
            .collect()
    }

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        let text = "\u{feff}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n1,,3";
        assert_eq!(
            fields(text),
            vec![
                vec!["a", "b", "c"],
                vec!["x, y", "say \"hi\"", "two\r\nlines"],
                vec!["1", "", "3"],
            ]
        );
        let lines: Vec<usize> = parse_csv(text)
            .unwrap_or_default()
            .iter()
            .map(|r| r.line)
            .collect();
        assert_eq!(lines, vec![1, 2, 4]);
    }

    #[test]
    fn blank_lines_and_lone_cr_and_trailing_newline() {
        assert_eq!(
            fields("a,b\n\n1,2\r3,4\n"),
            vec![vec!["a", "b"], vec!["1", "2"], vec!["3", "4"]]
        );
        assert_eq!(fields(",\n"), vec![vec!["", ""]]);
        assert_eq!(fields("a\"b,c"), vec![vec!["a\"b", "c"]]);
        assert!(fields("").is_empty());
    }

    #[test]
    fn malformed_quotes_are_errors_with_the_line() {
        assert_eq!(
            parse_csv("a,b\n1,\"open\n2,3\n"),
            Err("line 2: quoted field never closed".to_string())
        );
        assert_eq!(
            parse_csv("a,b\n\"x\"y,1\n"),
            Err("line 2: 'y' after the closing quote of a field".to_string())
        );
    }
}
