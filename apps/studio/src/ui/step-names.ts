// Compiler messages name prepare steps by their id ("step_3: ..."), which the user never sees:
// the editor shows steps by name and number. This puts those back into the message.

export interface NamedStep {
  id: string;
  name?: string | undefined;
  type: string;
}

/** Step ids as the compiler writes them, alone or inside a pipeline ("0/step_3"). */
const STEP_ID = /\b(?:\d+\/)?(step_\d+)\b/g;

/**
 * "step_3: first() picks a row…" → "Step 'Trim names' (#2): first() picks a row…". Ids that match
 * no step are left as they are.
 */
export function nameSteps(
  text: string,
  steps: readonly NamedStep[],
  labelOf: (type: string) => string | undefined,
) {
  const at = new Map(steps.map((s, i) => [s.id, i]));
  return text.replace(STEP_ID, (whole, id: string) => {
    const i = at.get(id);
    if (i === undefined) return whole;
    const s = steps[i]!;
    return `Step '${s.name || labelOf(s.type) || s.type}' (#${i + 1})`;
  });
}

/** Parameter paths as visual recipes' compilers write them ("params.aggregations.0"). */
const PARAM_PATH = /\bparams\.([A-Za-z]+(?:\.(?:[A-Za-z]+|\d+))*)/g;

/**
 * "params.aggregations.0: first of …" → "Aggregation 1: first of …": the other recipes' messages
 * point at a parameter by its path, which the form shows as a numbered row.
 */
export function nameParamPaths(text: string): string {
  return text.replace(PARAM_PATH, (_whole, rest: string) => {
    const words: string[] = [];
    for (const p of rest.split(".")) {
      if (/^\d+$/.test(p)) words.push(`${(words.pop() ?? "").replace(/s$/, "")} ${Number(p) + 1}`);
      else words.push(p.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase());
    }
    const s = words.join(" › ");
    return s.charAt(0).toUpperCase() + s.slice(1);
  });
}
