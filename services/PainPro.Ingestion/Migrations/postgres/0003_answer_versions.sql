-- Answers are versions (issue 14): a revised answer is a new row and the row it replaces gets superseded_at, so every
-- answer ever given stays on record. The current answer of an item is its one row with superseded_at NULL.
-- Rows from before this migration each become the current version (response_changes keeps their earlier values).
ALTER TABLE responses ADD COLUMN id uuid;
UPDATE responses SET id = gen_random_uuid();
ALTER TABLE responses ALTER COLUMN id SET NOT NULL;
ALTER TABLE responses ADD COLUMN superseded_at timestamptz NULL;
ALTER TABLE responses DROP CONSTRAINT responses_pkey;
-- (survey, item, id): a survey's answers and an item's versions in the order they were stored (ids are UUIDv7).
ALTER TABLE responses ADD PRIMARY KEY (survey_id, item, id);
CREATE UNIQUE INDEX ux_responses_current ON responses (survey_id, item) WHERE superseded_at IS NULL;

-- Early replies (issue 14): a text from a number with no open survey waits (outcome 'Waiting') until a survey opens
-- for it or hold_until passes; its reply is then texted through SendSmsReply (reply_via 'sms', reply_id its id) or
-- withheld after an opt-out (reply_via 'withheld'); 'twiml' is a reply given in the webhook's own answer.
ALTER TABLE inbound_sms ADD COLUMN hold_until timestamptz NULL;
ALTER TABLE inbound_sms ADD COLUMN reply_via text NULL;
ALTER TABLE inbound_sms ADD COLUMN reply_id uuid NULL;
CREATE INDEX ix_inbound_sms_waiting ON inbound_sms (from_phone, received_at) WHERE outcome = 'Waiting';
-- A number's latest opt-out or opt-in, read before texting a late reply.
CREATE INDEX ix_inbound_sms_consent ON inbound_sms (from_phone, received_at) WHERE outcome IN ('OptedOut', 'OptedIn');

-- When an answer behind the alert was last revised: the worklist and the alert page say "answer changed".
ALTER TABLE alerts ADD COLUMN answer_changed_at timestamptz NULL;
