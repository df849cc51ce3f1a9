CREATE TABLE "recording_accesses" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "recording_accesses_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"call_id" uuid NOT NULL,
	"user_id" integer,
	"action" text NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "call_records" ADD COLUMN "recording_expires_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "call_records" ADD COLUMN "recording_deleted_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "recording_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "recording_sample_pct" integer DEFAULT 100 NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "recording_retention_days" integer;--> statement-breakpoint
ALTER TABLE "recording_accesses" ADD CONSTRAINT "recording_accesses_call_id_call_records_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."call_records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recording_accesses" ADD CONSTRAINT "recording_accesses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recording_accesses_call" ON "recording_accesses" USING btree ("call_id","at");--> statement-breakpoint
CREATE INDEX "call_records_recording_expires" ON "call_records" USING btree ("recording_expires_at") WHERE "call_records"."recording_file" is not null;