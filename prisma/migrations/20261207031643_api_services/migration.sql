-- CreateTable
CREATE TABLE "ApiService" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "public" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ApiService_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiEndpoint" (
    "id" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "logSampleRate" DOUBLE PRECISION NOT NULL DEFAULT 0.1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ApiEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiDeployment" (
    "endpointId" TEXT NOT NULL,
    "savedModelVersionId" TEXT NOT NULL,
    "weight" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiDeployment_pkey" PRIMARY KEY ("endpointId","savedModelVersionId")
);

-- CreateTable
CREATE TABLE "ApiServiceKey" (
    "id" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiServiceKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiRequestLog" (
    "id" BIGSERIAL NOT NULL,
    "endpointId" TEXT NOT NULL,
    "savedModelVersionId" TEXT,
    "features" JSONB NOT NULL,
    "prediction" JSONB NOT NULL,
    "latencyMs" DOUBLE PRECISION NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiRequestLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiService_name_key" ON "ApiService"("name");

-- CreateIndex
CREATE INDEX "ApiService_projectId_idx" ON "ApiService"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiEndpoint_serviceId_name_key" ON "ApiEndpoint"("serviceId", "name");

-- CreateIndex
CREATE INDEX "ApiDeployment_savedModelVersionId_idx" ON "ApiDeployment"("savedModelVersionId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiServiceKey_keyHash_key" ON "ApiServiceKey"("keyHash");

-- CreateIndex
CREATE INDEX "ApiServiceKey_serviceId_idx" ON "ApiServiceKey"("serviceId");

-- CreateIndex
CREATE INDEX "ApiRequestLog_endpointId_at_idx" ON "ApiRequestLog"("endpointId", "at");

-- AddForeignKey
ALTER TABLE "ApiService" ADD CONSTRAINT "ApiService_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiEndpoint" ADD CONSTRAINT "ApiEndpoint_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "ApiService"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiDeployment" ADD CONSTRAINT "ApiDeployment_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "ApiEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiDeployment" ADD CONSTRAINT "ApiDeployment_savedModelVersionId_fkey" FOREIGN KEY ("savedModelVersionId") REFERENCES "SavedModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiServiceKey" ADD CONSTRAINT "ApiServiceKey_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "ApiService"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiRequestLog" ADD CONSTRAINT "ApiRequestLog_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "ApiEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiRequestLog" ADD CONSTRAINT "ApiRequestLog_savedModelVersionId_fkey" FOREIGN KEY ("savedModelVersionId") REFERENCES "SavedModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The API nodes keep every deployment in memory and reload when one changes: any write to a
-- service, an endpoint, a deployment or a key sends NOTIFY sous_api_change (payload: the table).
-- Triggers, not application code, so no writer (studio, a script, psql) can forget it. NOTIFY is
-- delivered at commit and identical payloads of one transaction collapse into one.
CREATE FUNCTION sous_notify_api_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('sous_api_change', TG_TABLE_NAME);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "ApiService_notify_change" AFTER INSERT OR UPDATE OR DELETE ON "ApiService"
  FOR EACH STATEMENT EXECUTE FUNCTION sous_notify_api_change();
CREATE TRIGGER "ApiEndpoint_notify_change" AFTER INSERT OR UPDATE OR DELETE ON "ApiEndpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION sous_notify_api_change();
CREATE TRIGGER "ApiDeployment_notify_change" AFTER INSERT OR UPDATE OR DELETE ON "ApiDeployment"
  FOR EACH STATEMENT EXECUTE FUNCTION sous_notify_api_change();
CREATE TRIGGER "ApiServiceKey_notify_change" AFTER INSERT OR UPDATE OR DELETE ON "ApiServiceKey"
  FOR EACH STATEMENT EXECUTE FUNCTION sous_notify_api_change();
