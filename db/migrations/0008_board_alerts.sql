ALTER TYPE "public"."role" ADD VALUE 'wallboard';--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "alert_sl_below_pct" integer;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "alert_wait_over_s" integer;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "alert_nobody_available" boolean DEFAULT true NOT NULL;