"use client";

import type { ApiKeyCreatedSchema, ApiKeySchema } from "@sous/contracts";
import { useState } from "react";
import type { z } from "zod";
import { apiCall } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { Field, FormError, Input } from "@/ui/field.tsx";
import { formatDate } from "@/ui/format.ts";
import { CheckIcon, CopyIcon, KeyIcon, PlusIcon } from "@/ui/icons.tsx";
import { EmptyState, Panel } from "@/ui/panel.tsx";
import { useToast } from "@/ui/toast.tsx";
import { useFormSubmit } from "@/ui/use-form-submit.ts";

type ApiKey = z.infer<typeof ApiKeySchema>;
type ApiKeyCreated = z.infer<typeof ApiKeyCreatedSchema>;

function KeyRow({ k, onRevoked }: { k: ApiKey; onRevoked: (id: string) => void }) {
  const toast = useToast();
  // Two steps: a revoked key breaks every script using it, so ask once, in place.
  const [confirming, setConfirming] = useState(false);
  // Stays busy after success: the row leaves the list.
  const { busy, error, run } = useFormSubmit(async () => {
    await apiCall("DELETE /me/api-keys/{keyId}", { params: { keyId: k.id } });
    onRevoked(k.id);
    toast(`Revoked ${k.name}.`, "success");
  });
  return (
    <li className="key-item" data-testid="api-key-item" data-key-name={k.name}>
      <span className="node-icon" aria-hidden="true">
        <KeyIcon size={18} />
      </span>
      <div className="key-main">
        <div className="key-name">{k.name}</div>
        <div className="key-meta">
          <span className="mono">{k.prefix}…</span> · created {formatDate(k.createdAt)} ·{" "}
          {k.lastUsedAt ? `last used ${formatDate(k.lastUsedAt)}` : "never used"}
        </div>
        <FormError message={error} />
      </div>
      {confirming ? (
        <div className="side-actions">
          <Button
            variant="danger"
            size="sm"
            loading={busy}
            data-testid="confirm-revoke"
            onClick={() => void run()}
          >
            Revoke now
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setConfirming(false)} disabled={busy}>
            Keep
          </Button>
        </div>
      ) : (
        <Button
          size="sm"
          variant="danger"
          data-testid="revoke-api-key"
          aria-label={`Revoke ${k.name}`}
          onClick={() => setConfirming(true)}
        >
          Revoke
        </Button>
      )}
    </li>
  );
}

export function ApiKeys({ initialKeys }: { initialKeys: ApiKey[] }) {
  const [keys, setKeys] = useState(initialKeys);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [copied, setCopied] = useState(false);

  const { busy, error, onSubmit } = useFormSubmit(
    async () => {
      const k = await apiCall("POST /me/api-keys", { body: { name } });
      setCreated(k);
      setCopied(false);
      const { key: _secret, ...listed } = k;
      setKeys((ks) => [listed, ...ks]);
      setName("");
    },
    { afterSuccess: "ready" },
  );

  async function copy() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      // Clipboard access can be denied (http, permissions): the key stays selectable by hand.
      setCopied(false);
    }
  }

  return (
    <div className="stack-24">
      <Panel title="API keys">
        <form className="form-stack" onSubmit={onSubmit} aria-label="Create an API key">
          <p className="muted">
            Scripts and CI use API keys to call the Sous REST API as you: send{" "}
            <code>Authorization: Bearer &lt;key&gt;</code>.
          </p>
          <div className="form-row">
            <Field label="Key name" className="grow" hint="What will use it, e.g. “nightly build”.">
              {({ id, describedBy }) => (
                <Input
                  id={id}
                  data-testid="api-key-name"
                  required
                  maxLength={128}
                  aria-describedby={describedBy}
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                />
              )}
            </Field>
            <Button
              type="submit"
              variant="primary"
              icon={<PlusIcon />}
              loading={busy}
              data-testid="create-api-key"
              style={{ marginBottom: 20 }}
            >
              Create key
            </Button>
          </div>
          <FormError message={error} testId="api-key-error" />
          {created ? (
            <div className="secret-box" data-testid="new-api-key-box">
              <div>
                <strong>Copy this key now.</strong> It is shown only once: Sous stores only its hash. Anyone
                with the key can act as you.
              </div>
              <div className="secret-value">
                <code data-testid="new-api-key">{created.key}</code>
                <Button
                  icon={copied ? <CheckIcon /> : <CopyIcon />}
                  onClick={copy}
                  data-testid="copy-api-key"
                >
                  {copied ? "Copied" : "Copy"}
                </Button>
              </div>
              <div>
                <Button size="sm" variant="ghost" className="btn-inline" onClick={() => setCreated(null)}>
                  I have stored it, hide it
                </Button>
              </div>
            </div>
          ) : null}
        </form>
      </Panel>
      <Panel title={`Active keys${keys.length ? ` (${keys.length})` : ""}`} className="flush-panel">
        {keys.length === 0 ? (
          <EmptyState icon={<KeyIcon size={24} />} title="No API keys" testId="api-keys-empty">
            Create one above when a script needs to call Sous.
          </EmptyState>
        ) : (
          <ul className="key-list" data-testid="api-key-list">
            {keys.map((k) => (
              <KeyRow key={k.id} k={k} onRevoked={(id) => setKeys((ks) => ks.filter((x) => x.id !== id))} />
            ))}
          </ul>
        )}
      </Panel>
    </div>
  );
}
