/**
 * Looks at the first bytes of an upload and says whether it can be a text CSV: not empty,
 * no NUL bytes (binary formats have them early), valid UTF-8 apart from a cut-off last character.
 */
export function sniffText(
  head: Buffer,
): { ok: true; text: string } | { ok: false; reason: "empty" | "binary" } {
  if (head.length === 0) return { ok: false, reason: "empty" };
  if (head.includes(0)) return { ok: false, reason: "binary" };
  // Drop a possibly truncated multi-byte character at the end of the sample before decoding.
  let end = head.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = head[end - back] ?? 0;
    if ((b & 0xc0) === 0xc0) {
      end -= back;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, end));
    let controls = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // Tab, newline, form feed and carriage return are text; other C0 controls are not.
      if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) controls++;
    }
    if (controls > text.length / 100) return { ok: false, reason: "binary" };
    return { ok: true, text: text.replace(/^\uFEFF/, "") };
  } catch {
    return { ok: false, reason: "binary" };
  }
}
