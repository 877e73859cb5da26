// Phenomenon page: the measures (any status) that address this phenomenon directly, by id,
// each with its responsible organisations (leads first, then by id) and the provenance of
// each responsibility.
// params: id
// columns: id, title ({fi, sv, en}), status, end (date or null), source,
//          responsible (list of {organisation, role, source}; empty when none)
MATCH (m:Measure)-[:ADDRESSES]->(:Phenomenon {id: $id})
OPTIONAL MATCH (o:Organisation)-[r:RESPONSIBLE_FOR]->(m)
WITH m, o, r
ORDER BY r.role, o.id
RETURN m.id AS id, {fi: m.title_fi, sv: m.title_sv, en: m.title_en} AS title,
  m.status AS status, m.end AS end, m.source AS source,
  [x IN collect({organisation: o.id, role: r.role, source: r.source})
    WHERE x.organisation IS NOT NULL] AS responsible
ORDER BY m.id
