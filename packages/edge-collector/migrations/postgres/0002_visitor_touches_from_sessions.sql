ALTER TABLE "visitors" DROP COLUMN "first_touch_at";--> statement-breakpoint
ALTER TABLE "visitors" DROP COLUMN "first_touch";--> statement-breakpoint
ALTER TABLE "visitors" DROP COLUMN "last_touch_at";--> statement-breakpoint
ALTER TABLE "visitors" DROP COLUMN "last_touch";