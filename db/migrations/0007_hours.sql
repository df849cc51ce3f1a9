CREATE TYPE "public"."closed_action" AS ENUM('hang-up', 'voicemail', 'forward', 'queue');--> statement-breakpoint
CREATE TYPE "public"."prompt_language" AS ENUM('en', 'fr', 'ar');--> statement-breakpoint
CREATE TYPE "public"."schedule_exception_kind" AS ENUM('period', 'closure');--> statement-breakpoint
CREATE TABLE "schedule_exceptions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "schedule_exceptions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"schedule_id" integer NOT NULL,
	"kind" "schedule_exception_kind" NOT NULL,
	"from_date" date NOT NULL,
	"to_date" date NOT NULL,
	"hours" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "schedules" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "schedules_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"zone" text,
	"always_open" boolean DEFAULT false NOT NULL,
	"weekly" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schedules_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "hotline_numbers" ADD COLUMN "schedule_id" integer;--> statement-breakpoint
ALTER TABLE "hotline_numbers" ADD COLUMN "closed_action" "closed_action" DEFAULT 'hang-up' NOT NULL;--> statement-breakpoint
ALTER TABLE "hotline_numbers" ADD COLUMN "closed_target" text;--> statement-breakpoint
ALTER TABLE "hotline_numbers" ADD COLUMN "language" "prompt_language" DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE "hotline_numbers" ADD COLUMN "greeting" text;--> statement-breakpoint
ALTER TABLE "hotline_numbers" ADD COLUMN "campaign_from" date;--> statement-breakpoint
ALTER TABLE "hotline_numbers" ADD COLUMN "campaign_to" date;--> statement-breakpoint
ALTER TABLE "hotline_numbers" ADD COLUMN "menu" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "schedule_exceptions" ADD CONSTRAINT "schedule_exceptions_schedule_id_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."schedules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "schedule_exceptions_schedule" ON "schedule_exceptions" USING btree ("schedule_id");--> statement-breakpoint
ALTER TABLE "hotline_numbers" ADD CONSTRAINT "hotline_numbers_schedule_id_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."schedules"("id") ON DELETE set null ON UPDATE no action;