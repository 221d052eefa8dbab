-- Filled in by the meetings follow-up work (issue 5). A no-op until then.
SELECT 1;
