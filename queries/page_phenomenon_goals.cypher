// Phenomenon page: the goals that target this phenomenon, by id, with the priority group
// that sets each (null when none does).
// params: id
// columns: id, text ({fi, en}), group (id or null)
MATCH (g:Goal)-[:TARGETS]->(:Phenomenon {id: $id})
OPTIONAL MATCH (pg:PriorityGroup)-[:SETS]->(g)
RETURN g.id AS id, {fi: g.text_fi, en: g.text_en} AS text, pg.id AS group
ORDER BY g.id
