-- Issue 14: what a form declares (who its mentors and mentees are, its pace, whether groups
-- are allowed) and whether it is on changes what the indicators count (an own form declared
-- employer-led counts its mentors' enterprises; the stages are shown per enabled form) and
-- what the curator's lists show. A form is changed rarely, so any change moves both the
-- lists' counter (migration 0019) and the reports' (0021): the kept figures are counted again.
CREATE TRIGGER organization_forms_version_insert AFTER INSERT ON organization_forms BEGIN
    INSERT INTO organization_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
    INSERT INTO report_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER organization_forms_version_update AFTER UPDATE ON organization_forms BEGIN
    INSERT INTO organization_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
    INSERT INTO report_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
