/**
 * Every Spark datetime pattern letter (https://spark.apache.org/docs/latest/sql-ref-datetime-pattern.html),
 * in format mode (a timestamp to text) and in parse mode (text to a timestamp), with lenient
 * inputs: missing zero padding, surrounding spaces, other letter case, two-digit years, trailing
 * text, out-of-range fields. The week-based letters (Y w u e c W) are rejected by Spark 3+.
 */
export interface DatePatternCase {
  pattern: string;
  about: string;
  /** Parse mode inputs; absent: the pattern is only used to format. */
  parse?: readonly (string | null)[];
}

/** Timestamps every format pattern is applied to. */
export const FORMAT_INPUTS: readonly (string | null)[] = [
  "2024-03-05 14:07:09.123456",
  "2024-02-29 00:00:00",
  "2024-12-30 23:59:59.999",
  "0999-06-15 12:00:00",
  "1969-12-31 23:59:59",
  "2021-01-03 09:05:00",
  null,
];

export const DATE_PATTERNS: readonly DatePatternCase[] = [
  { pattern: "G", about: "era" },
  { pattern: "yyyy", about: "year", parse: ["2024", " 2024", "2024 ", "24", "20245", "0999"] },
  { pattern: "yy", about: "two-digit year", parse: ["24", "69", "70", "99", "00", "2024", "7"] },
  { pattern: "y", about: "year, minimum digits", parse: ["2024", "24", "999", "7"] },
  { pattern: "yyy", about: "three-letter year", parse: ["2024", "999"] },
  { pattern: "u", about: "week-based letter u (rejected since Spark 3)" },
  { pattern: "Y", about: "week-based year (rejected since Spark 3)" },
  { pattern: "w", about: "week of year (rejected since Spark 3)" },
  { pattern: "D", about: "day of year", parse: ["60", "060", "366", "0"] },
  { pattern: "DDD", about: "day of year, padded", parse: ["060", "60", "366"] },
  {
    pattern: "yyyy-MM-dd",
    about: "ISO date",
    parse: [
      "2024-03-05",
      "2024-3-5",
      " 2024-03-05",
      "2024-03-05 ",
      "2024-13-01",
      "2024-02-30",
      "2023-02-29",
      "24-03-05",
      "2024-03-05T10:00",
      "2024/03/05",
    ],
  },
  { pattern: "yyyy-M-d", about: "unpadded month and day", parse: ["2024-3-5", "2024-03-05", "2024-12-31"] },
  {
    pattern: "dd/MM/yyyy",
    about: "European date",
    parse: ["05/03/2024", "5/3/2024", "31/04/2024", "05/03/24"],
  },
  {
    pattern: "MM/dd/yy",
    about: "US date, two-digit year",
    parse: ["03/05/24", "03/05/69", "03/05/70", "3/5/24"],
  },
  { pattern: "MMM", about: "short month name", parse: ["Mar", "mar", "MAR", "March"] },
  { pattern: "MMMM", about: "full month name", parse: ["March", "march", "Mar"] },
  { pattern: "MMMMM", about: "narrow month (format only)" },
  { pattern: "LLL", about: "stand-alone month", parse: ["Mar"] },
  {
    pattern: "d MMM yyyy",
    about: "day month-name year",
    parse: ["5 Mar 2024", "05 Mar 2024", "5 mar 2024", "5 March 2024"],
  },
  { pattern: "Q", about: "quarter" },
  { pattern: "QQQ", about: "quarter text" },
  { pattern: "qqqq", about: "stand-alone quarter" },
  { pattern: "E", about: "day-of-week text", parse: ["Tue"] },
  {
    pattern: "EEEE, d MMMM yyyy",
    about: "full day name",
    parse: ["Tuesday, 5 March 2024", "Monday, 5 March 2024"],
  },
  { pattern: "EEE", about: "short day name" },
  { pattern: "F", about: "aligned week of month" },
  { pattern: "a", about: "am-pm" },
  { pattern: "hh:mm a", about: "12-hour clock", parse: ["02:07 PM", "2:07 pm", "12:00 AM", "13:00 PM"] },
  { pattern: "h", about: "clock hour of am-pm" },
  { pattern: "K", about: "hour of am-pm 0-11" },
  { pattern: "k", about: "clock hour 1-24", parse: ["24", "1", "0"] },
  { pattern: "HH:mm:ss", about: "time", parse: ["14:07:09", "14:7:9", "24:00:00", "23:59:60"] },
  { pattern: "H:m:s", about: "unpadded time", parse: ["9:5:0", "09:05:00"] },
  {
    pattern: "yyyy-MM-dd HH:mm:ss",
    about: "timestamp",
    parse: [
      "2024-03-05 14:07:09",
      "2024-03-05 14:07",
      "2024-03-05T14:07:09",
      "2024-03-31 02:30:00",
      "2024-03-05  14:07:09",
    ],
  },
  {
    pattern: "yyyy-MM-dd'T'HH:mm:ss",
    about: "quoted literal T",
    parse: ["2024-03-05T14:07:09", "2024-03-05 14:07:09"],
  },
  { pattern: "S", about: "fraction, one digit" },
  { pattern: "SSS", about: "milliseconds", parse: ["123", "12", "1234"] },
  { pattern: "SSSSSS", about: "microseconds", parse: ["123456", "123"] },
  {
    pattern: "yyyy-MM-dd HH:mm:ss.SSS",
    about: "timestamp with millis",
    parse: ["2024-03-05 14:07:09.123", "2024-03-05 14:07:09.1", "2024-03-05 14:07:09"],
  },
  {
    pattern: "yyyy-MM-dd HH:mm:ss[.SSS]",
    about: "optional section",
    parse: ["2024-03-05 14:07:09.123", "2024-03-05 14:07:09"],
  },
  { pattern: "VV", about: "zone id" },
  { pattern: "z", about: "zone name" },
  { pattern: "O", about: "localized offset" },
  { pattern: "XXX", about: "ISO offset", parse: ["+01:00", "Z"] },
  {
    pattern: "yyyy-MM-dd HH:mmXXX",
    about: "timestamp with offset",
    parse: ["2024-03-05 14:07+01:00", "2024-03-05 14:07Z", "2024-03-05 14:07"],
  },
  { pattern: "x", about: "offset x" },
  { pattern: "Z", about: "offset Z", parse: ["+0100", "-0530"] },
  { pattern: "''yyyy''", about: "quote escape" },
  { pattern: "'Q'Q yyyy '100%'", about: "literal text and percent" },
  { pattern: "yyyyMMdd", about: "compact date", parse: ["20240305", "2024035", "202403055"] },
  { pattern: "yyyyMMddHHmmss", about: "compact timestamp", parse: ["20240305140709"] },
];
