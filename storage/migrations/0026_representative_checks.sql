-- Issue 14 (parents): who the legal representative of a minor is must be checkable.
-- The representative's consent carries the phone number they shared with Telegram's own
-- contact button (Telegram vouches that it is theirs); the curator confirms the
-- representative against the school's records or records that a paper consent was received
-- (how, who, when); until then the minor is not matched. The phone is the representative's
-- personal data: it goes with the consent (and the consent with the child's row).
-- Consents given before this migration carry no phone and are unchecked: the curator checks
-- them like new ones before the child can be matched again (existing pairs go on).
ALTER TABLE consents ADD COLUMN representative_phone TEXT CHECK (
    representative_phone IS NULL OR (kind = 'representative' AND length(representative_phone) <= 32)
);
ALTER TABLE consents ADD COLUMN checked_as TEXT CHECK (
    checked_as IS NULL OR (kind = 'representative' AND checked_as IN ('records', 'paper'))
);
ALTER TABLE consents ADD COLUMN checked_by INTEGER;
ALTER TABLE consents ADD COLUMN checked_at TEXT;
-- Whether the representative chose to be told the times of the child's meetings
-- (NULL: not chosen yet, which is no).
ALTER TABLE consents ADD COLUMN meeting_times INTEGER CHECK (
    meeting_times IS NULL OR meeting_times IN (0, 1)
);

-- The check moves what the curator's lists count (waiting for the check / ready).
CREATE TRIGGER consents_version_checked AFTER UPDATE OF checked_at ON consents BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id = NEW.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
