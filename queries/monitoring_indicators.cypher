// Monitoring page: every indicator with its yearly observations (oldest first) and the
// phenomena it measures.
// params: none
// columns: id, name ({fi, sv, en}), unit ({fi, sv, en}), direction, source,
//          phenomena (ids), observations ([{year, value, source}] by year)
MATCH (i:Indicator)
CALL (i) {
  OPTIONAL MATCH (o:Observation {indicator: i.id})
  WITH o ORDER BY o.year
  RETURN [x IN collect(o) | {year: x.year, value: x.value, source: x.source}] AS observations
}
CALL (i) {
  OPTIONAL MATCH (i)-[:MEASURES]->(p:Phenomenon)
  WITH p ORDER BY p.id
  RETURN collect(p.id) AS phenomena
}
RETURN i.id AS id, {fi: i.name_fi, sv: i.name_sv, en: i.name_en} AS name,
  {fi: i.unit_fi, sv: i.unit_sv, en: i.unit_en} AS unit, i.direction AS direction,
  i.source AS source, phenomena, observations
ORDER BY i.id
