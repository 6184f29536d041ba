CREATE TABLE `identity_versions` (
	`site_id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `lead_identifiers` (
	`site_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`lead_id` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `kind`, `value`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `lead_identifiers_lead_idx` ON `lead_identifiers` (`site_id`,`lead_id`);--> statement-breakpoint
CREATE TABLE `lead_merges` (
	`site_id` text NOT NULL,
	`from_lead_id` text NOT NULL,
	`into_lead_id` text NOT NULL,
	`event_id` text NOT NULL,
	`merged_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `from_lead_id`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `leads` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`merged_into` text,
	`status` text NOT NULL,
	`score` integer NOT NULL,
	`notified_score` integer NOT NULL,
	`score_reasons` text NOT NULL,
	`email` text,
	`phone` text,
	`name` text,
	`traits` text NOT NULL,
	PRIMARY KEY(`site_id`, `id`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `leads_email_idx` ON `leads` (`site_id`,`email`);--> statement-breakpoint
CREATE INDEX `leads_phone_idx` ON `leads` (`site_id`,`phone`);--> statement-breakpoint
CREATE INDEX `leads_merged_into_idx` ON `leads` (`site_id`,`merged_into`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`lead_id` text,
	`occurred_at` integer NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`site_id`, `id`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `outbox_time_idx` ON `outbox` (`site_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `scoring_rules` (
	`site_id` text PRIMARY KEY NOT NULL,
	`rules` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `visitor_links` (
	`site_id` text NOT NULL,
	`event_id` text NOT NULL,
	`anonymous_id` text NOT NULL,
	`lead_id` text NOT NULL,
	`linked_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `event_id`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `visitor_links_visitor_idx` ON `visitor_links` (`site_id`,`anonymous_id`);--> statement-breakpoint
CREATE INDEX `visitor_links_lead_idx` ON `visitor_links` (`site_id`,`lead_id`);--> statement-breakpoint
ALTER TABLE `sites` ADD `ignored_identifiers` text DEFAULT '[]' NOT NULL;