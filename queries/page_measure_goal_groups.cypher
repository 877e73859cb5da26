// Measure page: the priority group that sets each of these goals (goals no group sets
// give no row).
// params: ids
// columns: id (goal id), group (priority group id)
MATCH (pg:PriorityGroup)-[:SETS]->(g:Goal)
WHERE g.id IN $ids
RETURN g.id AS id, pg.id AS group
