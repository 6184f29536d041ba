CREATE TABLE "quarantine" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text,
	"event_id" text,
	"reason" text NOT NULL,
	"body" text NOT NULL,
	"quarantined_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "bot" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "browser" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "os" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "device_type" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "country" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "region" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "city" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "touch_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "channel" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "source" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "medium" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "campaign" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "term" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "content" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "click_id_type" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "click_id" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "referrer_domain" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "landing_page" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "country" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "region" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "city" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "device_type" text;--> statement-breakpoint
ALTER TABLE "visitors" ADD COLUMN "first_touch_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "visitors" ADD COLUMN "last_touch_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "quarantine_site_idx" ON "quarantine" USING btree ("site_id","quarantined_at");--> statement-breakpoint
CREATE INDEX "sessions_time_idx" ON "sessions" USING btree ("site_id","started_at");--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "touch";