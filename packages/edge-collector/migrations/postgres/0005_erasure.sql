CREATE TABLE "erasures" (
	"site_id" text NOT NULL,
	"lead_id" text NOT NULL,
	"erased_at" timestamp (3) with time zone NOT NULL,
	"counts" jsonb NOT NULL,
	CONSTRAINT "erasures_site_id_lead_id_pk" PRIMARY KEY("site_id","lead_id")
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"site_id" text NOT NULL,
	"identifier_hash" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "suppressions_site_id_identifier_hash_pk" PRIMARY KEY("site_id","identifier_hash")
);
--> statement-breakpoint
ALTER TABLE "erasures" ADD CONSTRAINT "erasures_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suppressions" ADD CONSTRAINT "suppressions_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;