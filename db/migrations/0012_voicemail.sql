ALTER TYPE "public"."call_outcome" ADD VALUE 'voicemail' BEFORE 'rejected';--> statement-breakpoint
ALTER TABLE "callback_requests" ADD COLUMN "message_ms" integer;--> statement-breakpoint
ALTER TABLE "hotline_numbers" ADD COLUMN "voicemail_max_s" integer;