CREATE TABLE "identity_versions" (
	"site_id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lead_identifiers" (
	"site_id" text NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"lead_id" text NOT NULL,
	"first_seen_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "lead_identifiers_site_id_kind_value_pk" PRIMARY KEY("site_id","kind","value")
);
--> statement-breakpoint
CREATE TABLE "lead_merges" (
	"site_id" text NOT NULL,
	"from_lead_id" text NOT NULL,
	"into_lead_id" text NOT NULL,
	"event_id" text NOT NULL,
	"merged_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "lead_merges_site_id_from_lead_id_pk" PRIMARY KEY("site_id","from_lead_id")
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"site_id" text NOT NULL,
	"id" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"merged_into" text,
	"status" text NOT NULL,
	"score" integer NOT NULL,
	"notified_score" integer NOT NULL,
	"score_reasons" jsonb NOT NULL,
	"email" text,
	"phone" text,
	"name" text,
	"traits" jsonb NOT NULL,
	CONSTRAINT "leads_site_id_id_pk" PRIMARY KEY("site_id","id")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"site_id" text NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"lead_id" text,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "outbox_site_id_id_pk" PRIMARY KEY("site_id","id")
);
--> statement-breakpoint
CREATE TABLE "scoring_rules" (
	"site_id" text PRIMARY KEY NOT NULL,
	"rules" jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "visitor_links" (
	"site_id" text NOT NULL,
	"event_id" text NOT NULL,
	"anonymous_id" text NOT NULL,
	"lead_id" text NOT NULL,
	"linked_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "visitor_links_site_id_event_id_pk" PRIMARY KEY("site_id","event_id")
);
--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "ignored_identifiers" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "identity_versions" ADD CONSTRAINT "identity_versions_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_identifiers" ADD CONSTRAINT "lead_identifiers_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_merges" ADD CONSTRAINT "lead_merges_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_rules" ADD CONSTRAINT "scoring_rules_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visitor_links" ADD CONSTRAINT "visitor_links_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lead_identifiers_lead_idx" ON "lead_identifiers" USING btree ("site_id","lead_id");--> statement-breakpoint
CREATE INDEX "leads_email_idx" ON "leads" USING btree ("site_id","email");--> statement-breakpoint
CREATE INDEX "leads_phone_idx" ON "leads" USING btree ("site_id","phone");--> statement-breakpoint
CREATE INDEX "leads_merged_into_idx" ON "leads" USING btree ("site_id","merged_into");--> statement-breakpoint
CREATE INDEX "outbox_time_idx" ON "outbox" USING btree ("site_id","occurred_at");--> statement-breakpoint
CREATE INDEX "visitor_links_visitor_idx" ON "visitor_links" USING btree ("site_id","anonymous_id");--> statement-breakpoint
CREATE INDEX "visitor_links_lead_idx" ON "visitor_links" USING btree ("site_id","lead_id");