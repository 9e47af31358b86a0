import { getEngineOptions, getProjectEngine } from "@/server/services/databricks-engine-choice.ts";
import { requireUser } from "../../../../_lib/session.ts";
import { EnginePicker } from "./engine-picker.tsx";
import "./project-engine.css";

/**
 * The project's default engine (local, or a Databricks connection + compute profile), shown
 * above the Flow. Recipes follow it unless they override it. Editors change it; viewers read it.
 */
export async function ProjectEngine({ projectId, canEdit }: { projectId: string; canEdit: boolean }) {
  const user = await requireUser();
  const [{ engine }, options] = await Promise.all([getProjectEngine(projectId), getEngineOptions(user.id)]);
  return <EnginePicker projectId={projectId} canEdit={canEdit} initialEngine={engine} options={options} />;
}
