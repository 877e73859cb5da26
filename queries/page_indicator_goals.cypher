// Indicator page: the goals whose target is on this indicator, with the priority group
// that sets each (null when none does).
// params: id
// columns: id, text ({fi, sv, en}), group (id or null), source
MATCH (g:Goal {target_indicator: $id})
OPTIONAL MATCH (pg:PriorityGroup)-[:SETS]->(g)
RETURN g.id AS id, {fi: g.text_fi, sv: g.text_sv, en: g.text_en} AS text, pg.id AS group,
  g.source AS source
ORDER BY g.id
