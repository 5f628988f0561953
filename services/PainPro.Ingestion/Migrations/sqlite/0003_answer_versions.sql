-- Answers are versions (issue 14): a revised answer is a new row and the row it replaces gets superseded_at, so every
-- answer ever given stays on record. The current answer of an item is its one row with superseded_at NULL.
-- Rows from before this migration each become the current version (response_changes keeps their earlier values).
-- SQLite cannot change a primary key in place: the table is rebuilt.
CREATE TABLE responses_versioned (
    id            TEXT NOT NULL,
    survey_id     TEXT NOT NULL,
    item          TEXT NOT NULL,
    enrollment_id TEXT NOT NULL,
    value         INTEGER NOT NULL,
    source        TEXT NOT NULL,               -- sms | web | staff
    answered_at   TEXT NOT NULL,
    entered_by    TEXT NULL,                   -- the staff member, for staff-entered answers
    superseded_at TEXT NULL,                   -- when a later version replaced this one; NULL for the current answer
    PRIMARY KEY (survey_id, item, id)
);
INSERT INTO responses_versioned (id, survey_id, item, enrollment_id, value, source, answered_at, entered_by)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
             || substr('89AB', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
       survey_id, item, enrollment_id, value, source, answered_at, entered_by
FROM responses;
DROP TABLE responses;
ALTER TABLE responses_versioned RENAME TO responses;
CREATE UNIQUE INDEX ux_responses_current ON responses (survey_id, item) WHERE superseded_at IS NULL;
CREATE INDEX ix_responses_enrollment ON responses (enrollment_id, answered_at);

-- Early replies (issue 14): a text from a number with no open survey waits (outcome 'Waiting') until a survey opens
-- for it or hold_until passes; its reply is then texted through SendSmsReply (reply_via 'sms', reply_id its id) or
-- withheld after an opt-out (reply_via 'withheld'); 'twiml' is a reply given in the webhook's own answer.
ALTER TABLE inbound_sms ADD COLUMN hold_until TEXT NULL;
ALTER TABLE inbound_sms ADD COLUMN reply_via TEXT NULL;
ALTER TABLE inbound_sms ADD COLUMN reply_id TEXT NULL;
CREATE INDEX ix_inbound_sms_waiting ON inbound_sms (from_phone, received_at) WHERE outcome = 'Waiting';
-- A number's latest opt-out or opt-in, read before texting a late reply.
CREATE INDEX ix_inbound_sms_consent ON inbound_sms (from_phone, received_at) WHERE outcome IN ('OptedOut', 'OptedIn');

-- When an answer behind the alert was last revised: the worklist and the alert page say "answer changed".
ALTER TABLE alerts ADD COLUMN answer_changed_at TEXT NULL;
