// Priority group page: the goals the group sets, by id, each with the measures (any
// status) that advance it, by id. A goal no measure advances has one entry whose id is
// null in `measures` (the caller drops it).
// params: id
// columns: id, text ({fi, en}), deadline (date or null),
//          measures (list of {id, title: {fi, en}, status})
MATCH (:PriorityGroup {id: $id})-[:SETS]->(g:Goal)
OPTIONAL MATCH (m:Measure)-[:ADVANCES]->(g)
WITH g, m
ORDER BY m.id
RETURN g.id AS id, {fi: g.text_fi, en: g.text_en} AS text, g.deadline AS deadline,
  collect({id: m.id, title: {fi: m.title_fi, en: m.title_en}, status: m.status}) AS measures
ORDER BY g.id
