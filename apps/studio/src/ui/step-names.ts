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
