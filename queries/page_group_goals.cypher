// Priority group page: the goals the group sets, by id, each with the measures (any
// status) that advance it, by id. A goal no measure advances has one entry whose id is
// null in `measures` (the caller drops it).
// params: id
// columns: id, text ({fi, sv, en}), deadline (date or null), source,
//          measures (list of {id, title: {fi, sv, en}, status, source})
MATCH (:PriorityGroup {id: $id})-[:SETS]->(g:Goal)
OPTIONAL MATCH (m:Measure)-[:ADVANCES]->(g)
WITH g, m
ORDER BY m.id
RETURN g.id AS id, {fi: g.text_fi, sv: g.text_sv, en: g.text_en} AS text,
  g.deadline AS deadline, g.source AS source,
  collect({id: m.id, title: {fi: m.title_fi, sv: m.title_sv, en: m.title_en},
    status: m.status, source: m.source}) AS measures
ORDER BY g.id
