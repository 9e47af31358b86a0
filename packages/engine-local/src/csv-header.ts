/** Splits one CSV record (the header) on a delimiter, honouring quotes ("a,b" stays one field). */
export function splitCsvRecord(line: string, delimiter: string, quote: string): string[] {
  const out: string[] = [];
  let field = "";
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inQuotes) {
      if (quote && ch === quote) {
        if (line[i + 1] === quote) {
          field += quote;
          i++;
        } else inQuotes = false;
      } else field += ch;
    } else if (quote && ch === quote) inQuotes = true;
    else if (line.startsWith(delimiter, i)) {
      out.push(field);
      field = "";
      i += delimiter.length - 1;
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** Names that collide (Spark resolves columns case-insensitively, so `Id` and `id` collide) and empty names. */
export function headerProblems(names: string[]): { duplicates: string[]; emptyPositions: number[] } {
  const seen = new Map<string, string>();
  const duplicates = new Set<string>();
  const emptyPositions: number[] = [];
  names.forEach((raw, i) => {
    const name = raw.trim();
    if (!name) {
      emptyPositions.push(i + 1);
      return;
    }
    const key = name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) duplicates.add(first === name ? name : `${first}/${name}`);
    else seen.set(key, name);
  });
  return { duplicates: [...duplicates], emptyPositions };
}

const DELIMITER_CANDIDATES = [",", ";", "\t", "|"];

/** Picks the delimiter from the header line: the candidate that splits it into the most fields. */
export function detectDelimiter(headerLine: string, quote = '"'): string {
  let best = ",";
  let bestFields = 1;
  for (const d of DELIMITER_CANDIDATES) {
    const fields = splitCsvRecord(headerLine, d, quote).length;
    if (fields > bestFields) {
      best = d;
      bestFields = fields;
    }
  }
  return best;
}

/** Turns DuckDB's multi-paragraph CSV error into one sentence that names the line. */
export function describeCsvError(message: string): string {
  const line = message.match(/CSV Error on Line: (\d+)/)?.[1];
  const expected = message.match(/Expected Number of Columns: (\d+)/)?.[1];
  if (line && expected) return `line ${line} does not have the ${expected} columns of the header`;
  if (line) return `line ${line} is not valid CSV`;
  const first = message.split("\n")[0] ?? message;
  return first.replace(/^[A-Za-z ]+Error: /, "");
}
