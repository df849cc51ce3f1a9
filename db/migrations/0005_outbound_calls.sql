CREATE TYPE "public"."call_direction" AS ENUM('inbound', 'outbound');--> statement-breakpoint
ALTER TYPE "public"."call_outcome" ADD VALUE 'busy';--> statement-breakpoint
ALTER TYPE "public"."call_outcome" ADD VALUE 'no_answer';--> statement-breakpoint
CREATE TABLE "callback_attempts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "callback_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"request_id" integer NOT NULL,
	"call_id" uuid,
	"operator_id" integer,
	"at" timestamp (3) with time zone NOT NULL,
	"outcome" text NOT NULL,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "outbound_patterns" (
	"pattern" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "call_records" ADD COLUMN "direction" "call_direction" DEFAULT 'inbound' NOT NULL;--> statement-breakpoint
ALTER TABLE "callback_requests" ADD COLUMN "assigned_to" integer;--> statement-breakpoint
ALTER TABLE "callback_requests" ADD COLUMN "assigned_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "callback_attempts" ADD CONSTRAINT "callback_attempts_request_id_callback_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."callback_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_attempts" ADD CONSTRAINT "callback_attempts_call_id_call_records_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."call_records"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_attempts" ADD CONSTRAINT "callback_attempts_operator_id_users_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "callback_attempts_request" ON "callback_attempts" USING btree ("request_id");--> statement-breakpoint
ALTER TABLE "callback_requests" ADD CONSTRAINT "callback_requests_assigned_to_users_id_fk" FOREIGN KEY ("assigned_to") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;