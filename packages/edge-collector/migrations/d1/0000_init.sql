CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`kind` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_site_idx` ON `api_keys` (`site_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`anonymous_id` text NOT NULL,
	`session_id` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`page_url` text NOT NULL,
	`page_path` text NOT NULL,
	`page_title` text,
	`referrer` text,
	`name` text,
	`payload` text NOT NULL,
	PRIMARY KEY(`site_id`, `id`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `events_visitor_idx` ON `events` (`site_id`,`anonymous_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `events_time_idx` ON `events` (`site_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`anonymous_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`last_event_at` integer NOT NULL,
	`touch` text,
	PRIMARY KEY(`site_id`, `id`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_visitor_idx` ON `sessions` (`site_id`,`anonymous_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `site_origins` (
	`site_id` text NOT NULL,
	`origin` text NOT NULL,
	PRIMARY KEY(`site_id`, `origin`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `site_origins_origin_idx` ON `site_origins` (`origin`);--> statement-breakpoint
CREATE TABLE `sites` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`allowed_origins` text NOT NULL,
	`timezone` text NOT NULL,
	`default_country` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `visitors` (
	`site_id` text NOT NULL,
	`anonymous_id` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`first_touch` text,
	`last_touch` text,
	PRIMARY KEY(`site_id`, `anonymous_id`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
