import { InvalidStorageKeyError } from "./errors.ts";

// Paths derive from ids only, never from user-given names: names change and may contain
// anything, ids are stable and safe as path segments.
const ID = /^[A-Za-z0-9_-]{1,64}$/;

function id(kind: string, value: string): string {
  if (typeof value !== "string" || !ID.test(value)) {
    throw new InvalidStorageKeyError(String(value), `${kind} must match ${ID}`);
  }
  return value;
}

/** "projects/<p>/datasets/<d>/versions/<v>/": one immutable folder per dataset version. */
export function datasetVersionPrefix(args: {
  projectId: string;
  datasetId: string;
  versionId: string;
}): string {
  return `projects/${id("projectId", args.projectId)}/datasets/${id("datasetId", args.datasetId)}/versions/${id("versionId", args.versionId)}/`;
}

/** "projects/<p>/uploads/<u>/": raw files a user uploaded, before an import turns them into a version. */
export function uploadPrefix(args: { projectId: string; uploadId: string }): string {
  return `projects/${id("projectId", args.projectId)}/uploads/${id("uploadId", args.uploadId)}/`;
}

/** "projects/<p>/ml/trainings/<t>/": every artifact of one Lab training (fitted pipelines, portable models, chart data). */
export function mlTrainingPrefix(args: { projectId: string; trainingId: string }): string {
  return `projects/${id("projectId", args.projectId)}/ml/trainings/${id("trainingId", args.trainingId)}/`;
}
