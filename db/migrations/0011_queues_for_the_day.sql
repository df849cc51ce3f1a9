CREATE TABLE "queue_member_days" (
	"day" text NOT NULL,
	"user_id" integer NOT NULL,
	"queue_id" integer NOT NULL,
	"level" integer,
	"set_by" integer,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "queue_member_days_day_user_id_queue_id_pk" PRIMARY KEY("day","user_id","queue_id")
);
--> statement-breakpoint
ALTER TABLE "queue_member_days" ADD CONSTRAINT "queue_member_days_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_member_days" ADD CONSTRAINT "queue_member_days_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_member_days" ADD CONSTRAINT "queue_member_days_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;