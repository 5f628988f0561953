-- The SurveyDue a claimed send is for, kept only while the send is unsettled: when its sender dies mid-call, the
-- sweeper sends it again from this (contact details included, so it is cleared as soon as the send settles).
ALTER TABLE deliveries ADD request nvarchar(max) NULL;
-- 1 once the attempt was sent again after an interrupted send: it is never resumed a second time.
ALTER TABLE deliveries ADD resumed integer NOT NULL DEFAULT 0;
