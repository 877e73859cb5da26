// Indicator page: the indicator's yearly observations, oldest first.
// params: id
// columns: year, value, source
MATCH (o:Observation {indicator: $id})
RETURN o.year AS year, o.value AS value, o.source AS source
ORDER BY o.year
