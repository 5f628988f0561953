-- Survey link tokens are kept only encrypted with the Data Protection key ring (DESIGN §8: no service stores a link
-- token in plain text); reminders decrypt them to send the same link. Rows written before this migration hold the
-- plain token until SurveyLinkTokens' start-up conversion encrypts them.
EXEC sp_rename N'surveys.link_token', N'link_token_protected', N'COLUMN';

-- The audit page lists views newest first, across patients.
CREATE INDEX patient_views_viewed_at ON patient_views (viewed_at);
