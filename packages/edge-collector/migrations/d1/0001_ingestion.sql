CREATE TABLE `quarantine` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text,
	`event_id` text,
	`reason` text NOT NULL,
	`body` text NOT NULL,
	`quarantined_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `quarantine_site_idx` ON `quarantine` (`site_id`,`quarantined_at`);--> statement-breakpoint
ALTER TABLE `events` ADD `bot` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `browser` text;--> statement-breakpoint
ALTER TABLE `events` ADD `os` text;--> statement-breakpoint
ALTER TABLE `events` ADD `device_type` text;--> statement-breakpoint
ALTER TABLE `events` ADD `country` text;--> statement-breakpoint
ALTER TABLE `events` ADD `region` text;--> statement-breakpoint
ALTER TABLE `events` ADD `city` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `touch_at` integer;--> statement-breakpoint
ALTER TABLE `sessions` ADD `channel` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `source` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `medium` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `campaign` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `term` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `content` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `click_id_type` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `click_id` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `referrer_domain` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `landing_page` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `country` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `region` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `city` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `device_type` text;--> statement-breakpoint
CREATE INDEX `sessions_time_idx` ON `sessions` (`site_id`,`started_at`);--> statement-breakpoint
ALTER TABLE `sessions` DROP COLUMN `touch`;--> statement-breakpoint
ALTER TABLE `visitors` ADD `first_touch_at` integer;--> statement-breakpoint
ALTER TABLE `visitors` ADD `last_touch_at` integer;