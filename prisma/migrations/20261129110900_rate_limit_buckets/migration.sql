-- CreateTable
CREATE TABLE "rate_limit_buckets" (
    "bucket" TEXT NOT NULL,
    "tat" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "rate_limit_buckets_pkey" PRIMARY KEY ("bucket")
);
