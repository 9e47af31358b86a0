/**
 * A Java replacement string (`$1` group references, `\x` escapes a character) as an RE2 one
 * (`\1` group references, `\\` a backslash). Returns null for what RE2 cannot express
 * (named groups `${name}`).
 */
export function javaReplacementToRe2(java: string): string | null {
  let out = "";
  for (let i = 0; i < java.length; i++) {
    const c = java[i]!;
    if (c === "\\") {
      const next = java[i + 1];
      if (next === undefined) return null;
      out += next === "\\" ? "\\\\" : next;
      i++;
    } else if (c === "$") {
      const digit = java[i + 1];
      if (digit === undefined || !/[0-9]/.test(digit)) return null;
      out += `\\${digit}`;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}
