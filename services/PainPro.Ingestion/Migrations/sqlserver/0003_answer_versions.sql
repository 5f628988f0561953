-- Answers are versions (issue 14): a revised answer is a new row and the row it replaces gets superseded_at, so every
-- answer ever given stays on record. The current answer of an item is its one row with superseded_at NULL.
-- Rows from before this migration each become the current version (response_changes keeps their earlier values).
-- (GO: SQL Server compiles a batch whole, so a column is used only in a batch after the one that adds it.)
ALTER TABLE responses ADD id uniqueidentifier NULL;
ALTER TABLE responses ADD superseded_at datetimeoffset(7) NULL;
GO
UPDATE responses SET id = NEWID();
ALTER TABLE responses ALTER COLUMN id uniqueidentifier NOT NULL;
ALTER TABLE responses DROP CONSTRAINT responses_pkey;
-- (survey, item, id): a survey's answers and an item's versions. SQL Server does not order UUIDv7 ids by time, so
-- queries that need the stored order order by answered_at on this dialect.
ALTER TABLE responses ADD CONSTRAINT responses_pkey PRIMARY KEY (survey_id, item, id);
CREATE UNIQUE INDEX ux_responses_current ON responses (survey_id, item) WHERE superseded_at IS NULL;

-- Early replies (issue 14): a text from a number with no open survey waits (outcome 'Waiting') until a survey opens
-- for it or hold_until passes; its reply is then texted through SendSmsReply (reply_via 'sms', reply_id its id) or
-- withheld after an opt-out (reply_via 'withheld'); 'twiml' is a reply given in the webhook's own answer.
ALTER TABLE inbound_sms ADD hold_until datetimeoffset(7) NULL;
ALTER TABLE inbound_sms ADD reply_via nvarchar(max) NULL;
ALTER TABLE inbound_sms ADD reply_id uniqueidentifier NULL;
GO
CREATE INDEX ix_inbound_sms_waiting ON inbound_sms (from_phone, received_at) WHERE outcome = 'Waiting';
-- A number's latest opt-out or opt-in, read before texting a late reply.
CREATE INDEX ix_inbound_sms_consent ON inbound_sms (from_phone, received_at) WHERE outcome IN ('OptedOut', 'OptedIn');

-- When an answer behind the alert was last revised: the worklist and the alert page say "answer changed".
GO
ALTER TABLE alerts ADD answer_changed_at datetimeoffset(7) NULL;
