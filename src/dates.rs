//! Date helpers that know nothing of Auth0, on the `time` crate: epoch milliseconds as the
//! ISO-8601 text JavaScript's `Date.prototype.toISOString` writes for years 0 to 9999, and that
//! text read back (jiff's parser).

use time::OffsetDateTime;

/// Milliseconds in one Gregorian cycle of 400 years (146,097 days): the calendar repeats after
/// it, so a date outside the `time` crate's years (±9999) is computed one cycle at a time.
const CYCLE_MS: i64 = 146_097 * 86_400_000;

/// Milliseconds since the epoch as an ISO-8601 UTC timestamp (`2024-06-01T09:30:00.000Z`).
///
/// For years 0 to 9999 this is exactly what `new Date(ms).toISOString()` writes. Other years are
/// written as plain numbers of at least four characters (`10000`, `-001`), not in JavaScript's
/// six-digit `+010000` form.
pub fn iso_from_ms(ms: i64) -> String {
    // An `i64` of milliseconds reaches 292 million years; `time` stops at 9999: move the date
    // by whole cycles into its range, then add the cycles' years back.
    let mut cycles = 0i64;
    let mut shifted = ms;
    let date = loop {
        match OffsetDateTime::from_unix_timestamp_nanos(i128::from(shifted) * 1_000_000) {
            Ok(date) => break date,
            Err(_) => {
                let step = (shifted / CYCLE_MS / 2).clamp(-1_000_000, 1_000_000);
                let step = if step == 0 { shifted.signum() } else { step };
                shifted -= step * CYCLE_MS;
                cycles += step;
            }
        }
    };
    let year = i64::from(date.year()) + cycles * 400;
    format!(
        "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        u8::from(date.month()),
        date.day(),
        date.hour(),
        date.minute(),
        date.second(),
        date.millisecond()
    )
}

/// An ISO-8601 timestamp (`2024-06-01T09:30:00.000Z`) as milliseconds since the epoch, through
/// jiff's parser; `None` for text that is no timestamp.
pub fn ms_from_iso(text: &str) -> Option<i64> {
    text.parse::<jiff::Timestamp>().ok().map(|t| t.as_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_text_reads_back_to_its_milliseconds() {
        for ms in [0, 1_717_234_200_000, 951_782_400_123, -86_400_000] {
            assert_eq!(ms_from_iso(&iso_from_ms(ms)), Some(ms), "{ms}");
        }
        assert_eq!(ms_from_iso("yesterday"), None);
    }

    /// The expected texts are what Node's `new Date(ms).toISOString()` prints.
    #[test]
    fn iso_dates_as_javascript_writes_them() {
        assert_eq!(iso_from_ms(1_717_234_200_000), "2024-06-01T09:30:00.000Z");
        assert_eq!(iso_from_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_from_ms(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(iso_from_ms(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(iso_from_ms(4_107_542_399_999), "2100-02-28T23:59:59.999Z");
        assert_eq!(iso_from_ms(253_402_300_799_999), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn years_beyond_four_digits_keep_the_calendar() {
        // 400 Gregorian years later, the same day and time of day.
        assert_eq!(iso_from_ms(253_402_300_800_000), "10000-01-01T00:00:00.000Z");
        assert_eq!(iso_from_ms(1_717_234_200_000 + 100 * CYCLE_MS), "42024-06-01T09:30:00.000Z");
        assert_eq!(iso_from_ms(-62_198_755_200_000), "-001-01-01T00:00:00.000Z");
        assert_eq!(iso_from_ms(i64::MAX).len(), "292278994-08-17T07:12:55.807Z".len());
        assert!(iso_from_ms(i64::MIN).starts_with('-'));
    }
}
