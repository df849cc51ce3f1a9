ALTER TABLE "call_records" ADD COLUMN "recording_file" text;--> statement-breakpoint
CREATE INDEX "call_records_arrived_id" ON "call_records" USING btree ("arrived_at","id");--> statement-breakpoint
CREATE INDEX "call_records_wait_id" ON "call_records" USING btree (coalesce(coalesce("answered_at", "ended_at") - "queued_at", interval '0'),"id");--> statement-breakpoint
CREATE INDEX "call_records_outcome_arrived" ON "call_records" USING btree ("outcome","arrived_at");--> statement-breakpoint
CREATE INDEX "call_records_topic_arrived" ON "call_records" USING btree ("topic","arrived_at");--> statement-breakpoint
CREATE INDEX "call_records_dialed_arrived" ON "call_records" USING btree ("dialed_number","arrived_at");--> statement-breakpoint
CREATE INDEX "call_records_caller_trgm" ON "call_records" USING gin ("caller_number" gin_trgm_ops);