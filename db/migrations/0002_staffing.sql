CREATE TABLE "operator_shifts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "operator_shifts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" integer NOT NULL,
	"days" integer[] NOT NULL,
	"start_minute" integer NOT NULL,
	"end_minute" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pause_reasons" (
	"code" text PRIMARY KEY NOT NULL,
	"label" text,
	"max_minutes" integer,
	"limited" boolean DEFAULT false NOT NULL,
	"built_in" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "operator_shifts" ADD CONSTRAINT "operator_shifts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "operator_shifts_user" ON "operator_shifts" USING btree ("user_id");--> statement-breakpoint
INSERT INTO "pause_reasons" ("code", "max_minutes", "limited", "built_in") VALUES ('break', 15, true, true), ('lunch', 60, true, true), ('training', NULL, false, true);
