// Attention, its first half: the phenomena measured by at least one worsening indicator,
// with those indicators (docs/analyses.md, "attention"). An indicator is worsening when
// its three latest observations with a year not after $year each got strictly worse than
// the one before in its direction; with fewer than three it is not. Which of these
// phenomena are unaddressed or single-branch comes from gaps.cypher.
// params: year
// columns: phenomenon, indicators
MATCH (i:Indicator)
CALL (i) {
  OPTIONAL MATCH (o:Observation {indicator: i.id})
  WHERE o.year <= $year
  WITH o
  ORDER BY o.year DESC
  LIMIT 3
  // newest first
  RETURN collect(o.value) AS values
}
WITH i, values
WHERE size(values) = 3 AND (
  (i.direction = 'decrease' AND values[0] > values[1] AND values[1] > values[2])
  OR (i.direction = 'increase' AND values[0] < values[1] AND values[1] < values[2])
)
MATCH (i)-[:MEASURES]->(p:Phenomenon)
WITH p, i.id AS indicator
ORDER BY indicator
WITH p, collect(indicator) AS indicators
ORDER BY p.id
RETURN p.id AS phenomenon, indicators
