// Analysis pages: how many active measures the graph holds and how many of them are
// illustrative (source 'illustrative'), for the banner of a page built on them.
// params: active
// columns: active (int), illustrative (int)
MATCH (m:Measure)
WHERE m.status IN $active
RETURN count(m) AS active,
  count(CASE WHEN toLower(trim(m.source)) = 'illustrative' THEN 1 END) AS illustrative
