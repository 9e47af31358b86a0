-- CreateTable
CREATE TABLE "ApiEndpointMinute" (
    "endpointId" TEXT NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "processId" TEXT NOT NULL,
    "requests" INTEGER NOT NULL,
    "predictions" INTEGER NOT NULL,
    "clientErrors" INTEGER NOT NULL,
    "serverErrors" INTEGER NOT NULL,
    "byVersion" JSONB NOT NULL,
    "p50Ms" DOUBLE PRECISION NOT NULL,
    "p95Ms" DOUBLE PRECISION NOT NULL,
    "p99Ms" DOUBLE PRECISION NOT NULL,
    "maxMs" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiEndpointMinute_pkey" PRIMARY KEY ("endpointId","minute","processId")
);

-- CreateIndex
CREATE INDEX "ApiEndpointMinute_minute_idx" ON "ApiEndpointMinute"("minute");

-- AddForeignKey
ALTER TABLE "ApiEndpointMinute" ADD CONSTRAINT "ApiEndpointMinute_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "ApiEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;
