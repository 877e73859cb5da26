// Coverage page: how many distinct active measures the rows shown count (those addressing
// one of $phenomena or a narrower phenomenon, as the row totals do) and how many of them are
// illustrative (source 'illustrative'), for the banner of the page.
// params: active, phenomena
// columns: active (int), illustrative (int)
OPTIONAL MATCH (m:Measure)-[:ADDRESSES]->(:Phenomenon)-[:PART_OF*0..]->(p:Phenomenon)
WHERE m.status IN $active AND p.id IN $phenomena
WITH DISTINCT m
RETURN count(m) AS active,
  count(CASE WHEN toLower(trim(m.source)) = 'illustrative' THEN 1 END) AS illustrative
