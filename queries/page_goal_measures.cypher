// Goal page: the measures (any status) that advance one goal, each with its responsible
// organisations (role and the responsibility's source).
// params: id
// columns: id, status, source,
//          responsible (list of {organisation, role, source}: leads first, then by id)
MATCH (m:Measure)-[:ADVANCES]->(:Goal {id: $id})
OPTIONAL MATCH (o:Organisation)-[r:RESPONSIBLE_FOR]->(m)
WITH m, o, r
ORDER BY CASE r.role WHEN 'lead' THEN 0 ELSE 1 END, o.id
WITH m, collect(CASE WHEN o IS NULL THEN null
  ELSE {organisation: o.id, role: r.role, source: r.source} END) AS responsible
RETURN m.id AS id, m.status AS status, m.source AS source, responsible
ORDER BY m.id
