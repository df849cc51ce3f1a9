-- Trigram similarity (pg_trgm, a trusted extension: the database owner may create it; PGlite loads it in db/client.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "answer_uses" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "answer_uses_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"answer_id" integer NOT NULL,
	"call_id" uuid,
	"user_id" integer,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversation_scripts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "conversation_scripts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"queue_id" integer,
	"locale" text NOT NULL,
	"steps" text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "directory_entries" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "directory_entries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"department" text DEFAULT '' NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"phones" text[] DEFAULT '{}'::text[] NOT NULL,
	"email" text DEFAULT '' NOT NULL,
	"competences" text[] DEFAULT '{}'::text[] NOT NULL,
	"hours" text DEFAULT '' NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"search_text" text DEFAULT '' NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, "name" || ' ' || "department" || ' ' || "title" || ' ' || "search_text")) STORED NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organisation" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"localized_names" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"purpose" text DEFAULT '' NOT NULL,
	"default_locale" text DEFAULT 'en' NOT NULL,
	"country" text,
	"history_days" integer DEFAULT 365 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prepared_answers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "prepared_answers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"topic" text NOT NULL,
	"question" text NOT NULL,
	"variants" text[] NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"sensitive" boolean DEFAULT false NOT NULL,
	"queue_ids" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"locale" text DEFAULT 'en' NOT NULL,
	"reviewed_at" date,
	"search_text" text DEFAULT '' NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector((CASE "locale" WHEN 'en' THEN 'english'::regconfig WHEN 'fr' THEN 'french'::regconfig ELSE 'simple'::regconfig END), "question"), 'A') || setweight(to_tsvector((CASE "locale" WHEN 'en' THEN 'english'::regconfig WHEN 'fr' THEN 'french'::regconfig ELSE 'simple'::regconfig END), "topic" || ' ' || "search_text"), 'B')) STORED NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "topics" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "topics_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"queue_id" integer NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wrap_up_drafts" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"call_id" uuid NOT NULL,
	"topic" text DEFAULT '' NOT NULL,
	"outcome_detail" text DEFAULT '' NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"answer_ids" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"extended" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "call_records" ADD COLUMN "outcome_detail" text;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "topic_required" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "wrap_up_extend_s" integer;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "auto_answer" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "answer_uses" ADD CONSTRAINT "answer_uses_answer_id_prepared_answers_id_fk" FOREIGN KEY ("answer_id") REFERENCES "public"."prepared_answers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "answer_uses" ADD CONSTRAINT "answer_uses_call_id_call_records_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."call_records"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "answer_uses" ADD CONSTRAINT "answer_uses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_scripts" ADD CONSTRAINT "conversation_scripts_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topics" ADD CONSTRAINT "topics_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wrap_up_drafts" ADD CONSTRAINT "wrap_up_drafts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wrap_up_drafts" ADD CONSTRAINT "wrap_up_drafts_call_id_call_records_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."call_records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "answer_uses_answer" ON "answer_uses" USING btree ("answer_id");--> statement-breakpoint
CREATE INDEX "answer_uses_call" ON "answer_uses" USING btree ("call_id");--> statement-breakpoint
CREATE UNIQUE INDEX "conversation_scripts_queue_locale" ON "conversation_scripts" USING btree (coalesce("queue_id", 0),"locale");--> statement-breakpoint
CREATE INDEX "directory_entries_search" ON "directory_entries" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "directory_entries_name_trgm" ON "directory_entries" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "prepared_answers_search" ON "prepared_answers" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "prepared_answers_question_trgm" ON "prepared_answers" USING gin ("question" gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "topics_queue_name" ON "topics" USING btree ("queue_id",lower("name"));--> statement-breakpoint
CREATE INDEX "call_records_caller_tail" ON "call_records" USING btree (right(regexp_replace("caller_number", '[^0-9]', '', 'g'), 8),"arrived_at");