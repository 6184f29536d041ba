CREATE TABLE `conversions` (
	`site_id` text NOT NULL,
	`id` text PRIMARY KEY NOT NULL,
	`lead_id` text NOT NULL,
	`stage` text NOT NULL,
	`value_minor` integer,
	`currency` text,
	`occurred_at` integer NOT NULL,
	`external_id` text,
	`request_hash` text NOT NULL,
	`properties` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversions_external_id_idx` ON `conversions` (`site_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `conversions_lead_idx` ON `conversions` (`site_id`,`lead_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `conversions_occurred_idx` ON `conversions` (`site_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `costs` (
	`site_id` text NOT NULL,
	`day` text NOT NULL,
	`source` text NOT NULL,
	`medium` text NOT NULL,
	`campaign` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `day`, `source`, `medium`, `campaign`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`site_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `key`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_created_idx` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `name` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `scopes` text DEFAULT '["read","write"]' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `last_used_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `owner` text;--> statement-breakpoint
ALTER TABLE `leads` ADD `api_traits` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `leads` ADD `stage_at` integer;--> statement-breakpoint
CREATE INDEX `leads_updated_idx` ON `leads` (`site_id`,`updated_at`,`id`);--> statement-breakpoint
-- A write key only collects: it has no REST scopes.
UPDATE `api_keys` SET `scopes` = '[]' WHERE `kind` = 'write';