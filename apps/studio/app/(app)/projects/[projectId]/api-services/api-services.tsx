"use client";

import Link from "next/link";
import { type FormEvent, useCallback, useEffect, useMemo, useState } from "react";
import type {
  ApiServiceMetrics,
  ApiServiceView,
  DeployableVersion,
} from "@/shared/api/api-service-schemas.ts";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Badge } from "@/ui/badge.tsx";
import { Button } from "@/ui/button.tsx";
import { Field, FormError, Input, Select, Textarea } from "@/ui/field.tsx";
import { formatDate, plural } from "@/ui/format.ts";
import { KeyIcon, PlayIcon, PlusIcon, TrashIcon } from "@/ui/icons.tsx";
import { EmptyState, Panel } from "@/ui/panel.tsx";
import { useToast } from "@/ui/toast.tsx";
import { TrafficCharts } from "./traffic-charts.tsx";

// A project's API services: create one from a saved model version, see its URL, keys, traffic
// split, its traffic (counters and latency the API nodes write to Postgres each minute), and call
// it with a test row. Every change is a REST call; the API node picks it up by itself (NOTIFY), so
// nothing here talks to the node but the test form, through the studio.

type Endpoint = ApiServiceView["endpoints"][number];
/** The path parameters of a service's routes. */
type ServiceIds = { projectId: string; serviceId: string };

const versionLabel = (v: DeployableVersion) =>
  `${v.savedModelName} v${v.number} (${v.algorithm})${v.servable ? "" : " · not servable yet"}`;

export function ApiServices({
  projectId,
  initialServices,
  versions,
  canEdit,
  isAdmin,
}: {
  projectId: string;
  initialServices: ApiServiceView[];
  versions: DeployableVersion[];
  canEdit: boolean;
  isAdmin: boolean;
}) {
  const [services, setServices] = useState(initialServices);
  const replace = (s: ApiServiceView) => setServices((all) => all.map((x) => (x.id === s.id ? s : x)));
  return (
    <div className="stack-24">
      {canEdit ? (
        <Panel title="New API service">
          {versions.length ? (
            <CreateServiceForm
              projectId={projectId}
              versions={versions}
              onCreated={(s) =>
                setServices((all) => [...all, s].sort((a, b) => a.name.localeCompare(b.name)))
              }
            />
          ) : (
            <p className="muted">
              Save a model from the Lab first: an endpoint serves a saved model version.
            </p>
          )}
        </Panel>
      ) : null}
      {services.length === 0 ? (
        <EmptyState title="No API service yet" testId="api-services-empty">
          An API service answers predictions over HTTP, e.g. POST /public/api/v1/churn/score/predict.
        </EmptyState>
      ) : (
        services.map((s) => (
          <ServiceCard
            key={s.id}
            projectId={projectId}
            service={s}
            versions={versions}
            canEdit={canEdit}
            isAdmin={isAdmin}
            onChange={replace}
            onDeleted={() => setServices((all) => all.filter((x) => x.id !== s.id))}
          />
        ))
      )}
    </div>
  );
}

function CreateServiceForm({
  projectId,
  versions,
  onCreated,
}: {
  projectId: string;
  versions: DeployableVersion[];
  onCreated: (s: ApiServiceView) => void;
}) {
  const toast = useToast();
  const [name, setName] = useState("");
  const [endpoint, setEndpoint] = useState("predict");
  const [versionId, setVersionId] = useState(versions.find((v) => v.servable)?.id ?? versions[0]?.id ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await apiCall("POST /projects/{projectId}/api-services", {
        params: { projectId },
        body: { name, endpoint: { name: endpoint, savedModelVersionId: versionId } },
      });
      onCreated(s);
      toast(`API service ${s.name} created; create a key to call it.`, "success");
      setName("");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} data-testid="create-api-service">
      <div className="api-form-row">
        <Field label="Service name" hint="the URL's first segment">
          {({ id }) => (
            <Input
              id={id}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="churn"
              required
              data-testid="api-service-name"
            />
          )}
        </Field>
        <Field label="Endpoint name">
          {({ id }) => (
            <Input
              id={id}
              value={endpoint}
              onChange={(e) => setEndpoint(e.target.value)}
              required
              data-testid="api-endpoint-name"
            />
          )}
        </Field>
        <Field label="Saved model version">
          {({ id }) => (
            <Select
              id={id}
              value={versionId}
              onChange={(e) => setVersionId(e.target.value)}
              data-testid="api-version"
            >
              {versions.map((v) => (
                <option key={v.id} value={v.id}>
                  {versionLabel(v)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Button
          type="submit"
          variant="primary"
          icon={<PlusIcon />}
          disabled={busy || !name || !versionId}
          data-testid="create-api-service-submit"
        >
          Create
        </Button>
      </div>
      <FormError message={error} />
    </form>
  );
}

function ServiceCard({
  projectId,
  service,
  versions,
  canEdit,
  isAdmin,
  onChange,
  onDeleted,
}: {
  projectId: string;
  service: ApiServiceView;
  versions: DeployableVersion[];
  canEdit: boolean;
  isAdmin: boolean;
  onChange: (s: ApiServiceView) => void;
  onDeleted: () => void;
}) {
  const toast = useToast();
  const ids: ServiceIds = useMemo(() => ({ projectId, serviceId: service.id }), [projectId, service.id]);
  async function setPublic(value: boolean) {
    try {
      onChange(
        await apiCall("PATCH /projects/{projectId}/api-services/{serviceId}", {
          params: ids,
          body: { public: value },
        }),
      );
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  async function remove() {
    if (!window.confirm(`Delete API service ${service.name}? Callers get 404 at once.`)) return;
    try {
      await apiCall("DELETE /projects/{projectId}/api-services/{serviceId}", { params: ids });
      onDeleted();
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  return (
    <Panel
      testId={`api-service-${service.name}`}
      title={
        <>
          {service.name}{" "}
          {service.public ? (
            <Badge tone="warning">public</Badge>
          ) : (
            <Badge tone="accent">API key required</Badge>
          )}
        </>
      }
      actions={
        <>
          {isAdmin ? (
            <Button size="sm" variant="ghost" onClick={() => void setPublic(!service.public)}>
              {service.public ? "Require a key" : "Make public"}
            </Button>
          ) : null}
          {canEdit ? (
            <Button size="sm" variant="ghost" icon={<TrashIcon />} onClick={() => void remove()}>
              Delete
            </Button>
          ) : null}
        </>
      }
    >
      {service.endpoints.map((e) => (
        <div key={e.id} className="api-section" data-testid={`api-endpoint-${e.name}`}>
          <h3>Endpoint {e.name}</h3>
          <div className="api-url" data-testid="api-endpoint-url">
            POST {service.url}/{e.name}/predict · predict-multi
          </div>
          <SplitEditor ids={ids} endpoint={e} versions={versions} canEdit={canEdit} onChange={onChange} />
          {canEdit ? <RequestLogExport ids={ids} service={service} endpoint={e} /> : null}
        </div>
      ))}
      <Counters ids={ids} />
      <Keys ids={ids} service={service} canEdit={canEdit} onChange={onChange} />
      <TestForm ids={ids} service={service} />
    </Panel>
  );
}

/** The endpoint's sampled request log as a dataset (new, or its next version): data for monitoring. */
function RequestLogExport({
  ids,
  service,
  endpoint,
}: {
  ids: ServiceIds;
  service: ApiServiceView;
  endpoint: Endpoint;
}) {
  const toast = useToast();
  const [name, setName] = useState(`${service.name}_${endpoint.name}_requests`);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<{ id: string; name: string; version: number; rows: number } | null>(
    null,
  );
  async function save(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    try {
      const d = await apiCall(
        "POST /projects/{projectId}/api-services/{serviceId}/endpoints/{endpointId}/request-log/dataset",
        { params: { ...ids, endpointId: endpoint.id }, body: { name } },
      );
      setSaved({
        id: d.id,
        name: d.name,
        version: d.currentVersion?.number ?? 1,
        rows: d.currentVersion?.rowCount ?? 0,
      });
    } catch (err) {
      toast(errorMessage(err), "error");
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="api-key-form" data-testid="request-log-export" onSubmit={(ev) => void save(ev)}>
      <Input
        aria-label={`Dataset name for the request log of ${endpoint.name}`}
        value={name}
        onChange={(ev) => setName(ev.target.value)}
      />
      <Button size="sm" type="submit" disabled={busy || !name.trim()} data-testid="save-request-log">
        {busy ? "Saving…" : "Save request log as dataset"}
      </Button>
      {saved ? (
        <Link href={`/projects/${ids.projectId}/datasets/${saved.id}`} data-testid="request-log-dataset">
          {saved.name} v{saved.version} · {plural(saved.rows, "row")}
        </Link>
      ) : null}
    </form>
  );
}

function SplitEditor({
  ids,
  endpoint,
  versions,
  canEdit,
  onChange,
}: {
  ids: ServiceIds;
  endpoint: Endpoint;
  versions: DeployableVersion[];
  canEdit: boolean;
  onChange: (s: ApiServiceView) => void;
}) {
  const toast = useToast();
  const initial = endpoint.deployments.map((d) => ({ id: d.version.id, weight: d.weight }));
  const [rows, setRows] = useState(initial);
  const total = rows.reduce((a, r) => a + r.weight, 0) || 1;
  const dirty = JSON.stringify(rows) !== JSON.stringify(initial);
  async function save() {
    try {
      onChange(
        await apiCall(
          "PUT /projects/{projectId}/api-services/{serviceId}/endpoints/{endpointId}/deployments",
          {
            params: { ...ids, endpointId: endpoint.id },
            body: { deployments: rows.map((r) => ({ savedModelVersionId: r.id, weight: r.weight })) },
          },
        ),
      );
      toast(
        `Endpoint ${endpoint.name}: traffic split saved; the API node applies it within a second.`,
        "success",
      );
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  const unused = versions.filter((v) => !rows.some((r) => r.id === v.id));
  return (
    <div className="api-split" data-testid="api-split">
      {rows.map((r, i) => {
        const v = versions.find((x) => x.id === r.id);
        return (
          <span key={r.id} className="api-split">
            <Badge tone="success">
              {v ? versionLabel(v) : r.id} · {Math.round((r.weight / total) * 100)}%
            </Badge>
            {canEdit ? (
              <>
                <Input
                  type="number"
                  min={1}
                  max={1000}
                  aria-label={`weight of ${v ? versionLabel(v) : r.id}`}
                  value={r.weight}
                  onChange={(e) =>
                    setRows(
                      rows.map((x, k) =>
                        k === i ? { ...x, weight: Math.max(1, Number(e.target.value)) } : x,
                      ),
                    )
                  }
                />
                {rows.length > 1 ? (
                  <Button size="sm" variant="ghost" onClick={() => setRows(rows.filter((_, k) => k !== i))}>
                    Remove
                  </Button>
                ) : null}
              </>
            ) : null}
          </span>
        );
      })}
      {canEdit && unused.length ? (
        <Select
          aria-label="Add a version to the split"
          data-testid="api-split-add"
          value=""
          onChange={(e) =>
            // A version joins with the first one's weight: an even split, the usual start of an A/B test.
            e.target.value && setRows([...rows, { id: e.target.value, weight: rows[0]?.weight ?? 100 }])
          }
        >
          <option value="">Add a version…</option>
          {unused.map((v) => (
            <option key={v.id} value={v.id}>
              {versionLabel(v)}
            </option>
          ))}
        </Select>
      ) : null}
      {canEdit && dirty ? (
        <Button size="sm" variant="primary" onClick={() => void save()} data-testid="save-split">
          Save split
        </Button>
      ) : null}
    </div>
  );
}

function Counters({ ids }: { ids: ServiceIds }) {
  const [m, setM] = useState<ApiServiceMetrics | null>(null);
  const load = useCallback(async () => {
    try {
      setM(await apiCall("GET /projects/{projectId}/api-services/{serviceId}/metrics", { params: ids }));
    } catch {
      setM(null);
    }
  }, [ids]);
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => clearInterval(t);
  }, [load]);
  return (
    <div className="api-section" data-testid="api-counters">
      <h3>Traffic (every API node, since each endpoint was created; refreshed every 5 s)</h3>
      {!m ? (
        <span className="muted">Loading…</span>
      ) : (
        m.endpoints.map((e) => (
          <div key={e.endpointId} className="api-endpoint-traffic" data-testid={`api-traffic-${e.endpoint}`}>
            <div className="api-counters">
              <Counter
                label={`${e.endpoint}: requests`}
                value={String(e.requests)}
                testId="api-count-requests"
              />
              <Counter label="predictions" value={String(e.predictions)} testId="api-count-predictions" />
              <Counter label="4xx / 5xx" value={`${e.clientErrors} / ${e.serverErrors}`} />
              <Counter
                label="p50, last hour"
                value={e.latencyMs ? `${e.latencyMs.p50.toFixed(2)} ms` : "–"}
              />
              <Counter
                label="p99, last hour"
                value={e.latencyMs ? `${e.latencyMs.p99.toFixed(2)} ms` : "–"}
              />
              <Counter label="API node processes" value={String(e.processes)} />
            </div>
            {e.requests === 0 ? (
              <span className="muted">
                No request yet (the API nodes write their figures every few seconds).
              </span>
            ) : (
              <TrafficCharts
                minutes={e.minutes}
                windowMinutes={m.windowMinutes}
                asOf={m.asOf}
                endpoint={e.endpoint}
              />
            )}
          </div>
        ))
      )}
    </div>
  );
}

function Counter({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="api-counter" data-testid={testId}>
      <b>{value}</b>
      <span>{label}</span>
    </div>
  );
}

function Keys({
  ids,
  service,
  canEdit,
  onChange,
}: {
  ids: ServiceIds;
  service: ApiServiceView;
  canEdit: boolean;
  onChange: (s: ApiServiceView) => void;
}) {
  const toast = useToast();
  const [name, setName] = useState("");
  const [created, setCreated] = useState<string | null>(null);
  const refresh = async () => {
    const all = await apiCall("GET /projects/{projectId}/api-services", {
      params: { projectId: ids.projectId },
    });
    const s = all.find((x) => x.id === service.id);
    if (s) onChange(s);
  };
  async function create(e: FormEvent) {
    e.preventDefault();
    try {
      const k = await apiCall("POST /projects/{projectId}/api-services/{serviceId}/keys", {
        params: ids,
        body: { name },
      });
      setCreated(k.key);
      setName("");
      await refresh();
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  async function revoke(id: string) {
    try {
      await apiCall("DELETE /projects/{projectId}/api-services/{serviceId}/keys/{keyId}", {
        params: { ...ids, keyId: id },
      });
      await refresh();
    } catch (err) {
      toast(errorMessage(err), "error");
    }
  }
  const endpoint = service.endpoints[0]?.name ?? "predict";
  const row = JSON.stringify(
    Object.fromEntries((service.endpoints[0]?.features ?? []).map((f) => [f.name, f.example])),
  );
  return (
    <div className="api-section" data-testid="api-keys">
      <h3>Keys {service.public ? "(not needed: the service is public)" : ""}</h3>
      {service.keys.length ? (
        <table className="data-table">
          <tbody>
            {service.keys.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td className="mono">{k.prefix}…</td>
                <td>{formatDate(k.createdAt)}</td>
                <td>
                  {canEdit ? (
                    <Button size="sm" variant="ghost" onClick={() => void revoke(k.id)}>
                      Revoke
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <span className="muted">No key yet.</span>
      )}
      {canEdit ? (
        <form onSubmit={create} className="api-key-form">
          <Input
            aria-label="Key name"
            data-testid="api-key-name"
            placeholder="key name, e.g. crm-app"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <Button
            type="submit"
            size="sm"
            icon={<KeyIcon />}
            disabled={!name.trim()}
            data-testid="create-api-key"
          >
            Create key
          </Button>
        </form>
      ) : null}
      {created ? (
        <div className="api-key-once" data-testid="api-key-created">
          Copy this key now; it is not shown again: {created}
        </div>
      ) : null}
      <pre className="api-curl">{`curl -u "${created ?? "$KEY"}:" -H "content-type: application/json" \\
  -d '{"features": ${row}}' ${service.url}/${endpoint}/predict`}</pre>
    </div>
  );
}

function TestForm({ ids, service }: { ids: ServiceIds; service: ApiServiceView }) {
  const [endpoint, setEndpoint] = useState(service.endpoints[0]?.name ?? "");
  const e = service.endpoints.find((x) => x.name === endpoint);
  const example = JSON.stringify(
    Object.fromEntries((e?.features ?? []).map((f) => [f.name, f.example])),
    null,
    2,
  );
  const [features, setFeatures] = useState(example);
  const [answer, setAnswer] = useState<{ status: number; body: unknown } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function fromTraining() {
    setError(null);
    try {
      const r = await apiCall("GET /projects/{projectId}/api-services/{serviceId}/training-row", {
        params: ids,
        query: { endpoint },
      });
      setFeatures(JSON.stringify(r.features, null, 2));
    } catch (err) {
      setError(errorMessage(err));
    }
  }
  async function send(ev: FormEvent) {
    ev.preventDefault();
    setError(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(features);
    } catch {
      setError("The features are not valid JSON.");
      return;
    }
    if (!isRecord(parsed)) {
      setError('The features must be a JSON object, e.g. {"age": 42}.');
      return;
    }
    setBusy(true);
    try {
      setAnswer(
        await apiCall("POST /projects/{projectId}/api-services/{serviceId}/test", {
          params: ids,
          body: { endpoint, features: parsed },
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="api-section" onSubmit={send} data-testid="api-test-form">
      <h3>Test (prefilled with each feature's imputation value; or take a row of the training data)</h3>
      <div className="api-test">
        <div className="api-section">
          {service.endpoints.length > 1 ? (
            <Select
              aria-label="Endpoint"
              value={endpoint}
              onChange={(x) => {
                setEndpoint(x.target.value);
                const next = service.endpoints.find((y) => y.name === x.target.value);
                setFeatures(
                  JSON.stringify(
                    Object.fromEntries((next?.features ?? []).map((f) => [f.name, f.example])),
                    null,
                    2,
                  ),
                );
              }}
            >
              {service.endpoints.map((x) => (
                <option key={x.id}>{x.name}</option>
              ))}
            </Select>
          ) : null}
          <Textarea
            aria-label="Features"
            data-testid="api-test-features"
            rows={8}
            value={features}
            onChange={(x) => setFeatures(x.target.value)}
          />
          <div>
            <Button
              type="submit"
              icon={<PlayIcon />}
              disabled={busy || !endpoint}
              data-testid="api-test-send"
            >
              Send
            </Button>{" "}
            <Button
              type="button"
              variant="ghost"
              onClick={() => void fromTraining()}
              data-testid="api-test-training-row"
            >
              Row from the training data
            </Button>
          </div>
          <FormError message={error} />
        </div>
        <pre data-testid="api-test-answer">
          {answer
            ? `HTTP ${answer.status}\n${JSON.stringify(answer.body, null, 2)}`
            : "The API node's answer appears here."}
        </pre>
      </div>
    </form>
  );
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
