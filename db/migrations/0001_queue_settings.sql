CREATE TYPE "public"."queue_action" AS ENUM('hang-up', 'overflow', 'callback');--> statement-breakpoint
CREATE TYPE "public"."queue_join_when" AS ENUM('always', 'logged-in', 'staffed');--> statement-breakpoint
CREATE TYPE "public"."queue_leave_when" AS ENUM('never', 'none-logged-in', 'none-staffed');--> statement-breakpoint
CREATE TYPE "public"."queue_strategy" AS ENUM('longest-idle', 'round-robin', 'fewest-calls', 'least-talk-time', 'ring-all', 'skills');--> statement-breakpoint
CREATE TABLE "vip_numbers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "vip_numbers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"number" text NOT NULL,
	"priority" integer DEFAULT 1 NOT NULL,
	"label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vip_numbers_number_unique" UNIQUE("number")
);
--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "strategy" "queue_strategy" DEFAULT 'longest-idle' NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "weight" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "retry_delay_s" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "max_wait_s" integer;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "max_wait_action" "queue_action" DEFAULT 'hang-up' NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "max_wait_target_id" integer;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "max_queue_length" integer;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "queue_full_action" "queue_action" DEFAULT 'hang-up' NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "queue_full_target_id" integer;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "join_when" "queue_join_when" DEFAULT 'always' NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "leave_when" "queue_leave_when" DEFAULT 'never' NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "no_operators_action" "queue_action" DEFAULT 'hang-up' NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "no_operators_target_id" integer;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "position_announce_every_s" integer;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "periodic_announce_every_s" integer;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "tier_delays_s" integer[] DEFAULT '{0}'::integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "max_missed_offers" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "max_on_break" integer;--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_max_wait_target_id_queues_id_fk" FOREIGN KEY ("max_wait_target_id") REFERENCES "public"."queues"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_queue_full_target_id_queues_id_fk" FOREIGN KEY ("queue_full_target_id") REFERENCES "public"."queues"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_no_operators_target_id_queues_id_fk" FOREIGN KEY ("no_operators_target_id") REFERENCES "public"."queues"("id") ON DELETE set null ON UPDATE no action;