import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { recipeKindInfo, recipeKindLabel } from "@/ui/recipe-kinds.ts";
import { loadEditorContext } from "../_editor/load.ts";
import { RecipeEditor } from "../_editor/recipe-editor.tsx";

type Props = {
  params: Promise<{ projectId: string }>;
  searchParams: Promise<{ kind?: string; input?: string | string[] }>;
};

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  const { kind } = await searchParams;
  return { title: `New ${recipeKindLabel(kind ?? "")} recipe · Sous` };
}

// /projects/:id/recipes/new?kind=join&input=<datasetId>[&input=...]: a draft, saved by "Create recipe".
export default async function NewRecipePage({ params, searchParams }: Props) {
  const { projectId } = await params;
  const { kind = "", input } = await searchParams;
  if (!recipeKindInfo(kind)) notFound();
  const c = await loadEditorContext(projectId);
  const known = new Set(c.datasets.map((d) => d.id));
  const inputs = (Array.isArray(input) ? input : input ? [input] : []).filter((id) => known.has(id));
  return (
    <RecipeEditor
      key={`${kind}:${inputs.join(",")}`}
      projectId={projectId}
      projectName={c.project.name}
      canEdit={c.role !== "VIEWER"}
      datasets={c.datasets}
      takenNames={c.takenNames}
      recipe={null}
      kind={kind}
      initialInputs={inputs}
    />
  );
}
