CREATE TABLE "weekly_reviews" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "weekly_reviews_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"from_day" text NOT NULL,
	"to_day" text NOT NULL,
	"calls" integer NOT NULL,
	"strengths" jsonb NOT NULL,
	"weaknesses" jsonb NOT NULL,
	"generated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "weekly_reviews_from_day_unique" UNIQUE("from_day")
);
--> statement-breakpoint
ALTER TABLE "organisation" ADD COLUMN "service_level_target_pct" integer DEFAULT 80 NOT NULL;