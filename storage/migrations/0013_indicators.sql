-- Filled in by the indicators work (issue 6). A no-op until then.
SELECT 1;
