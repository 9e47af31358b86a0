import { describe, expect, it } from "vitest";
import { CsvSegmenter, type SegmenterDialect } from "./csv-segmenter.ts";

const DOUBLED: SegmenterDialect = { quote: '"', escape: '"', preambleRecords: 1 };
const BACKSLASH: SegmenterDialect = { quote: '"', escape: "\\", preambleRecords: 1 };

/** The segments the text is cut into, fed in chunks of `chunk` bytes. */
function segmentsOf(text: string, dialect: SegmenterDialect, segmentBytes: number, chunk: number) {
  const s = new CsvSegmenter(dialect, segmentBytes);
  const buf = Buffer.from(text);
  const segments: string[] = [];
  let current: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) {
    for (const p of s.push(buf.subarray(i, i + chunk))) {
      current.push(p.bytes);
      if (p.last) {
        segments.push(Buffer.concat(current).toString());
        current = [];
      }
    }
  }
  if (current.length) segments.push(Buffer.concat(current).toString());
  return { segments, preamble: s.preamble?.toString() ?? null };
}

/** Offsets just past each record's end, read byte by byte as DuckDB's state machine reads them. */
function recordEnds(text: string, quote: string, esc: string): Set<number> {
  const ends = new Set<number>();
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (esc !== quote && ch === esc) i++;
      else if (ch === quote) inQuotes = false;
    } else if (ch === quote) inQuotes = true;
    else if (ch === "\n") ends.add(i + 1);
  }
  return ends;
}

/** Every cut is a record end: the first whose newline lies at or past `segmentBytes` from the segment's start. */
function checkCuts(
  text: string,
  segments: string[],
  d: SegmenterDialect,
  segmentBytes: number,
  skip: number,
) {
  expect(segments.join("")).toBe(text);
  const ends = [...recordEnds(text, d.quote, d.escape)].sort((a, b) => a - b);
  let at = 0;
  segments.forEach((seg, k) => {
    const from = k === 0 ? skip : at;
    at += seg.length;
    if (k === segments.length - 1) return;
    expect(ends).toContain(at);
    expect(ends.find((e) => e > from + segmentBytes)).toBe(at);
  });
}

describe("CsvSegmenter", () => {
  it("cuts at the first newline past the segment size, whatever the chunk size", () => {
    const text = `id,name\n${Array.from({ length: 200 }, (_, i) => `${i},n${i}`).join("\n")}\n`;
    for (const chunk of [1, 3, 7, 64, 4096]) {
      const { segments, preamble } = segmentsOf(text, DOUBLED, 100, chunk);
      expect(preamble).toBe("id,name\n");
      expect(segments.length).toBeGreaterThan(10);
      checkCuts(text, segments, DOUBLED, 100, "id,name\n".length);
      for (const seg of segments) expect(seg.endsWith("\n")).toBe(true);
    }
  });

  it("never cuts inside a quoted value with newlines, across chunk boundaries", () => {
    const rows = Array.from({ length: 300 }, (_, i) =>
      i % 3 === 0 ? `${i},"multi\nline ""quoted"", with\n\nnewlines"` : `${i},"a,b"`,
    );
    const text = `id,note\n${rows.join("\n")}\n`;
    for (const chunk of [1, 2, 5, 33, 1000]) {
      const { segments } = segmentsOf(text, DOUBLED, 50, chunk);
      checkCuts(text, segments, DOUBLED, 50, "id,note\n".length);
      for (const seg of segments) expect(recordEnds(seg, '"', '"').has(seg.length)).toBe(true);
    }
  });

  it("with a backslash escape, an escaped quote (also at a chunk's end) does not close the value", () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i},"say \\"hi\\"\nthere \\\\",x`);
    const text = `id,note,z\n${rows.join("\n")}\n`;
    for (const chunk of [1, 2, 3, 11, 512]) {
      const { segments } = segmentsOf(text, BACKSLASH, 40, chunk);
      checkCuts(text, segments, BACKSLASH, 40, "id,note,z\n".length);
      // Each segment holds whole records of 2 lines each (the first also the header).
      segments.forEach((seg, k) => {
        expect(seg.split("\n").length % 2).toBe(k === 0 ? 0 : 1);
      });
    }
  });

  it("keeps CRLF line ends whole: a cut comes after the LF", () => {
    const text = `a;b\r\n${Array.from({ length: 100 }, (_, i) => `${i};"x\r\ny"`).join("\r\n")}\r\n`;
    const { segments, preamble } = segmentsOf(text, { ...DOUBLED, preambleRecords: 1 }, 30, 7);
    expect(preamble).toBe("a;b\r\n");
    expect(segments.length).toBeGreaterThan(5);
    for (const seg of segments) expect(seg.endsWith('"\r\n')).toBe(true);
    checkCuts(text, segments, DOUBLED, 30, 5);
  });

  it("keeps skipped lines and a header with a quoted newline as the preamble, not counted in the first segment", () => {
    const head = 'Report of May\nexported by x\n"id","the\nnote"\n';
    const text = `${head}${Array.from({ length: 50 }, (_, i) => `${i},v`).join("\n")}\n`;
    const { segments, preamble } = segmentsOf(text, { ...DOUBLED, preambleRecords: 3 }, 20, 4);
    expect(preamble).toBe(head);
    expect(segments[0]?.startsWith(head)).toBe(true);
    checkCuts(text, segments, DOUBLED, 20, head.length);
  });

  it("without a header there is no preamble and the first segment counts from the first byte", () => {
    const text = `${Array.from({ length: 50 }, (_, i) => `${i},v`).join("\n")}\n`;
    const { segments, preamble } = segmentsOf(text, { ...DOUBLED, preambleRecords: 0 }, 20, 9);
    expect(preamble).toBe("");
    checkCuts(text, segments, DOUBLED, 20, 0);
  });

  it("a record longer than a segment is one segment of its own, cut at its end", () => {
    const long = `1,"${"x\n".repeat(500)}"`;
    const text = `a,b\n0,s\n${long}\n2,s\n3,s\n`;
    const { segments } = segmentsOf(text, DOUBLED, 10, 64);
    expect(segments).toEqual([`a,b\n0,s\n${long}\n`, "2,s\n3,s\n"]);
  });

  it("a file without a final newline ends with what is left", () => {
    const text = "a\n1\n2\n3\n4";
    const { segments } = segmentsOf(text, { ...DOUBLED, preambleRecords: 1 }, 2, 1);
    expect(segments).toEqual(["a\n1\n2\n", "3\n4"]);
  });

  it("without a quote character, quotes are data and every newline ends a record", () => {
    const text = 'a\n"1\n2\n3"\n';
    const { segments } = segmentsOf(text, { quote: "", escape: "", preambleRecords: 1 }, 1, 100);
    expect(segments).toEqual(['a\n"1\n', "2\n", '3"\n']);
  });
});
