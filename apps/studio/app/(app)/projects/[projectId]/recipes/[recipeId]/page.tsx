import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { loadEditorContext } from "../_editor/load.ts";
import { RecipeEditor } from "../_editor/recipe-editor.tsx";

type Params = { params: Promise<{ projectId: string; recipeId: string }> };

async function load(projectId: string, recipeId: string) {
  const c = await loadEditorContext(projectId);
  const recipe = c.recipes.find((r) => r.id === recipeId);
  if (!recipe) notFound();
  return { ...c, recipe };
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { projectId, recipeId } = await params;
  const { recipe, project } = await load(projectId, recipeId);
  return { title: `${recipe.name} · ${project.name} · Sous` };
}

export default async function RecipePage({ params }: Params) {
  const { projectId, recipeId } = await params;
  const c = await load(projectId, recipeId);
  return (
    <RecipeEditor
      // A reload after a save elsewhere starts a fresh editor.
      key={`${c.recipe.id}@${c.recipe.revision}`}
      projectId={projectId}
      projectName={c.project.name}
      canEdit={c.role !== "VIEWER"}
      datasets={c.datasets}
      takenNames={c.takenNames}
      recipe={c.recipe}
      kind={c.recipe.spec.kind}
      initialInputs={c.recipe.inputs}
    />
  );
}
