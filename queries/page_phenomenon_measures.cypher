// Phenomenon page: the measures (any status) that address this phenomenon directly, by id,
// each with its responsible organisations (leads first, then by id).
// params: id
// columns: id, title ({fi, en}), status, responsible (organisation ids)
MATCH (m:Measure)-[:ADDRESSES]->(:Phenomenon {id: $id})
OPTIONAL MATCH (o:Organisation)-[r:RESPONSIBLE_FOR]->(m)
WITH m, o, r
ORDER BY r.role, o.id
RETURN m.id AS id, {fi: m.title_fi, en: m.title_en} AS title, m.status AS status,
  collect(o.id) AS responsible
ORDER BY m.id
