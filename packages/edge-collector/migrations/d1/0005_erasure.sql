CREATE TABLE `erasures` (
	`site_id` text NOT NULL,
	`lead_id` text NOT NULL,
	`erased_at` integer NOT NULL,
	`counts` text NOT NULL,
	PRIMARY KEY(`site_id`, `lead_id`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `suppressions` (
	`site_id` text NOT NULL,
	`identifier_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `identifier_hash`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
