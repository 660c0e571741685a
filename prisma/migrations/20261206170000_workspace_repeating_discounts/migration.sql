-- SPEC F10: "forever discounts subtracted (repeating ones by a workspace setting)". Off by
-- default, as Stripe's own MRR counts only forever coupons; changing it re-maps the contacts.

-- AlterTable
ALTER TABLE "workspaces" ADD COLUMN     "include_repeating_discounts" BOOLEAN NOT NULL DEFAULT false;
